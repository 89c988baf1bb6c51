/// An address with the display name it came with.
public struct Correspondent: Sendable, Equatable, Hashable, Codable {
    public var address: String
    public var name: String?

    public init(address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }
}

/// A stored attachment to list on the comment: the bytes are already in the blob store.
public struct AttachmentDraft: Sendable, Equatable, Codable {
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

/// What the gateway read from a message, ready for the rules to make a ticket or a comment of it.
public struct InboundContent: Sendable, Equatable {
    /// The sender (From, else Sender, else the return path), lower-cased; empty when there is none.
    public var requesterAddress: String
    public var requesterName: String?
    /// The subject as the ticket shows it: trimmed, "(no subject)" when empty.
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
    /// Whether the raw bytes were stored in the data directory.
    public var rawKept: Bool
    /// Set when the sender is an agent of any mailbox.
    public var agentMessage: AgentMessage?
    /// Who an acknowledgement answers: the From (or Sender) as written, nil when there is none.
    public var replyTo: Correspondent?
    /// The Subject line as received (nil when absent), which notifications quote.
    public var originalSubject: String?
    /// The message's own place in its thread, for mail that answers it.
    public var thread: MailThread?
    /// The sender's language from Content-Language or Accept-Language, for a new ticket's mail.
    public var language: LanguageTag?
    /// Set when the message answers an approval request (an approval reply address signed for
    /// its sender) or starts with `#approve`/`#reject`.
    public var approval: ApprovalMessage?

    public init(
        requesterAddress: String, requesterName: String?, subject: String, body: String, html: String? = nil,
        reply: String? = nil, copied: [Correspondent] = [], attachments: [AttachmentDraft] = [],
        followUp: FollowUpCandidates, autoReplySuppression: String?, rawKept: Bool = false
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
        self.rawKept = rawKept
        replyTo = requesterAddress.isEmpty ? nil : Correspondent(address: requesterAddress, name: requesterName)
    }
}
