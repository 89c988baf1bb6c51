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

/// What the gateway read from a message, ready to become a ticket or a comment.
public struct InboundContent: Sendable, Equatable {
    public var requesterAddress: String
    public var requesterName: String?
    public var subject: String
    public var body: String
    public var followUp: FollowUpCandidates
    /// Why no automatic reply may go out (loop rules), or nil.
    public var autoReplySuppression: String?

    public init(requesterAddress: String, requesterName: String?, subject: String, body: String, followUp: FollowUpCandidates, autoReplySuppression: String?) {
        self.requesterAddress = requesterAddress
        self.requesterName = requesterName
        self.subject = subject
        self.body = body
        self.followUp = followUp
        self.autoReplySuppression = autoReplySuppression
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
}
