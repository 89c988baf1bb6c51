/// Whom an `#assign` names.
public enum AssigneeRef: Sendable, Equatable {
    /// The agent who sent the mail.
    case me
    /// An agent by name or address as written, lower-cased; the gateway resolves it.
    case agent(String)
}

/// One command line from the top of an agent's reply.
public enum EmailCommand: Sendable, Equatable {
    /// `#status pending` (any status but `new`; `on-hold` is read as `on_hold`).
    case status(TicketStatus)
    /// `#resolve`
    case resolve
    /// `#close`
    case close
    /// `#reopen`
    case reopen
    /// `#assign dana`, `#assign dana@example.test`, `#assign me`.
    case assign(AssigneeRef)
    /// `#take`: assign the ticket to the sender.
    case take
    /// `#unassign`
    case unassign
    /// `#priority high`
    case priority(TicketPriority)
    /// `#tag +billing -spam` (also `#tags`); repeated lines are merged into one.
    case tags(add: [String], remove: [String])
    /// `#cc +carol@example.test -erin@example.test`; repeated lines are merged into one.
    case participants(add: [String], remove: [String])
    /// `#internal`: the comment is an internal note, not sent to the requester.
    case internalNote
}

/// The commands found at the top of a reply, and the comment below them.
public struct EmailCommandParse: Sendable, Equatable {
    public var commands: [EmailCommand]
    /// The text after the command lines (leading blank lines dropped).
    public var comment: String

    public init(commands: [EmailCommand], comment: String) {
        self.commands = commands
        self.comment = comment
    }
}

/// A command line that cannot be obeyed, with what would be right instead.
public struct EmailCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number in the text given.
    public var line: Int
    /// The offending line, trimmed.
    public var text: String
    /// What is wrong and what would be right.
    public var reason: String

    public init(line: Int, text: String, reason: String) {
        self.line = line
        self.text = text
        self.reason = reason
    }

    public var description: String { "line \(line) '\(text)': \(reason)" }
}
