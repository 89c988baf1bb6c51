import Foundation
@testable import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Blob store")
struct BlobStoreTests {
    static let emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let abcSHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    /// A fresh temp folder path, not yet created so `put` must make it; callers delete it in `defer`.
    static func temporaryRoot() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path
    }

    static func delete(_ root: String) {
        try? FileManager.default.removeItem(atPath: root)
    }

    func attributes(_ path: String) throws -> [FileAttributeKey: Any] {
        try FileManager.default.attributesOfItem(atPath: path)
    }

    func mode(_ path: String) throws -> Int? {
        (try attributes(path)[.posixPermissions] as? NSNumber)?.intValue
    }

    func overwrite(_ path: String, with bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static let contents: [(name: String, bytes: [UInt8], sha: String?)] = [
        ("empty", [], emptySHA),
        ("abc", Array("abc".utf8), abcSHA),
        ("every byte value", (0...255).map(UInt8.init), nil),
        ("larger than one read chunk", (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }, nil),
    ]

    @Test("put then read gives the bytes back, stored under ab/<sha256>", arguments: contents)
    func roundTrip(name: String, bytes: [UInt8], sha: String?) throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let id = try store.put(bytes)
        if let sha { #expect(id == sha) }
        #expect(id.count == 64 && id == id.lowercased())
        let first = String(id.prefix(2))
        #expect(store.path(for: id) == "\(root)/\(first)/\(id)")
        #expect(FileManager.default.fileExists(atPath: "\(root)/\(first)/\(id)"))
        #expect(store.contains(id))
        #expect(try store.read(id) == bytes)
    }

    @Test("a known id is used as given (upper case read as lower), and one that is not 64 hex digits is not: the bytes are hashed")
    func knownIDs() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        #expect(try store.put(Array("abc".utf8), sha256: Self.abcSHA.uppercased()) == Self.abcSHA)
        #expect(try store.read(Self.abcSHA) == Array("abc".utf8))
        for bad in ["../../etc/passwd", "", String(Self.abcSHA.dropLast()), Self.abcSHA + "0", String(repeating: "g", count: 64)] {
            #expect(try store.put([], sha256: bad) == Self.emptySHA, "\(bad)")
        }
        #expect(try store.read(Self.emptySHA) == [])
    }

    @Test func filesAre0640AndFolders0750() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let id = try store.put(Array("abc".utf8))
        #expect(try mode(root) == 0o750)
        #expect(try mode("\(root)/ba") == 0o750)
        #expect(try mode("\(root)/ba/\(id)") == 0o640)
    }

    @Test func putIsIdempotentAndLeavesNoTempFiles() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let bytes = Array("same attachment twice".utf8)
        let id = try store.put(bytes)
        let path = try #require(store.path(for: id))
        let inode = try attributes(path)[.systemFileNumber] as? NSNumber
        #expect(try store.put(bytes) == id)
        // Same inode: the second put skipped the write instead of renaming a new copy over it.
        #expect(try attributes(path)[.systemFileNumber] as? NSNumber == inode)
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [id])
        #expect(try store.read(id) == bytes)
    }

    /// A crash leaves its temp file behind, and a later process (or one with the same id in
    /// another container) may draw the same name: it is skipped and left as it is.
    @Test func tempNamesInUseAreSkippedNotReused() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let stale = (1...5).map { "\(root)/.tmp-\(BlobStore.processID)-\($0)" }
        for path in stale { try overwrite(path, with: Array("partial".utf8)) }
        var number = 0
        let (fd, path) = try BlobStore.createTemporaryFile(in: root) {
            number += 1
            return number
        }
        close(fd)
        #expect(path == "\(root)/.tmp-\(BlobStore.processID)-6")
        for path in stale { #expect(FileManager.default.contents(atPath: path) == Data("partial".utf8)) }
        // And a put beside them stores its bytes.
        let bytes = Array("written after a crash".utf8)
        #expect(try BlobStore(root: root).read(try BlobStore(root: root).put(bytes)) == bytes)
    }

    /// Several instances may share the data directory: writers of the same file at the same
    /// moment each rename a complete copy of their own into place, never a part of one.
    @Test func instancesWritingTheSameFileAtOnceLeaveOneWholeCopy() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for _ in 0..<10 {
            let ids = try onThreads(4) { _ in try BlobStore(root: root).put(bytes) }
            #expect(Set(ids).count == 1)
            let id = try #require(ids.first)
            #expect(try BlobStore(root: root).read(id) == bytes)
            let path = try #require(BlobStore(root: root).path(for: id))
            let folder = (path as NSString).deletingLastPathComponent
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [id], "no temp file left")
            try BlobStore(root: root).remove(id)
        }
    }

    @Test func sameContentSamePathDifferentContentDifferentPath() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let a = try store.put(Array("hello".utf8))
        let b = try store.put(Array("hello".utf8))
        let c = try store.put(Array("hello!".utf8))
        #expect(a == b)
        #expect(store.path(for: a) == store.path(for: b))
        #expect(a != c)
        #expect(store.path(for: a) != store.path(for: c))
        #expect(try store.read(c) == Array("hello!".utf8))
    }

    @Test func upperCaseIdsAreNormalised() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let id = try store.put(Array("abc".utf8))
        #expect(store.path(for: id.uppercased()) == "\(root)/ba/\(Self.abcSHA)")
        #expect(store.contains(id.uppercased()))
        #expect(try store.read(id.uppercased()) == Array("abc".utf8))
    }

    static let badIDs: [String] = [
        "../etc/passwd",
        "",
        String(abcSHA.dropLast()), // 63
        abcSHA + "0", // 65
        String(repeating: "g", count: 64),
        "../" + String(abcSHA.dropFirst(3)), // 64 characters, but a traversal
        "ba/78/" + String(abcSHA.dropFirst(6)),
        String(abcSHA.dropLast()) + " ",
        String(abcSHA.dropLast()) + "\u{0}",
        String(abcSHA.dropLast()) + "é", // 64 characters, 65 bytes
        String(repeating: "\u{FF10}", count: 64), // full-width digits
    ]

    @Test("ids that are not 64 hex digits name no file", arguments: badIDs)
    func invalidIDs(id: String) throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        _ = try store.put(Array("abc".utf8))
        #expect(store.path(for: id) == nil)
        #expect(!store.contains(id))
        #expect(throws: BlobStoreError.invalidID(id)) { try store.read(id) }
        #expect(throws: BlobStoreError.invalidID(id)) { try store.remove(id) }
    }

    @Test("a damaged file is detected on read", arguments: [
        Array("abd".utf8), // same size, one bit off
        Array("ab".utf8), // truncated
        [UInt8](), // emptied
    ])
    func corruptionDetected(damage: [UInt8]) throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let id = try store.put(Array("abc".utf8))
        let path = try #require(store.path(for: id))
        try overwrite(path, with: damage)
        let error = try #require(throws: BlobStoreError.self) { try store.read(id) }
        guard case .corrupted(let errorPath, let expected, let actual) = error else {
            Issue.record("expected .corrupted, got \(error)")
            return
        }
        #expect(errorPath == path)
        #expect(expected == id)
        #expect(actual != id)
        #expect(error.description.contains(path))
        #expect(error.description.contains("corrupted"))
    }

    @Test func putRepairsATruncatedFile() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let bytes = Array("a raw message".utf8)
        let id = try store.put(bytes)
        try overwrite(try #require(store.path(for: id)), with: Array(bytes.prefix(3)))
        #expect(try store.put(bytes) == id)
        #expect(try store.read(id) == bytes)
    }

    @Test func missingBlobThrowsWithItsPath() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let path = "\(root)/ba/\(Self.abcSHA)"
        #expect(!store.contains(Self.abcSHA))
        let error = try #require(throws: BlobStoreError.self) { try store.read(Self.abcSHA) }
        #expect(error == .missing(path: path))
        #expect(error.description.contains(path))
        #expect(error.description.contains("missing"))
    }

    @Test func removeDeletesAndToleratesAbsence() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let keep = try store.put(Array("keep".utf8))
        let id = try store.put(Array("delete me".utf8))
        try store.remove(id)
        #expect(!store.contains(id))
        #expect(throws: BlobStoreError.missing(path: try #require(store.path(for: id)))) { try store.read(id) }
        try store.remove(id) // second time: already gone, no error
        try store.remove(Self.emptySHA) // never stored
        #expect(try store.read(keep) == Array("keep".utf8))
    }

    @Test("a blob an older release stored under ab/cd/<sha256> is found, read, not stored again, and removed")
    func olderTwoLevelLayoutStillWorks() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let bytes = Array("abc".utf8)
        let legacy = "\(root)/ba/78/\(Self.abcSHA)"
        try FileManager.default.createDirectory(atPath: "\(root)/ba/78", withIntermediateDirectories: true)
        try overwrite(legacy, with: bytes)

        #expect(store.contains(Self.abcSHA))
        #expect(store.path(for: Self.abcSHA) == legacy)
        #expect(try store.read(Self.abcSHA) == bytes)
        #expect(try store.put(bytes) == Self.abcSHA)
        #expect(!FileManager.default.fileExists(atPath: "\(root)/ba/\(Self.abcSHA)"), "stored once, in the old place")

        try store.remove(Self.abcSHA)
        #expect(!store.contains(Self.abcSHA))
        #expect(!FileManager.default.fileExists(atPath: legacy))
        #expect(store.path(for: Self.abcSHA) == "\(root)/ba/\(Self.abcSHA)", "new blobs go to the one-level place")
    }

    @Test("a damaged new copy beside a good old one is written again, since reading takes the new one")
    func damagedNewCopyBesideAnOldOne() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        let bytes = Array("abc".utf8)
        try FileManager.default.createDirectory(atPath: "\(root)/ba/78", withIntermediateDirectories: true)
        try overwrite("\(root)/ba/78/\(Self.abcSHA)", with: bytes)
        try overwrite("\(root)/ba/\(Self.abcSHA)", with: [])  // cut short by a crash
        #expect(throws: BlobStoreError.self) { try store.read(Self.abcSHA) }
        #expect(try store.put(bytes) == Self.abcSHA)
        #expect(try store.read(Self.abcSHA) == bytes)
    }

    @Test func emptyContentIsABlobToo() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        #expect(!store.contains(Self.emptySHA))
        #expect(try store.put([]) == Self.emptySHA)
        #expect(store.contains(Self.emptySHA))
        #expect(try store.read(Self.emptySHA) == [])
        #expect(try attributes("\(root)/e3/\(Self.emptySHA)")[.size] as? NSNumber == 0)
    }

    @Test func writeFailureNamesThePath() throws {
        let root = Self.temporaryRoot()
        defer { Self.delete(root) }
        let store = BlobStore(root: root)
        // A file where the root folder should be: creating the ab folders must fail.
        try overwrite(root, with: [])
        let error = try #require(throws: BlobStoreError.self) { try store.put(Array("abc".utf8)) }
        #expect(error.description.contains(root))
    }
}
