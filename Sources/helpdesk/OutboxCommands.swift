import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore

/// `helpdesk outbox …`: see, retry and push outgoing mail.
struct Outbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect, retry and send the outbox.", subcommands: [List.self, Retry.self, Flush.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List outgoing messages (oldest first) and their delivery state; 'pending (template)' waits for a template fix.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only rows with this status.")
        var status: OutboxStatus?
        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() throws {
            let rows = try options.openDatabase().outboxListing(status: status)
            if json {
                try printJSON(rows.map(OutboxJSON.init))
                return
            }
            let format = ISO8601DateFormatter()
            print(TextTable.render(header: ["ID", "STATUS", "EVENT", "TICKET", "SUBJECT", "TO", "ATTEMPTS", "NEXT/SENT", "ERROR"], rows: rows.map {
                let row = $0.row
                return ["\(row.id ?? 0)", row.isWaitingForTemplate ? "pending (template)" : row.status.rawValue, row.event,
                        $0.ticketKey ?? "-", String(($0.ticketSubject ?? "-").prefix(40)), row.recipients, "\(row.attempts)",
                        format.string(from: row.sentAt ?? row.nextAttemptAt),
                        row.status == .bounced ? [row.bounceStatus, row.bounceDiagnostic].compactMap { $0 }.joined(separator: " ") : row.lastError ?? ""]
            }))
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Make outbox rows due now: failed ones pending again (attempts kept), waiting ones due.",
            discussion: """
                Sent rows are never sent again, and a row a running sender has claimed is left to it. \
                `helpdesk run` sends what is due at its next round; `helpdesk outbox flush` sends it now. \
                A retried row that fails again is given up on at once: its attempts were kept.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Outbox ids, as `helpdesk outbox list` shows them.")
        var ids: [Int64] = []
        @Option(help: "Every row of this ticket, e.g. SUPP-42.")
        var ticket: String?
        @Flag(help: "Every failed row.")
        var failed = false

        func validate() throws {
            let forms = [!ids.isEmpty, ticket != nil, failed].filter { $0 }.count
            guard forms == 1 else { throw ValidationError("give outbox ids, --ticket KEY or --failed (one of them)") }
        }

        func run() throws {
            let database = try options.openDatabase()
            let selection: OutboxSelection
            if let ticket {
                selection = .ticket(try database.existingTicket(ticket).1)
            } else if failed {
                selection = .failed
            } else {
                selection = .ids(ids)
            }
            let result = try database.retryOutbox(selection, now: Date())
            print("outbox retry: \(result.retried.count) row(s) made due now")
            let list = { (ids: [Int64]) in ids.map(String.init).joined(separator: ", ") }
            if !result.alreadyDue.isEmpty { print("already due: \(list(result.alreadyDue))") }
            if !result.beingSent.isEmpty { print("being sent by a running sender, left alone: \(list(result.beingSent))") }
            if case .ticket = selection, !result.sent.isEmpty { print("sent already, not sent again: \(list(result.sent))") }
            // Ids named on purpose that could not be retried are an error, so a script notices.
            var refused: [String] = []
            if !result.unknown.isEmpty { refused.append("no outbox row \(list(result.unknown)); `helpdesk outbox list` shows the ids") }
            if case .ids = selection, !result.sent.isEmpty {
                refused.append("outbox \(list(result.sent)) sent already; a retry would send it twice, so it was not retried")
            }
            if !refused.isEmpty { throw CommandFailure(refused.joined(separator: "; ")) }
        }
    }

    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "flush", abstract: "Send every due outbox message now.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.requireDatabase()
            let gateway = try HelpdeskGateway(settings: options.settings, logger: options.makeLogger())
            print(try gateway.dispatchOutbox())
        }
    }
}

/// An outbox row as `outbox list --json` prints it.
struct OutboxJSON: Encodable {
    var id: Int64?
    var mailbox: String
    var ticket: String?
    var subject: String?
    var event: String
    var recipients: [String]
    var status: String
    /// Pending because its template failed: it goes out once the template is fixed.
    var waitingForTemplate: Bool
    var attempts: Int
    var nextAttemptAt: Date
    var sentAt: Date?
    var lastError: String?
    var messageId: String
    var createdAt: Date
    var claimedBy: String?
    var claimExpiresAt: Date?
    /// For a bounced row: the enhanced status code and what the receiving server said.
    var bounceStatus: String?
    var bounceDiagnostic: String?
    var bouncedAt: Date?

    init(_ listing: OutboxListing) {
        let row = listing.row
        id = row.id
        mailbox = row.mailbox
        ticket = listing.ticketKey
        subject = listing.ticketSubject
        event = row.event
        recipients = row.recipientList
        status = row.status.rawValue
        waitingForTemplate = row.isWaitingForTemplate
        attempts = row.attempts
        nextAttemptAt = row.nextAttemptAt
        bounceStatus = row.bounceStatus
        bounceDiagnostic = row.bounceDiagnostic
        bouncedAt = row.bouncedAt
        sentAt = row.sentAt
        lastError = row.lastError
        messageId = row.messageId
        createdAt = row.createdAt
        claimedBy = row.claimedBy
        claimExpiresAt = row.claimExpiresAt
    }
}
