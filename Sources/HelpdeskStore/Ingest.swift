public import Foundation
public import HelpdeskCore

/// Where one inbound message came from: the idempotency key of the ingestion.
public struct InboundIdentity: Sendable, Equatable {
    public var mailbox: String
    /// Set when read over IMAP; nil for messages handed over by an MTA pipe.
    public var uidValidity: UInt32?
    public var uid: UInt32?
    public var messageID: String?
    /// Hex SHA-256 of the raw bytes: the duplicate check for messages without a Message-ID.
    public var sha256: String
    public var size: Int
    public var receivedAt: Date

    public init(mailbox: String, uidValidity: UInt32?, uid: UInt32?, messageID: String?, sha256: String, size: Int, receivedAt: Date) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
        self.messageID = messageID
        self.sha256 = sha256
        self.size = size
        self.receivedAt = receivedAt
    }
}

/// An address with the display name it came with.
public struct Correspondent: Sendable, Equatable {
    public var address: String
    public var name: String?

    public init(address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }
}

/// A stored attachment to list on the comment: the bytes are already in the blob store.
public struct AttachmentDraft: Sendable, Equatable {
    public var sha256: String
    public var filename: String
    public var contentType: String
    public var size: Int
    public var isInline: Bool
    public var contentID: String?

    public init(sha256: String, filename: String, contentType: String, size: Int, isInline: Bool, contentID: String?) {
        self.sha256 = sha256
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.isInline = isInline
        self.contentID = contentID
    }
}

/// What the gateway read from a message, ready to become a ticket or a comment.
public struct InboundContent: Sendable, Equatable {
    public var requesterAddress: String
    public var requesterName: String?
    public var subject: String
    public var body: String
    public var html: String?
    /// The new text without quoted history and signature.
    public var reply: String?
    /// Cc (and To besides our own addresses): they become participants. Agents and support
    /// addresses are left out by the caller.
    public var copied: [Correspondent]
    public var attachments: [AttachmentDraft]
    public var followUp: FollowUpCandidates
    /// Why no automatic reply may go out (loop rules), or nil.
    public var autoReplySuppression: String?
    /// Mailboxes whose agent the sender is.
    public var senderIsAgentOf: Set<String>
    /// What a follow-up from someone who is neither participant nor agent becomes.
    public var strangers: StrangerPolicy
    /// Whether the raw bytes were stored in the data directory.
    public var rawKept: Bool
    /// Set when the sender is an agent of any mailbox.
    public var agentMessage: AgentMessage?
    /// Agents' addresses per mailbox name: who may be assigned there.
    public var agentsByMailbox: [String: Set<String>] = [:]
    /// How a new ticket of the receiving mailbox gets its assignee.
    public var assignment: AssignmentPlan?

    public init(
        requesterAddress: String, requesterName: String?, subject: String, body: String, html: String? = nil,
        reply: String? = nil, copied: [Correspondent] = [], attachments: [AttachmentDraft] = [],
        followUp: FollowUpCandidates, autoReplySuppression: String?, senderIsAgentOf: Set<String> = [],
        strangers: StrangerPolicy = .newTicket, rawKept: Bool = false
    ) {
        self.requesterAddress = requesterAddress
        self.requesterName = requesterName
        self.subject = subject
        self.body = body
        self.html = html
        self.reply = reply
        self.copied = copied
        self.attachments = attachments
        self.followUp = followUp
        self.autoReplySuppression = autoReplySuppression
        self.senderIsAgentOf = senderIsAgentOf
        self.strangers = strangers
        self.rawKept = rawKept
    }
}

/// An outgoing message to put in the outbox in the same transaction as its cause.
public struct OutboxDraft: Sendable, Equatable {
    public var event: String
    public var envelopeFrom: String
    public var recipients: [String]
    public var message: [UInt8]
    public var messageID: String

    public init(event: String, envelopeFrom: String, recipients: [String], message: [UInt8], messageID: String) {
        self.event = event
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.message = message
        self.messageID = messageID
    }
}

/// The result of recording one inbound message.
public enum IngestResult: Sendable, Equatable {
    /// This mailbox/UIDVALIDITY/UID was recorded before (a crash between commit and flagging).
    case alreadyRecorded
    /// The same message (Message-ID, or bytes when it has none) is already on a ticket.
    case duplicate(ticketKey: String?)
    case ticketCreated(TicketRecord, CommentRecord)
    case commentAdded(TicketRecord, CommentRecord)
    case quarantined(reason: String)

    /// The ticket the message went to, if any.
    public var ticket: TicketRecord? {
        switch self {
        case .ticketCreated(let ticket, _), .commentAdded(let ticket, _): ticket
        default: nil
        }
    }
}

/// A ticket together with the message that caused the current change, for rendering replies.
public struct IngestContext: Sendable {
    public var ticket: TicketRecord
    public var comment: CommentRecord
    public var outcome: InboundOutcome
    /// The ticket a new ticket continues (closed, or written to by a stranger).
    public var linkedTicket: TicketRecord?
    /// Everyone who receives the ticket's public replies now.
    public var participants: [ParticipantRecord]
    /// History rows this message wrote.
    public var events: [TicketEventRecord] = []
    /// Set for mail from an agent of the ticket's mailbox.
    public var agentOutcome: AgentOutcome?
    /// Message-IDs of the conversation the requester sees (their messages, our answers to them),
    /// oldest first: what an agent's reply to them threads under.
    public var requesterThread: [String] = []
}

/// What an agent's mail proves and asks for; set by the pipeline when the sender is an agent of
/// any mailbox, judged in the ingest transaction once the ticket (and its mailbox) is known.
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

/// How a mailbox assigns new tickets.
public struct AssignmentPlan: Sendable, Equatable {
    public var strategy: AssignmentStrategy
    public var agents: [AssignableAgent]
    public var rules: [SkillRule]

    public init(strategy: AssignmentStrategy, agents: [AssignableAgent], rules: [SkillRule]) {
        self.strategy = strategy
        self.agents = agents
        self.rules = rules
    }
}
