public import Foundation

/// A fresh directory removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "mailgate-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
