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
    /// The status before this message changed it (a reopened or answered ticket), or nil.
    public var previousStatus: TicketStatus?
    /// Everyone who receives the ticket's public replies now.
    public var participants: [ParticipantRecord]
}
