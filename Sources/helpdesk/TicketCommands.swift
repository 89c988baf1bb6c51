import ArgumentParser
import Foundation
import HelpdeskCore
import HelpdeskStore

/// `helpdesk tickets …`: look at tickets.
struct Tickets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and show tickets.", subcommands: [List.self, Show.self, Update.self, History.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets, oldest first.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only tickets with this status (new, open, pending, on_hold, resolved, closed, cancelled).")
        var status: String?
        @Option(help: "Only tickets of this mailbox.")
        var queue: String?
        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() throws {
            let parsedStatus = try status.map { text in
                guard let value = TicketStatus(rawValue: text.lowercased()) else {
                    throw ValidationError("unknown status '\(text)'; use one of \(TicketStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            }
            let tickets = try options.openDatabase().tickets(status: parsedStatus, mailbox: queue)
            if json {
                try printJSON(tickets.map(TicketJSON.init))
            } else {
                print(TextTable.render(header: ["KEY", "STATUS", "PRIORITY", "REQUESTER", "SUBJECT"], rows: tickets.map {
                    [$0.key, $0.status.rawValue, $0.priority.rawValue, $0.requesterAddress, String($0.subject.prefix(60))]
                }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its comments.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The ticket key, e.g. SUPP-42.")
        var key: String
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let database = try options.openDatabase()
            let (ticket, id) = try database.existingTicket(key)
            let comments = try database.comments(ticketId: id)
            let attachments = try database.attachments(ticketId: id)
            let participants = try database.participants(ticketId: id)
            let linked = try ticket.linkedTicketId.flatMap { try database.ticket(id: $0) }
            let clocks = try database.sla(ticketId: id)
            if json {
                var value = TicketJSON(ticket)
                value.sla = clocks.map(SLAJSON.init)
                value.linkedTicket = linked?.key
                value.participants = participants.map(ParticipantJSON.init)
                value.comments = comments.map { CommentJSON($0, attachments: attachments[$0.id ?? 0] ?? []) }
                try printJSON(value)
                return
            }
            print("\(ticket.key)  \(ticket.subject)")
            print("status: \(ticket.status.rawValue)   priority: \(ticket.priority.rawValue)   mailbox: \(ticket.mailbox)   assignee: \(ticket.assignee ?? "-")")
            print("requester: \(ticket.requesterName.map { "\($0) <\(ticket.requesterAddress)>" } ?? ticket.requesterAddress)")
            print("participants: \(participants.map(\.address).joined(separator: ", "))")
            if let linked, let reason = ticket.linkReason {
                print("continues: \(linked.key) (\(reason == .ticketClosed ? "it was closed" : "the sender is not a participant there"))")
            }
            print("created: \(ISO8601DateFormatter().string(from: ticket.createdAt))")
            for clock in clocks { print(Self.describe(clock, now: Date())) }
            for (index, comment) in comments.enumerated() {
                print("\n--- comment \(index + 1) · \(comment.authorAddress) (\(comment.authorRole.rawValue)) · \(comment.visibility.rawValue)\(comment.unverified ? " · UNVERIFIED sender" : "") · \(ISO8601DateFormatter().string(from: comment.createdAt))")
                print(comment.body.hasSuffix("\n") ? String(comment.body.dropLast()) : comment.body)
                for file in attachments[comment.id ?? 0] ?? [] {
                    print("  [attachment] \(file.filename) · \(file.contentType) · \(file.size) bytes · sha256 \(file.sha256)")
                }
            }
        }

        /// `sla first response (4h): due 2026-11-24T18:30:00Z, warning at …, running, 1h 12m counted`.
        static func describe(_ clock: TicketSLARecord, now: Date) -> String {
            let time = { (date: Date) in ISO8601DateFormatter().string(from: date) }
            var parts: [String] = []
            switch clock.outcome {
            case .running where clock.isBreaching(at: now): parts.append("OVERDUE since \(clock.dueAt.map(time) ?? "-")")
            case .running: parts.append("due \(clock.dueAt.map(time) ?? "-")" + (clock.warnAt.map { ", warning at \(time($0))" } ?? ""))
            case .paused: parts.append("paused" + (clock.dueAt.map { " (was due \(time($0)))" } ?? ""))
            case .met: parts.append("met")
            case .breached: parts.append("BREACHED, was due \(clock.dueAt.map(time) ?? "-")")
            case .ended: parts.append("ended without it")
            }
            parts.append("\(SLADuration.format((clock.elapsed / 60).rounded() * 60)) counted as of \(time(clock.updatedAt))")
            return "sla \(clock.target.label) (\(SLADuration.format(clock.duration))): " + parts.joined(separator: ", ")
        }
    }
}

/// One SLA clock as `tickets show --json` prints it; times are the server's, never a message's.
struct SLAJSON: Encodable {
    var target: String
    var duration: TimeInterval
    var dueAt: Date?
    var warnAt: Date?
    var outcome: String
    var elapsed: TimeInterval
    var updatedAt: Date

    init(_ clock: TicketSLARecord) {
        target = clock.target.rawValue
        duration = clock.duration
        dueAt = clock.dueAt
        warnAt = clock.warnAt
        outcome = clock.outcome.rawValue
        elapsed = clock.elapsed
        updatedAt = clock.updatedAt
    }
}

/// A ticket as `tickets list/show --json` print it.
struct TicketJSON: Encodable {
    var key: String
    var mailbox: String
    var subject: String
    var status: String
    var priority: String
    var requester: String
    var requesterName: String?
    var createdAt: Date
    var updatedAt: Date
    var assignee: String?
    var linkedTicket: String?
    var linkReason: String?
    var participants: [ParticipantJSON]?
    var comments: [CommentJSON]?
    var sla: [SLAJSON]?

    init(_ ticket: TicketRecord) {
        key = ticket.key
        mailbox = ticket.mailbox
        subject = ticket.subject
        status = ticket.status.rawValue
        priority = ticket.priority.rawValue
        requester = ticket.requesterAddress
        requesterName = ticket.requesterName
        createdAt = ticket.createdAt
        updatedAt = ticket.updatedAt
        assignee = ticket.assignee
        linkReason = ticket.linkReason?.rawValue
    }
}

/// A participant as `tickets show --json` prints it.
struct ParticipantJSON: Encodable {
    var address: String
    var name: String?
    var role: String

    init(_ participant: ParticipantRecord) {
        address = participant.address
        name = participant.name
        role = participant.role.rawValue
    }
}

/// An attachment as `tickets show --json` prints it; `helpdesk attachments get SHA256` fetches it.
struct AttachmentJSON: Encodable {
    var name: String
    var type: String
    var size: Int
    var sha256: String
    var inline: Bool

    init(_ attachment: AttachmentRecord) {
        name = attachment.filename
        type = attachment.contentType
        size = attachment.size
        sha256 = attachment.sha256
        inline = attachment.isInline
    }
}

/// A comment as `tickets show --json` prints it.
struct CommentJSON: Encodable {
    var author: String
    var authorName: String?
    var visibility: String
    var authorRole: String
    /// An agent's mail that proved nothing: the From line may be forged.
    var unverified: Bool
    var body: String
    var reply: String?
    var html: String?
    var messageId: String?
    var createdAt: Date
    var attachments: [AttachmentJSON]

    init(_ comment: CommentRecord, attachments: [AttachmentRecord]) {
        author = comment.authorAddress
        authorName = comment.authorName
        authorRole = comment.authorRole.rawValue
        unverified = comment.unverified
        visibility = comment.visibility.rawValue
        body = comment.body
        reply = comment.reply
        html = comment.html
        messageId = comment.messageId
        createdAt = comment.createdAt
        self.attachments = attachments.map(AttachmentJSON.init)
    }
}

extension HelpdeskDatabase {
    /// The ticket and its id, or the error that tells the admin where to find keys.
    func existingTicket(_ key: String) throws -> (TicketRecord, Int64) {
        guard let ticket = try ticket(key: key), let id = ticket.id else {
            throw CommandFailure("no ticket \(key); `helpdesk tickets list` shows the keys")
        }
        return (ticket, id)
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
