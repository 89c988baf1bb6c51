public import Foundation
public import GRDB
public import HelpdeskCore

/// A ticket as stored.
public struct TicketRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var mailbox: String
    public var number: Int
    public var key: String
    public var subject: String
    public var requesterAddress: String
    public var requesterName: String?
    public var status: TicketStatus
    public var priority: TicketPriority
    public var createdAt: Date
    public var updatedAt: Date
    /// The earlier ticket this one continues, and why it is not a comment there.
    public var linkedTicketId: Int64?
    public var linkReason: LinkReason?
    /// The agent's address, or nil while unassigned.
    public var assignee: String?
    /// When an agent first answered in public; nil until then.
    public var firstResponseAt: Date?

    public init(
        id: Int64?, mailbox: String, number: Int, key: String, subject: String, requesterAddress: String,
        requesterName: String?, status: TicketStatus, priority: TicketPriority, createdAt: Date, updatedAt: Date,
        linkedTicketId: Int64? = nil, linkReason: LinkReason? = nil, assignee: String? = nil
    ) {
        self.id = id
        self.mailbox = mailbox
        self.number = number
        self.key = key
        self.subject = subject
        self.requesterAddress = requesterAddress
        self.requesterName = requesterName
        self.status = status
        self.priority = priority
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.linkedTicketId = linkedTicketId
        self.linkReason = linkReason
        self.assignee = assignee
    }

    public var ticketKey: TicketKey? { TicketKey(key) }
}

/// A comment on a ticket: a requester's message or an agent's reply.
public struct CommentRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var ticketId: Int64
    public var authorAddress: String
    public var authorName: String?
    public var body: String
    public var visibility: CommentVisibility
    public var messageId: String?
    public var createdAt: Date
    /// The HTML part as received, if any.
    public var html: String?
    /// The new text without quoted history and signature; nil when there was no text body.
    public var reply: String?
    public var authorRole: SenderRole
    /// An agent's mail that proved nothing: kept, internal, and its commands not run.
    public var unverified: Bool = false
}

/// One change in a ticket's history; the table refuses UPDATE and DELETE.
public struct TicketEventRecord: Sendable, Codable, Equatable {
    /// What changed.
    public enum Kind: String, Sendable, Codable {
        case created, status, assignee, priority, tag, participant, visibility, sla
    }

    public var id: Int64?
    public var ticketId: Int64
    public var at: Date
    /// An address, or `admin`/`gateway` for changes without a person behind them.
    public var actor: String
    public var actorRole: ActorRole
    public var kind: Kind
    public var fromValue: String?
    public var toValue: String?
    public var note: String?

    public init(ticketId: Int64, at: Date, actor: String, actorRole: ActorRole, kind: Kind, from: String?, to: String?, note: String? = nil) {
        self.ticketId = ticketId
        self.at = at
        self.actor = actor
        self.actorRole = actorRole
        self.kind = kind
        fromValue = from
        toValue = to
        self.note = note
    }
}

/// A person who receives a ticket's public replies.
public struct ParticipantRecord: Sendable, Codable, Equatable {
    /// How someone became a participant.
    public enum Role: String, Sendable, Codable {
        case requester, cc
    }

    public var ticketId: Int64
    public var address: String
    public var name: String?
    public var role: Role
    public var addedAt: Date
    /// Set when an agent removed them; the row stays for the record.
    public var removedAt: Date?
}

/// A file that came with a comment; the bytes are in the data directory under their SHA-256.
public struct AttachmentRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var commentId: Int64
    public var sha256: String
    /// Sanitised; never used as a path.
    public var filename: String
    public var contentType: String
    public var size: Int
    public var isInline: Bool
    public var contentId: String?
}

/// What became of one message read from a mailbox.
public enum InboundOutcome: String, Sendable, Codable {
    case ticketCreated = "ticket_created"
    case commentAdded = "comment_added"
    case duplicate
    case quarantined
}

/// One message read from a mailbox: its identity (the idempotency key) and its outcome.
public struct InboundMessageRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var mailbox: String
    public var uidValidity: Int64?
    public var uid: Int64?
    public var messageId: String?
    public var sha256: String
    public var size: Int
    public var outcome: InboundOutcome
    public var autoReply: String?
    public var detail: String?
    public var ticketId: Int64?
    public var commentId: Int64?
    public var receivedAt: Date
    public var rawKept: Bool
    /// The From address (lower-cased), part of the duplicate check with the Message-ID.
    public var sender: String?
}

/// Where a mailbox's poller stands: the UIDVALIDITY it knows and the highest UID it committed.
public struct MailboxCursor: Sendable, Codable, Equatable {
    public var mailbox: String
    public var uidValidity: Int64
    public var lastUid: Int64
    public var updatedAt: Date
}

/// Delivery state of an outgoing message.
public enum OutboxStatus: String, Sendable, Codable {
    case pending, sent, failed
}

/// An outgoing message waiting in, or done with, the outbox.
public struct OutboxRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var mailbox: String
    public var ticketId: Int64?
    public var event: String
    public var envelopeFrom: String
    public var recipients: String
    public var message: Data
    public var messageId: String
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public var recipientList: [String] { recipients.split(separator: ",").map(String.init) }
}

/// Records whose Swift properties are camelCase and whose columns are snake_case.
public protocol SnakeCaseColumns: FetchableRecord, EncodableRecord {}

extension SnakeCaseColumns {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

struct TicketMessageRecord: Codable {
    var messageId: String
    var ticketId: Int64
    var direction: String
}

extension TicketRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "ticket"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension CommentRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "comment"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension InboundMessageRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "inbound_message"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TicketEventRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "ticket_event"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ParticipantRecord: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "participant"
}

extension AttachmentRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "attachment"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension MailboxCursor: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "mailbox_cursor"
}

extension OutboxRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "outbox"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TicketMessageRecord: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "ticket_message"
}

/// One SLA target's clock of a ticket, as of its last change (table `ticket_sla`).
public struct TicketSLARecord: Sendable, Codable, Equatable {
    public var ticketId: Int64
    public var target: SLATarget
    /// The target in counted seconds.
    public var duration: TimeInterval
    /// When the target is or was passed; nil while it stands still short of it, or was met.
    public var dueAt: Date?
    public var warnAt: Date?
    public var outcome: SLAOutcome
    /// Counted seconds as of `updatedAt` (or until it stopped).
    public var elapsed: TimeInterval
    /// What the target measures happened: the first public answer, the resolution.
    public var completed: Bool
    public var updatedAt: Date

    /// Whether it is past its target at `now` and still running or paused.
    public func isBreaching(at now: Date) -> Bool {
        switch outcome {
        case .breached: !completed
        case .running: dueAt.map { $0 <= now } ?? false
        case .paused, .met, .ended: false
        }
    }
}

/// A warning or breach told (or deliberately not mailed), once per ticket, target and kind.
public struct SLANoticeRecord: Sendable, Codable, Equatable {
    /// Which point of a target was passed.
    public enum Kind: String, Sendable, Codable {
        case warning, breach
    }

    public var ticketId: Int64
    public var target: SLATarget
    public var kind: Kind
    public var at: Date
    public var dueAt: Date?
    public var mailed: Bool
}

extension TicketSLARecord: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "ticket_sla"
}

extension SLANoticeRecord: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "sla_notice"
}
