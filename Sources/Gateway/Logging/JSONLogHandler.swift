import Foundation
public import Logging
import Synchronization

/// Writes each log event as one JSON object on its own line (`--log-format json`), for log
/// collectors: `time`, `level`, `label`, `message`, then the metadata as string fields.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: @Sendable (String) -> Void

    /// Lines go to `output` (stderr by default), one call per event.
    public init(label: String, output: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadataProvider?.get() ?? [:]
        fields.merge(metadata) { _, handler in handler }
        if let extra = event.metadata { fields.merge(extra) { _, event in event } }
        var object: [String: String] = [:]
        for (key, value) in fields { object[key] = "\(value)" }
        // The fixed fields win over metadata of the same name.
        object["time"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = "\(event.message)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object), let line = String(data: data, encoding: .utf8) else { return }
        output(line + "\n")
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    /// Writes whole lines to stderr; one write per line keeps lines of several threads apart.
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }
}
