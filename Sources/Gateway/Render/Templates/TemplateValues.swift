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
        var size: String?
        var limit: String
    }

    /// `{{delivery.address}}`, `{{delivery.kind}}`, `{{delivery.status}}`, `{{delivery.diagnostic}}`,
    /// `{{delivery.paused_until}}`, `{{delivery.bounced_at}}` and flags: which mail of the ticket
    /// did not arrive, or which reply went to an address that bounced before.
    struct Delivery: Sendable {
        var address: String
        /// The event of the mail concerned, `ticket_created`.
        var kind: String
        var acknowledgement: Bool
        var agentReply: Bool
        var notice: Bool
        var status: String?
        var diagnostic: String?
        var pausedUntil: String?
        var bouncedAt: String
        var sentAnyway: Bool
        var paused: Bool

        /// `facts` for readers of `language`, times in `zone`. Every value is one line: the
        /// diagnostic is the receiving server's words.
        init(_ facts: DeliveryFacts, zone: TimeZone, language: String) {
            address = facts.address.oneLine
            kind = facts.event.rawValue
            acknowledgement = facts.event == .ticketCreated
            agentReply = facts.event == .agentReply
            notice = !acknowledgement && !agentReply
            status = facts.status.map(\.oneLine).flatMap { $0.isEmpty ? nil : $0 }
            diagnostic = facts.diagnostic.map(\.oneLine).flatMap { $0.isEmpty ? nil : $0 }
            // A pause that ends as it starts (bounce_pause: 0) is none.
            let until = facts.pausedUntil.flatMap { $0 > facts.bouncedAt ? $0 : nil }
            pausedUntil = until.map { TemplateValues.readableTime($0, in: zone, language: language) }
            bouncedAt = TemplateValues.readableTime(facts.bouncedAt, in: zone, language: language)
            sentAnyway = facts.sentAnyway
            paused = until != nil
        }
    }

    /// `{{approval.rule}}`, `.step`, `.steps`, `.expires`, `.decided_by`, `.reason` and flags:
    /// the request for approval an approval mail is about.
    struct ApprovalValues: Sendable {
        var rule: String
        var step: Int
        var steps: Int
        var chain: Bool
        var expires: String
        var decidedBy: String?
        var reason: String?
        var reminder: Bool
        var escalated: Bool
        var cancelled: Bool
    }

    /// One file in `{{#attachments}}`, `{{#inline_images}}` or `{{#left_out}}`.
    struct File: Sendable {
        var name: String
        /// As people read it: 240 KB, 3.1 MB.
        var size: String
        var contentID: String?
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
    /// What a `delivery_failed` mail reports.
    var delivery: Delivery?
    /// What an approval mail is about.
    var approval: ApprovalValues?
    /// The language of the template chosen for the mail (`en` for the shipped ones).
    var language = "en"
    /// The rendered HTML content, while the layout around it is rendered.
    var layoutContent: String?
    /// Files the mail carries, images it shows inline, and files it had to leave out.
    var attachments: [File]?
    var inlineImages: [File]?
    var leftOut: [File]?
    /// The mailbox's limit for files in one reply, when some were left out.
    var attachmentLimit: String?
    /// The item a list's fields read while one item is rendered.
    var file: File?

    /// A size as people read it: whole KB (rounded up) below a megabyte, else MB with one decimal.
    /// The decimal mark follows the mail's language: 31.0 MB, 31,0 MB.
    static func readableSize(_ bytes: Int, language: String = "en") -> String {
        if bytes < 1 << 20 { return "\((bytes + 1023) / 1024) KB" }
        let size = String(format: "%.1f MB", Double(bytes) / 1_048_576)
        let mark = Locale(identifier: language.replacingOccurrences(of: "-", with: "_")).decimalSeparator ?? "."
        return mark == "." ? size : size.replacingOccurrences(of: ".", with: mark)
    }

    /// `2026-11-24 18:30 Europe/Berlin` in English, `24.11.2026, 18:30 Europe/Berlin` in German:
    /// a time as the people of that zone and language read it. English keeps the ISO order,
    /// which no reader gets wrong.
    static func readableTime(_ date: Date, in zone: TimeZone, language: String = "en") -> String {
        let formatter = DateFormatter()
        formatter.timeZone = zone
        if language == "en" || language.hasPrefix("en-") {
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
        } else {
            let locale = Locale(identifier: language.replacingOccurrences(of: "-", with: "_"))
            formatter.locale = locale
            formatter.dateFormat = DateFormatter.dateFormat(fromTemplate: "yMdjmm", options: 0, locale: locale) ?? "yyyy-MM-dd HH:mm"
        }
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
        notice: Notice(reason: "it is 31.0 MB and the limit is 25.0 MB", size: "31.0 MB", limit: "25.0 MB"),
        delivery: Delivery(
            DeliveryFacts(
                address: "alice@example.test", event: .ticketCreated, status: "5.1.1", diagnostic: "550 5.1.1 User unknown",
                pausedUntil: Date(timeIntervalSince1970: 1_795_604_400), bouncedAt: Date(timeIntervalSince1970: 1_795_000_000)),
            zone: TimeZone(identifier: "Europe/Berlin") ?? .gmt, language: "en"),
        approval: ApprovalValues(
            rule: "hardware", step: 1, steps: 2, chain: true, expires: "2026-11-27 09:00 Europe/Berlin", decidedBy: "mia@example.test",
            reason: "No budget this quarter.", reminder: true, escalated: false, cancelled: true),
        attachments: [File(name: "invoice.pdf", size: "3.1 MB")], inlineImages: [File(name: "screenshot.png", size: "240 KB", contentID: "screenshot.1@example.test")],
        leftOut: [File(name: "video.mp4", size: "48.0 MB")], attachmentLimit: "20.0 MB")
}
