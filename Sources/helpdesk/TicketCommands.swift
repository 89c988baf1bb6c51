import ArgumentParser
import Foundation
import HelpdeskCore
import HelpdeskStore

/// `helpdesk tickets …`: look at tickets.
struct Tickets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and show tickets.", subcommands: [List.self, Show.self])

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
            guard let ticket = try database.ticket(key: key), let id = ticket.id else {
                throw CommandFailure("no ticket \(key); `helpdesk tickets list` shows the keys")
            }
            let comments = try database.comments(ticketId: id)
            if json {
                var value = TicketJSON(ticket)
                value.comments = comments.map(CommentJSON.init)
                try printJSON(value)
                return
            }
            print("\(ticket.key)  \(ticket.subject)")
            print("status: \(ticket.status.rawValue)   priority: \(ticket.priority.rawValue)   mailbox: \(ticket.mailbox)")
            print("requester: \(ticket.requesterName.map { "\($0) <\(ticket.requesterAddress)>" } ?? ticket.requesterAddress)")
            print("created: \(ISO8601DateFormatter().string(from: ticket.createdAt))")
            for (index, comment) in comments.enumerated() {
                print("\n--- comment \(index + 1) · \(comment.authorAddress) · \(comment.visibility.rawValue) · \(ISO8601DateFormatter().string(from: comment.createdAt))")
                print(comment.body.hasSuffix("\n") ? String(comment.body.dropLast()) : comment.body)
            }
        }
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
    var comments: [CommentJSON]?

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
    }
}

/// A comment as `tickets show --json` prints it.
struct CommentJSON: Encodable {
    var author: String
    var authorName: String?
    var visibility: String
    var body: String
    var messageId: String?
    var createdAt: Date

    init(_ comment: CommentRecord) {
        author = comment.authorAddress
        authorName = comment.authorName
        visibility = comment.visibility.rawValue
        body = comment.body
        messageId = comment.messageId
        createdAt = comment.createdAt
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
