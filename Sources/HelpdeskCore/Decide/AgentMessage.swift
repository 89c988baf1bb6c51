/// What an agent's mail proves and asks for, read before the decision: signed reply addresses,
/// the receiving server's Authentication-Results, and the `#` command lines.
public struct AgentMessage: Sendable, Equatable {
    /// Tickets that a valid signed reply address in the message names for this sender.
    public var tokenTicketIds: Set<Int64>
    /// Why a reply address in the message proved nothing, if there was one.
    public var tokenProblem: String?
    /// What the receiving mailbox's trusted Authentication-Results header says of the sender:
    /// only the server that delivered this copy can vouch for it.
    public var authentication: SenderAuthentication
    /// The change, comment and visibility the `#` lines ask for, or why they cannot run.
    public var commands: Result<AgentCommands, AgentCommandProblem>

    public init(
        tokenTicketIds: Set<Int64>, tokenProblem: String?, authentication: SenderAuthentication,
        commands: Result<AgentCommands, AgentCommandProblem>
    ) {
        self.tokenTicketIds = tokenTicketIds
        self.tokenProblem = tokenProblem
        self.authentication = authentication
        self.commands = commands
    }

    /// Whether the mail proves its sender for `ticketId`: a signed reply address for that ticket,
    /// or a DMARC pass the receiving server vouches for.
    public func proves(ticketId: Int64) -> Bool {
        if tokenTicketIds.contains(ticketId) { return true }
        if case .verified = authentication { return true }
        return false
    }

    /// Why nothing proved the sender, for the agent's rejection notice.
    public var unprovedReason: String {
        var reasons = [tokenProblem ?? "it was not sent to the signed reply address of a notification"]
        if case .notVerified(let why) = authentication { reasons.append(why) }
        return reasons.joined(separator: "; and ")
    }
}

/// An agent's `#` lines turned into a change, and the comment after them.
public struct AgentCommands: Sendable, Equatable {
    public var change: TicketChange
    public var internalNote: Bool
    public var comment: String
    /// The command lines as written, for messages about them.
    public var lines: [String]

    public init(change: TicketChange, internalNote: Bool, comment: String, lines: [String]) {
        self.change = change
        self.internalNote = internalNote
        self.comment = comment
        self.lines = lines
    }

    /// Reads the `#` lines at the top of `text` (the reply part of `sender`'s mail). Agent
    /// references (`#assign dana`) stay as written: the decision resolves them against the
    /// ticket's own mailbox.
    public static func parse(_ text: String, sender: String) -> Result<AgentCommands, AgentCommandProblem> {
        let parsed: EmailCommandParse
        do {
            parsed = try EmailCommandParser.parse(text)
        } catch {
            return .failure(AgentCommandProblem(line: error.text, reason: error.reason))
        }
        var change = TicketChange()
        var internalNote = false
        for command in parsed.commands {
            switch command {
            case .status(let status): change.status = status
            case .resolve: change.status = .resolved
            case .close: change.status = .closed
            case .reopen: change.status = .open
            case .take, .assign(.me): change.assignee = .agent(sender)
            case .assign(.agent(let reference)): change.assignee = .agent(reference)
            case .unassign: change.assignee = .nobody
            case .priority(let priority): change.priority = priority
            case .tags(let add, let remove):
                change.addTags += add
                change.removeTags += remove
            case .participants(let add, let remove):
                change.addParticipants += add
                change.removeParticipants += remove
            case .internalNote: internalNote = true
            }
        }
        return .success(AgentCommands(
            change: change, internalNote: internalNote, comment: parsed.comment, lines: EmailCommandParser.commandLines(in: text)))
    }

    /// The last line that set `field` (the one that took effect), as the agent wrote it.
    public func line(for field: TicketChange.Field) -> String? {
        lines.last { line in
            let name = line.dropFirst().prefix { !$0.isWhitespace }.lowercased()
            return Self.fields[name] == field
        }
    }

    /// Which part of a change each command name sets.
    static let fields: [String: TicketChange.Field] = [
        "status": .status, "resolve": .status, "close": .status, "reopen": .status,
        "assign": .assignee, "take": .assignee, "unassign": .assignee,
        "priority": .priority, "tag": .tags, "cc": .participants,
    ]
}

/// Why an agent's commands cannot run: the line (when one is to blame) and the reason.
public struct AgentCommandProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: String?
    public var reason: String

    public init(line: String?, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line.map { "\($0): \(reason)" } ?? reason }
}

/// What became of an agent's mail.
public enum AgentOutcome: Sendable, Equatable {
    /// Verified; the change was applied (possibly empty) and the comment recorded.
    case applied
    /// Verified, but a command was invalid or not allowed: nothing changed, the comment is internal.
    case rejected(AgentCommandProblem)
    /// Nothing proved the sender: kept as an unverified internal note, nothing run.
    case unverified(reason: String)
}
