import ArgumentParser
import Foundation
import Gateway
import HelpdeskCore
import HelpdeskStore

extension Tickets {
    /// `helpdesk tickets update`: an admin's change, through the same path and history as email.
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Change a ticket's status, assignee, priority, tags or participants (recorded in its history).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The ticket key, e.g. SUPP-42.")
        var key: String
        @Option(help: "New status.")
        var status: TicketStatus?
        @Option(help: "Assign to an agent (address, local part or name), or 'none'.")
        var assign: String?
        @Option(help: "New priority.")
        var priority: TicketPriority?
        // Unconditional: `--tag -spam` takes `-spam` as the value, not as an unknown option.
        @Option(parsing: .unconditionalSingleValue, help: "+tag to add, -tag to remove (repeatable).")
        var tag: [String] = []
        @Option(parsing: .unconditionalSingleValue, help: "+address to add a participant, -address to remove one (repeatable).")
        var cc: [String] = []
        // The parser adds "(default: admin)" itself.
        @Option(name: .customLong("as"), help: "Who makes the change, for the history.")
        var actor = "admin"

        /// Checked before anything runs, so a mistake is shown with this command's usage.
        func validate() throws {
            _ = try change()
        }

        /// The change the options ask for.
        func change() throws -> TicketChange {
            var change = TicketChange()
            change.status = status
            if let assign { change.assignee = assign.lowercased() == "none" ? .nobody : .agent(assign) }
            change.priority = priority
            (change.addTags, change.removeTags) = try Self.signed(tag, what: "--tag") { $0.lowercased() }
            (change.addParticipants, change.removeParticipants) = try Self.signed(cc, what: "--cc") { item in
                guard item.contains("@") else { throw ValidationError("--cc \(item): expected an email address") }
                return item.lowercased()
            }
            guard !change.isEmpty else { throw ValidationError("nothing to change; give --status, --assign, --priority, --tag or --cc") }
            return change
        }

        func run() throws {
            let change = try change()
            try options.requireDatabase()
            // Without the reply secret, the new assignee's notice goes out with a plain Reply-To.
            let gateway = try HelpdeskGateway(
                settings: options.settings, logger: options.makeLogger(), resolvingSecrets: false, requiringReplySecrets: false)
            do {
                let (ticket, events) = try gateway.updateTicket(key: key, change: change, actor: TicketActor(address: actor, role: .admin))
                print(events.isEmpty ? "\(ticket.key): nothing changed" : events.map(HistoryLine.text).joined(separator: "\n"))
            } catch let refused as ChangeRefused {
                throw CommandFailure("\(key): \(refused); nothing was changed")
            }
        }

        /// `+x` / `-x` items split into additions and removals.
        static func signed(_ items: [String], what: String, _ value: (String) throws -> String) throws -> ([String], [String]) {
            var add: [String] = []
            var remove: [String] = []
            for item in items {
                guard let sign = item.first, sign == "+" || sign == "-", item.count > 1 else {
                    throw ValidationError("\(what) \(item): write +value to add or -value to remove")
                }
                let body = try value(String(item.dropFirst()))
                if sign == "+" { add.append(body) } else { remove.append(body) }
            }
            return (add, remove)
        }
    }

    /// `helpdesk tickets history KEY`: every change, oldest first.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "Show a ticket's history: who changed what, when.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The ticket key, e.g. SUPP-42.")
        var key: String
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let database = try options.openDatabase()
            let (_, id) = try database.existingTicket(key)
            let events = try database.history(ticketId: id)
            if json {
                try printJSON(events.map(HistoryJSON.init))
            } else {
                print(events.map(HistoryLine.text).joined(separator: "\n"))
            }
        }
    }
}

/// One history row as a line of text.
enum HistoryLine {
    static func text(_ event: TicketEventRecord) -> String {
        let when = ISO8601DateFormatter().string(from: event.at)
        let change: String
        switch (event.fromValue, event.toValue) {
        case (nil, let to?): change = event.kind == .created ? "created \(to)" : "\(event.kind.rawValue) +\(to)"
        case (let from?, nil): change = "\(event.kind.rawValue) -\(from)"
        case (let from?, let to?): change = "\(event.kind.rawValue) \(from) → \(to)"
        case (nil, nil): change = event.kind.rawValue
        }
        return "\(when)  \(event.actor) (\(event.actorRole.rawValue))  \(change)\(event.note.map { "  (\($0))" } ?? "")"
    }
}

/// A history row as `tickets history --json` prints it.
struct HistoryJSON: Encodable {
    var at: Date
    var actor: String
    var actorRole: String
    var kind: String
    var from: String?
    var to: String?
    var note: String?

    init(_ event: TicketEventRecord) {
        at = event.at
        actor = event.actor
        actorRole = event.actorRole.rawValue
        kind = event.kind.rawValue
        from = event.fromValue
        to = event.toValue
        note = event.note
    }
}
