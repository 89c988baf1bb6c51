import Foundation
import HelpdeskCore

/// `bounce_pause:` and `loop_caps:` of a mailbox file.
struct DeliverySettings: Sendable, Equatable {
    var hardBouncePause = MailboxRules.defaultHardBouncePause
    var loopCaps = LoopCaps.standard

    static let fields = ["bounce_pause", "loop_caps"]

    /// ```yaml
    /// bounce_pause: 60d                # automatic mail skips a hard-bounced address this long; 0 = never
    /// loop_caps:
    ///   per_recipient: [10 per 10m, 30 per 1d]
    ///   per_ticket: [5 per 1h, 20 per 1d]
    /// ```
    /// Each setting on its own: a broken one is reported and the others are still read.
    static func read(_ fields: YAMLFields, problems: inout ConfigProblemList) -> DeliverySettings {
        var settings = DeliverySettings()
        problems.check { () throws(ConfigError) in
            guard let text = try fields.optionalString("bounce_pause") else { return }
            if text == "0" {
                settings.hardBouncePause = 0
                return
            }
            guard let seconds = SLADuration.parse(text), seconds > 0 else {
                throw fields.error("bounce_pause", "'\(text)' is not a duration; write e.g. 60d, 12h, or 0 to never pause")
            }
            settings.hardBouncePause = seconds
        }
        guard let caps = problems.attempt({ () throws(ConfigError) in try fields.optionalFields("loop_caps") }) ?? nil else { return settings }
        problems.note(caps.unknownFields(["per_recipient", "per_ticket"]))
        problems.check { () throws(ConfigError) in
            settings.loopCaps.perRecipient = try windows(caps, "per_recipient") ?? settings.loopCaps.perRecipient
        }
        problems.check { () throws(ConfigError) in
            settings.loopCaps.perTicket = try windows(caps, "per_ticket") ?? settings.loopCaps.perTicket
        }
        return settings
    }

    /// The windows of one cap list, or nil when the list is not given.
    private static func windows(_ caps: YAMLFields, _ key: String) throws(ConfigError) -> [CapWindow]? {
        guard caps.has(key) else { return nil }
        var windows: [CapWindow] = []
        for text in try caps.stringList(key) {
            guard let window = capWindow(text) else {
                throw caps.error(key, "'\(text)' is not a cap; write e.g. 10 per 10m, 30 per day or 5 per 1h")
            }
            windows.append(window)
        }
        return windows
    }

    /// A year: a longer window is a typo, and would overflow when the log writes it.
    static let maxWindow: TimeInterval = 366 * 86_400

    /// "10 per 10m" → 10 within 600 s; also "30 per day", "5 per hour", "10 per 10 minutes", as
    /// the log and notes write them.
    static func capWindow(_ text: String) -> CapWindow? {
        let parts = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[1] == "per", let count = Int(parts[0]), count > 0 else { return nil }
        let span = parts[2...].joined(separator: " ")
        let units: [String: TimeInterval] = ["minute": 60, "minutes": 60, "hour": 3_600, "hours": 3_600, "day": 86_400, "days": 86_400]
        if let unit = units[span] { return CapWindow(count: count, seconds: unit) }
        if parts.count == 4, let amount = Int(parts[2]), amount > 0, let unit = units[String(parts[3])] {
            return Double(amount) * unit <= maxWindow ? CapWindow(count: count, seconds: Double(amount) * unit) : nil
        }
        guard parts.count == 3, let seconds = SLADuration.parse(span), seconds > 0, seconds <= maxWindow else { return nil }
        return CapWindow(count: count, seconds: seconds)
    }
}
