import Foundation

/// Paths inside the checkout, found from this file's location so tests run from anywhere.
enum RepoPaths {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var templates: URL { root.appendingPathComponent("templates") }
    static var scripts: URL { root.appendingPathComponent("scripts") }
}
