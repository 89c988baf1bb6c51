import Foundation
import HelpdeskCore

/// The values a template can use (`{{ticket.key}}`, `{{requester.name}}`, `{{message.reply}}` …),
/// typed, built the same way for real mail, previews and `templates check`. Every value but the
/// bodies is one line: templates put them in header lines, where a line break from a sender
/// would inject headers of their choosing.
struct TemplateValues: Sendable {
    /// `{{ticket.key}}`, `.subject`, `.status`, `.priority`, `.number`.
    struct TicketValues: Sendable {
        var key: String
        var subject: String
        var status: String
        var priority: String
        var number: Int
    }

    /// `{{…name}}` (the address when there is no name) and `{{…address}}`.
    struct Person: Sendable {
        var name: String
        var address: String

        init(name: String?, address: String) {
            self.name = (name ?? address).oneLine
            self.address = address.oneLine
        }

        init(_ correspondent: Correspondent) { self.init(name: correspondent.name, address: correspondent.address) }
    }

    /// `{{mailbox.address}}`, `{{mailbox.name}}`, `{{mailbox.key}}`.
    struct MailboxValues: Sendable {
        var address: String
        var name: String
        var key: String
    }

    /// `{{message.subject}}`, `{{message.body}}` (whole), `{{message.reply}}` (without quotes).
    struct MessageValues: Sendable {
        var subject: String
        var body: String
        var reply: String
    }

    /// `{{#linked}}…{{linked.key}}…{{/linked}}` with `{{#closed}}` or `{{#unknown_sender}}`.
    struct Linked: Sendable {
        var key: String
        var closed: Bool
        var unknownSender: Bool
    }

    /// `{{rejection.line}}`, `{{rejection.reason}}`, `{{#rejection.unverified}}`.
    struct Rejection: Sendable {
        var line: String
        var reason: String
        var unverified: Bool
    }

    /// `{{sla.target}}` ("first response"), `{{sla.due}}` in the calendar's zone, `{{sla.duration}}`,
    /// `{{sla.elapsed}}`, `{{sla.warn_percent}}`, `{{#sla.business_hours}}`, `{{#sla.first_response}}`.
    struct SLAValues: Sendable {
        var target: String
        var duration: String
        var elapsed: String
        var due: String
        var warnPercent: Int
        var businessHours: Bool
        var firstResponse: Bool
    }

    /// `{{notice.reason}}`, `{{notice.size}}`, `{{notice.limit}}`: why a message was kept aside.
    struct Notice: Sendable {
        var reason: String
        var size: String
        var limit: String
    }

    var ticket: TicketValues?
    var requester: Person?
    var mailbox: MailboxValues
    var message: MessageValues
    var author: Person?
    var agent: Person?
    var linked: Linked?
    var reopened = false
    var assignedBy: String?
    var rejection: Rejection?
    var sla: SLAValues?
    var notice: Notice?

    /// What Mustache reads: the one place where typed values become a dictionary.
    var mustache: [String: Any] {
        var values: [String: Any] = [
            "mailbox": ["address": mailbox.address, "name": mailbox.name, "key": mailbox.key],
            "message": ["subject": message.subject, "body": message.body, "reply": message.reply],
            "reopened": reopened,
        ]
        if let ticket {
            values["ticket"] = ["key": ticket.key, "subject": ticket.subject, "status": ticket.status, "priority": ticket.priority, "number": ticket.number] as [String: Any]
        }
        if let requester { values["requester"] = Self.person(requester) }
        if let author { values["author"] = Self.person(author) }
        if let agent { values["agent"] = Self.person(agent) }
        if let linked { values["linked"] = ["key": linked.key, "closed": linked.closed, "unknown_sender": linked.unknownSender] as [String: Any] }
        if let assignedBy { values["assigned_by"] = assignedBy }
        if let rejection { values["rejection"] = ["line": rejection.line, "reason": rejection.reason, "unverified": rejection.unverified] as [String: Any] }
        if let sla {
            values["sla"] = [
                "target": sla.target, "duration": sla.duration, "elapsed": sla.elapsed, "due": sla.due, "warn_percent": sla.warnPercent,
                "business_hours": sla.businessHours, "first_response": sla.firstResponse,
            ] as [String: Any]
        }
        if let notice { values["notice"] = ["reason": notice.reason, "size": notice.size, "limit": notice.limit] }
        return values
    }

    private static func person(_ person: Person) -> [String: Any] { ["name": person.name, "address": person.address] }

    /// A size as people read it: whole KB (rounded up) below a megabyte, else MB with one decimal.
    static func readableSize(_ bytes: Int) -> String {
        if bytes < 1 << 20 { return "\((bytes + 1023) / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
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
    static let sample = TemplateValues(
        ticket: TicketValues(key: "SAMPLE-123", subject: "Printer on fire", status: "new", priority: "normal", number: 123),
        requester: Person(name: "Alice Example", address: "alice@example.test"),
        mailbox: MailboxValues(address: "support@example.test", name: "Example Support", key: "SAMPLE"),
        message: MessageValues(
            subject: "Printer on fire", body: "The printer in room 3 is on fire.\n\n> earlier text\n", reply: "The printer in room 3 is on fire.\n"),
        author: Person(name: "Alice Example", address: "alice@example.test"),
        agent: Person(name: "Bob", address: "bob@example.test"),
        linked: Linked(key: "SAMPLE-99", closed: true, unknownSender: false),
        reopened: true, assignedBy: "round_robin",
        rejection: Rejection(line: "#status pendng", reason: "unknown status 'pendng'", unverified: false),
        sla: SLAValues(
            target: "first response", duration: "4h", elapsed: "3h 12m", due: "2026-11-24 18:30 Europe/Berlin", warnPercent: 80,
            businessHours: true, firstResponse: true),
        notice: Notice(reason: "it is 31.0 MB and the limit is 25.0 MB", size: "31.0 MB", limit: "25.0 MB"))
}
