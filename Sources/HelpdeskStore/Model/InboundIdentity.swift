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
    /// The pack its raw bytes were written to (`PackStore`); nil when they are in a file of
    /// their own, or not kept.
    public var rawPack: String?
    /// Where in `rawPack` its bytes start (`size` of them).
    public var rawOffset: Int64?

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

/// What the store must read before a message is decided, beyond the ticket it follows up.
public struct InboundLookup: Sendable, Equatable {
    /// Key prefix of the receiving mailbox: a new ticket's number counts per prefix.
    public var keyPrefix: String
    /// Every mailbox's assignment strategy by name: what of the receiving mailbox's and the found
    /// ticket's mailbox's assignment state to read (none for a mailbox not named).
    public var strategies: [String: AssignmentStrategy]

    public init(keyPrefix: String, strategies: [String: AssignmentStrategy] = [:]) {
        self.keyPrefix = keyPrefix
        self.strategies = strategies
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
    /// A report about mail we sent: the outbox row it named (nil when none matched) and its
    /// ticket's key.
    case bounce(outboxId: Int64?, ticketKey: String?)

    /// The ticket the message went to, if any.
    public var ticket: TicketRecord? {
        switch self {
        case .ticketCreated(let ticket, _), .commentAdded(let ticket, _): ticket
        default: nil
        }
    }
}

/// A warning or breach that is due and not told yet.
public struct SLANoticeDue: Sendable, Equatable {
    public var ticketId: Int64
    public var ticketKey: String
    public var target: SLATarget
    public var kind: SLANoticeKind

    package init(ticketId: Int64, ticketKey: String, target: SLATarget, kind: SLANoticeKind) {
        self.ticketId = ticketId
        self.ticketKey = ticketKey
        self.target = target
        self.kind = kind
    }
}
