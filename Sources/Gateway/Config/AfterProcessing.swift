import Foundation

/// What happens on the server to a message once the transaction recording it has committed:
/// `after_processing:` in a mailbox file. The cursor, not the folder, still decides what is new.
public enum AfterProcessing: Sendable, Equatable {
    /// Keep it where it is, with the `$Helpdesk-Processed` keyword (the default).
    case flag
    /// Move it to this folder (created when missing), keyword and all.
    case move(folder: String)
    /// Keep it flagged, and delete it once it is this many days old (by the server's arrival date).
    case deleteAfter(days: Int)

    /// `flag`, `{move: FOLDER}` or `{delete_after: 30d}`.
    static func parse(_ fields: YAMLFields) throws(ConfigError) -> AfterProcessing {
        let key = "after_processing"
        let hint = "write 'flag', '{move: Processed}' or '{delete_after: 30d}'"
        if let text = try? fields.optionalString(key) {
            guard text.lowercased() == "flag" else { throw fields.error(key, "'\(text)' is not a choice; \(hint)") }
            return .flag
        }
        guard let section = try fields.optionalFields(key) else { return .flag }
        if let folder = try section.optionalString("move") {
            return .move(folder: folder)
        }
        if let period = try section.optionalString("delete_after") {
            guard period.hasSuffix("d"), let days = Int(period.dropLast()), days >= 1 else {
                throw section.error("delete_after", "'\(period)' is not a number of days such as 30d (at least 1d)")
            }
            return .deleteAfter(days: days)
        }
        throw fields.error(key, "nothing to do; \(hint)")
    }
}
