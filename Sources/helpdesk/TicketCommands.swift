import ArgumentParser
import Foundation
import HelpdeskCore
import HelpdeskStore

/// `helpdesk tickets …`: look at and change tickets.
struct Tickets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "List, show and change tickets, and read their history.", subcommands: [List.self, Show.self, Update.self, History.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List tickets, oldest first (by creation time).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only tickets with this status.")
        var status: TicketStatus?
        @Option(help: "Only tickets of this mailbox (its file name in the config directory, without .yaml).")
        var queue: String?
        @Option(help: "Only tickets with this priority.")
        var priority: TicketPriority?
        @Option(help: "Only tickets with this tag (repeatable: every one must be there).")
        var tag: [String] = []
        @Option(help: "Only tickets assigned to this agent (address, or the part before the @), or 'none' for unassigned ones.")
        var assignee: String?
        @Option(help: "Only tickets whose requester belonged to this organisation when they were opened (any case).")
        var organization: String?
        @Option(help: "Only tickets of this requester (address, any case).")
        var requester: String?
        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() throws {
            let database = try options.openDatabase()
            if let queue { try Self.checkKnown(queue: queue, database: database, configDirectory: options.configDirectory) }
            let filter = TicketFilter(
                status: status, mailbox: queue, priority: priority, tags: tag,
                assignee: assignee.map { $0.lowercased() == "none" ? .nobody : .agent($0) }, organization: organization, requester: requester)
            let tickets = try database.tickets(matching: filter)
            if json {
                let tags = try database.tags(ticketIds: tickets.compactMap(\.id))
                try printJSON(tickets.map { ticket in
                    var value = TicketJSON(ticket)
                    value.tags = tags[ticket.id ?? 0] ?? []
                    return value
                })
                return
            }
            let now = Date()
            print(TextTable.render(header: ["KEY", "STATUS", "PRIORITY", "ASSIGNEE", "AGE", "REQUESTER", "SUBJECT"], rows: tickets.map {
                [$0.key, $0.status.rawValue, $0.priority.rawValue, $0.assignee ?? "-", DurationText.age(now.timeIntervalSince($0.createdAt)),
                 $0.requesterAddress, String($0.subject.prefix(60))]
            }))
        }

        /// A queue is known when it has a mailbox file or tickets: anything else is a typo, not an empty queue.
        static func checkKnown(queue: String, database: any TicketStore, configDirectory: String) throws {
            // File names, not parsed configs: listing tickets must work while a mailbox file is broken.
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: configDirectory)) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            let known = Set(files).union(try database.ticketMailboxes()).sorted()
            guard !known.contains(queue) else { return }
            throw CommandFailure(
                "no queue '\(queue)': no mailbox file for it in \(configDirectory) and no tickets; "
                    + (known.isEmpty ? "there are no queues yet" : "known queues: \(known.joined(separator: ", "))"))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one ticket with its comments.")
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
            let tags = try database.tags(ticketId: id)
            let approval = try database.approval(ticketId: id)
            if json {
                var value = TicketJSON(ticket)
                value.tags = tags
                value.approval = approval.map(ApprovalJSON.init)
                value.sla = clocks.map(SLAJSON.init)
                value.linkedTicket = linked?.key
                value.participants = participants.map(ParticipantJSON.init)
                value.comments = comments.map { CommentJSON($0, attachments: attachments[$0.id ?? 0] ?? []) }
                try printJSON(value)
                return
            }
            print("\(ticket.key)  \(ticket.subject)")
            print("status: \(ticket.status.rawValue)   priority: \(ticket.priority.rawValue)   mailbox: \(ticket.mailbox)   assignee: \(ticket.assignee ?? "-")")
            print("requester: \(ticket.requesterName.map { "\($0) <\(ticket.requesterAddress)>" } ?? ticket.requesterAddress)\(ticket.language.map { "   language: \($0)" } ?? "")\(ticket.organization.map { "   organization: \($0)" } ?? "")")
            print("participants: \(participants.map(\.address).joined(separator: ", "))")
            print("tags: \(tags.isEmpty ? "-" : tags.joined(separator: ", "))")
            if let linked, let reason = ticket.linkReason {
                print("continues: \(linked.key) (\(reason == .ticketClosed ? "it was closed" : "the sender is not a participant there"))")
            }
            print("created: \(ISO8601DateFormatter().string(from: ticket.createdAt))")
            if let approval { print(Self.describe(approval)) }
            for clock in clocks { print(Self.describe(clock, now: Date())) }
            for (index, comment) in comments.enumerated() {
                print("\n--- comment \(index + 1) · \(comment.authorAddress) (\(comment.authorRole.rawValue)) · \(comment.visibility.rawValue)\(comment.unverified ? " · UNVERIFIED sender" : "") · \(ISO8601DateFormatter().string(from: comment.createdAt))")
                print(comment.body.hasSuffix("\n") ? String(comment.body.dropLast()) : comment.body)
                for file in attachments[comment.id ?? 0] ?? [] {
                    print("  [attachment] \(file.filename) · \(file.contentType) · \(file.size) bytes · sha256 \(file.sha256)")
                }
            }
        }

        /// `approval hardware: pending, waiting for mia@acme.com (any one), expires …`.
        static func describe(_ approval: Approval) -> String {
            let time = { (date: Date) in ISO8601DateFormatter().string(from: date) }
            var text = "approval \(approval.rule): \(approval.state.rawValue)"
            switch approval.state {
            case .pending:
                let how = approval.mode == .chain ? "step \(approval.step + 1) of \(approval.approvers.count)" : "any one of \(approval.approvers.count)"
                text += ", waiting for \(approval.current.joined(separator: ", ")) (\(how)), expires \(time(approval.expiresAt))"
                if approval.escalated { text += ", escalated to the agents" }
            case .approved, .rejected:
                text += " by \(approval.decidedBy ?? "-")" + (approval.decidedAt.map { " at \(time($0))" } ?? "")
                if let reason = approval.reason, !reason.isEmpty { text += ": \(reason)" }
            case .expired:
                text += approval.decidedAt.map { " at \(time($0))" } ?? ""
            case .withdrawn:
                text += " by \(approval.decidedBy ?? "-")" + (approval.decidedAt.map { " at \(time($0))" } ?? "") + " (the ticket left the wait)"
            }
            return text
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
            parts.append("\(DurationText.counted(clock.elapsed)) counted as of \(time(clock.updatedAt))")
            return "sla \(clock.target.label) (\(SLADuration.format(clock.duration))): " + parts.joined(separator: ", ")
        }
    }
}

/// One SLA clock as `tickets show --json` prints it; times are the server's, never a message's,
/// and durations whole seconds.
struct SLAJSON: Encodable {
    var target: String
    var duration: Int
    var dueAt: Date?
    var warnAt: Date?
    var outcome: String
    var elapsed: Int
    var updatedAt: Date

    init(_ clock: TicketSLARecord) {
        target = clock.target.rawValue
        duration = DurationText.wholeSeconds(clock.duration)
        dueAt = clock.dueAt
        warnAt = clock.warnAt
        outcome = clock.outcome.rawValue
        elapsed = DurationText.wholeSeconds(clock.elapsed)
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
    /// The requester's language, when their first message named one.
    var language: String?
    /// The requester's organisation when the ticket was opened.
    var organization: String?
    var createdAt: Date
    var updatedAt: Date
    var assignee: String?
    var tags: [String] = []
    var linkedTicket: String?
    var linkReason: String?
    var participants: [ParticipantJSON]?
    var comments: [CommentJSON]?
    /// Its request for approval, when it had one (`tickets show`).
    var approval: ApprovalJSON?
    var sla: [SLAJSON]?

    init(_ ticket: TicketRecord) {
        key = ticket.key
        mailbox = ticket.mailbox
        subject = ticket.subject
        status = ticket.status.rawValue
        priority = ticket.priority.rawValue
        requester = ticket.requesterAddress
        requesterName = ticket.requesterName
        language = ticket.language
        organization = ticket.organization
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

extension TicketQueries {
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

/// A ticket's request for approval as `tickets show --json` prints it.
struct ApprovalJSON: Encodable {
    var rule: String
    var state: String
    var mode: String
    var approvers: [String]
    /// Who may decide now.
    var waitingFor: [String]
    var requestedAt: Date
    var remindAt: Date?
    var expiresAt: Date
    var escalated: Bool
    var decidedAt: Date?
    var decidedBy: String?
    var reason: String?

    init(_ approval: Approval) {
        rule = approval.rule
        state = approval.state.rawValue
        mode = approval.mode.rawValue
        approvers = approval.approvers
        waitingFor = approval.state == .pending ? approval.current : []
        requestedAt = approval.requestedAt
        remindAt = approval.remindAt
        expiresAt = approval.expiresAt
        escalated = approval.escalated
        decidedAt = approval.decidedAt
        decidedBy = approval.decidedBy
        reason = approval.reason
    }
}
