import Foundation
import HelpdeskCore

extension SLAPolicy {
    static let knownFields = ["time", "timezone", "hours", "holidays", "warn_at", "pause_on_hold", "escalation", "auto_close_days", "targets"]

    /// The `sla:` section of a mailbox file; every problem names its field.
    static func parse(_ fields: YAMLFields) throws(ConfigError) -> SLAPolicy {
        try fields.rejectUnknown(knownFields)
        let time = try fields.optionalString("time")?.lowercased() ?? "business"
        let calendar: BusinessCalendar
        switch time {
        case "calendar", "24/7":
            calendar = .alwaysOpen
        case "business":
            let zoneName = try fields.string("timezone", hint: "give the IANA time zone of the opening hours, e.g. Europe/Berlin")
            guard let zone = TimeZone(identifier: zoneName) else {
                throw fields.error("timezone", "'\(zoneName)' is not an IANA time zone; write e.g. Europe/Berlin or America/New_York")
            }
            let lines = try fields.stringList("hours")
            guard !lines.isEmpty else { throw fields.error("hours", "missing; write e.g. [\"mon-fri 09:00-17:00\"], or time: calendar for 24/7") }
            let hours: [Int: [OpeningSpan]]
            do {
                hours = try BusinessCalendar.parseHours(lines)
            } catch {
                throw fields.error("hours", "\(error)")
            }
            var holidays: Set<String> = []
            for day in try fields.stringList("holidays") {
                guard Self.isDate(day) else { throw fields.error("holidays", "'\(day)' is not a date; write YYYY-MM-DD") }
                holidays.insert(day)
            }
            calendar = BusinessCalendar(timeZone: zone, hours: hours, holidays: holidays)
        default:
            throw fields.error("time", "'\(time)' is not business or calendar")
        }
        var policy = SLAPolicy(calendar: calendar, targets: [:])
        if let text = try fields.optionalString("warn_at") {
            let number = Double(text.replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces))
            guard let number, number > 0, number < 100 else { throw fields.error("warn_at", "'\(text)' is not a share between 1% and 99%, e.g. 80%") }
            policy.warningPoint = number / 100
        }
        if let text = try fields.optionalString("pause_on_hold") {
            guard let value = Bool(text.lowercased()) else { throw fields.error("pause_on_hold", "expected true or false") }
            policy.pauseOnHold = value
        }
        if let address = try fields.optionalString("escalation") {
            guard MailboxConfig.isPlausibleAddress(address) else { throw fields.error("escalation", "'\(address)' is not an email address") }
            policy.escalation = address.lowercased()
        }
        if let days = try fields.optionalInt("auto_close_days") {
            guard days > 0 else { throw fields.error("auto_close_days", "expected a number of days greater than 0") }
            policy.autoCloseDays = days
        }
        let targets = try fields.fields("targets", hint: "give first_response and resolution per priority, e.g. normal: {first_response: 4h, resolution: 3d}")
        try targets.rejectUnknown(TicketPriority.allCases.map(\.rawValue))
        for priority in TicketPriority.allCases {
            guard let entry = try targets.optionalFields(priority.rawValue) else { continue }
            try entry.rejectUnknown(["first_response", "resolution"])
            func duration(_ key: String) throws(ConfigError) -> TimeInterval? {
                guard let text = try entry.optionalString(key) else { return nil }
                guard let seconds = SLADuration.parse(text), seconds > 0 else {
                    throw entry.error(key, "'\(text)' is not a duration; write e.g. 30m, 4h, 2d or 1h30m")
                }
                return seconds
            }
            policy.targets[priority] = SLATargets(firstResponse: try duration("first_response"), resolution: try duration("resolution"))
        }
        return policy
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
