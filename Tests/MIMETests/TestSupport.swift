import Foundation
@testable import MIME

/// Message bytes from lines joined with CRLF (the wire form), or with `separator` when given.
func message(_ lines: [String], separator: String = "\r\n") -> [UInt8] {
    Array(lines.joined(separator: separator).utf8)
}

/// The package root, found from this file's path (Tests/MIMETests/TestSupport.swift).
func packageRoot(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The MIME corpus in the repository (`Tests/Fixtures/corpus/mime`), or nil when it is not there.
func corpusDirectory() -> URL? {
    let url = packageRoot().appendingPathComponent("Tests/Fixtures/corpus/mime")
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        return nil
    }
    return url
}

/// Every regular file under `directory`, sorted by path so runs are reproducible.
func files(under directory: URL) -> [URL] {
    guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
    else { return [] }
    var result: [URL] = []
    for case let url as URL in enumerator {
        if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { result.append(url) }
    }
    return result.sorted { $0.path < $1.path }
}

