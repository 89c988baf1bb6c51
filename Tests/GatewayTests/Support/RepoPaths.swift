import Foundation

/// Paths inside the checkout, found from this file's location so tests run from anywhere.
enum RepoPaths {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var templates: URL { root.appendingPathComponent("templates") }
    static var scripts: URL { root.appendingPathComponent("scripts") }
}

/// A fresh directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init(prefix: String = "mailgate-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
