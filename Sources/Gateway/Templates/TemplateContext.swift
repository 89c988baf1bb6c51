import Foundation
import HelpdeskCore
import HelpdeskStore

/// The values a template can use, built the same way for real mail and for `templates check`.
enum TemplateContext {
    /// Events whose templates are rendered for a ticket, so must carry its key in the Subject.
    static let events: Set<String> = [
        "ticket_created", "agent_reply", "requester_reply", "ticket_assigned", "status_changed",
        "ticket_resolved", "sla_warning", "sla_breach", "command_rejected", "new_ticket",
    ]
    /// Events about a message that did not become a ticket: no key in the Subject.
    static let notices: Set<String> = ["message_too_large"]

    /// `{{ticket.key}}`, `{{requester.name}}`, `{{mailbox.address}}`, `{{message.body}}` …
    /// Every value but the body is made one line: templates put them in header lines, where a line
    /// break from a sender would inject headers of their choosing.
    static func values(ticket: TicketRecord, mailbox: MailboxConfig, messageBody: String, messageSubject: String) -> [String: Any] {
        [
            "ticket": [
                "key": ticket.key, "subject": oneLine(ticket.subject), "status": ticket.status.rawValue,
                "priority": ticket.priority.rawValue, "number": ticket.number,
            ] as [String: Any],
            "requester": [
                "name": oneLine(ticket.requesterName ?? ticket.requesterAddress), "address": oneLine(ticket.requesterAddress),
            ],
            "mailbox": values(mailbox),
            "message": ["body": messageBody, "subject": oneLine(messageSubject)],
        ]
    }

    /// `{{mailbox.address}}`, `{{mailbox.name}}`, `{{mailbox.key}}`.
    static func values(_ mailbox: MailboxConfig) -> [String: Any] {
        ["address": mailbox.address, "name": oneLine(mailbox.displayName ?? mailbox.address), "key": mailbox.keyPrefix]
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// `{{author.name}}`, `{{author.address}}`: who wrote the message in hand.
    static func person(name: String?, address: String) -> [String: Any] {
        ["name": oneLine(name ?? address), "address": oneLine(address)]
    }

    /// `{{#linked}}…{{linked.key}}…{{/linked}}`: the earlier ticket a new one continues, with
    /// `{{#closed}}` or `{{#unknown_sender}}` saying why it is not a comment there.
    static func linked(key: String, reason: LinkReason?) -> [String: Any] {
        ["key": key, "closed": reason == .ticketClosed, "unknown_sender": reason == .unknownSender]
    }

    /// A size as people read it: whole KB (rounded up) below a megabyte, else MB with one decimal.
    static func readableSize(_ bytes: Int) -> String {
        if bytes < 1 << 20 { return "\((bytes + 1023) / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    /// `{{sla.target}}` ("first response"), `{{sla.due}}` in the calendar's zone, `{{sla.duration}}`
    /// ("4h"), `{{sla.elapsed}}`, `{{sla.warn_percent}}`, `{{#sla.business_hours}}`, `{{#sla.first_response}}`.
    static func sla(_ record: TicketSLARecord, calendar: BusinessCalendar, warningPoint: Double) -> [String: Any] {
        [
            "target": record.target.label, "duration": SLADuration.format(record.duration),
            "elapsed": SLADuration.format((record.elapsed / 60).rounded() * 60),
            "due": record.dueAt.map { readableTime($0, in: calendar.timeZone) } ?? "-",
            "warn_percent": Int((warningPoint * 100).rounded()), "business_hours": !calendar.isAlwaysOpen,
            "first_response": record.target == .firstResponse,
        ]
    }

    /// `2026-11-24 18:30 Europe/Berlin`: a time as the people of that zone read it.
    static func readableTime(_ date: Date, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return "\(formatter.string(from: date)) \(zone.identifier)"
    }

    /// A made-up ticket for checking templates without a database; every key any template may use.
    static var sample: (ticketKey: String, values: [String: Any]) {
        let key = "SAMPLE-123"
        let values: [String: Any] = [
            "ticket": ["key": key, "subject": "Printer on fire", "status": "new", "priority": "normal", "number": 123] as [String: Any],
            "requester": ["name": "Alice Example", "address": "alice@example.test"],
            "mailbox": ["address": "support@example.test", "name": "Example Support", "key": "SAMPLE"],
            "message": [
                "body": "The printer in room 3 is on fire.\n\n> earlier text\n", "subject": "Printer on fire",
                "reply": "The printer in room 3 is on fire.\n",
            ],
            "author": person(name: "Alice Example", address: "alice@example.test"),
            "agent": person(name: "Bob", address: "bob@example.test"),
            "linked": linked(key: "SAMPLE-99", reason: .ticketClosed),
            "reopened": true,
            "assigned_by": "round_robin",
            "rejection": ["line": "#status pendng", "reason": "unknown status 'pendng'", "unverified": false] as [String: Any],
            "sla": [
                "target": "first response", "duration": "4h", "elapsed": "3h 12m", "due": "2026-11-24 18:30 Europe/Berlin",
                "warn_percent": 80, "business_hours": true, "first_response": true,
            ] as [String: Any],
            "notice": ["reason": "it is 31.0 MB and the limit is 25.0 MB", "size": "31.0 MB", "limit": "25.0 MB"],
        ]
        return (key, values)
    }
}
