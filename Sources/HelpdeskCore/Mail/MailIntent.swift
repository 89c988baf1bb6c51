public import Foundation

/// A mail the rules decided to send, before any template: who gets what, and why.
public enum MailIntent: Sendable, Equatable, Codable {
    /// The requester's acknowledgement of a new ticket.
    case acknowledgement(to: Correspondent)
    /// A new ticket nobody was given, to one agent.
    case newTicket(agent: Correspondent)
    /// The ticket was given to `agent`; `by` says by whom (an address, or the automatic strategy).
    case assigned(agent: Correspondent, by: String)
    /// The requester (or a participant) answered, to one agent.
    case requesterReply(agent: Correspondent)
    /// An agent's public comment, to every participant, in the agent's name.
    case agentReply(to: [Correspondent], author: Correspondent)
    /// An agent's mail ran nothing: the line to blame (empty when none) and why.
    case commandRejected(agent: Correspondent, line: String, reason: String, unverified: Bool)
    /// A target's warning point passed; `signed` gives the recipient a signed reply address.
    case slaWarning(to: Correspondent, target: SLATarget, signed: Bool)
    /// A target passed.
    case slaBreach(to: Correspondent, target: SLATarget, signed: Bool)
    /// A message was kept aside for its size; told once to its sender.
    case messageTooLarge(to: Correspondent, reason: String, size: Int?, limit: Int)
    /// The agent's public reply went out without its files; the facts say which.
    case deliveryPartial(agent: Correspondent)
    /// A mail of the ticket bounced, or an agent's reply went to an address that bounced
    /// before; the facts' `delivery` says which and why.
    case deliveryFailed(agent: Correspondent)
    /// A request waits for `approver`'s decision; `reminder` for the one reminder, `escalated`
    /// when the request expired and went to the agents.
    case approvalRequested(approver: Correspondent, reminder: Bool, escalated: Bool)
    /// The requester's request was approved.
    case approvalGranted(to: Correspondent)
    /// The requester's request was rejected; `reason` as the approver wrote it.
    case approvalRejected(to: Correspondent, reason: String)
    /// Nobody decided in time; `cancelled` when the ticket was cancelled (else escalated).
    case approvalExpired(to: Correspondent, cancelled: Bool)

    /// What an approval reply address is signed for: the approver's address with a prefix, so
    /// neither kind of signed address proves the other.
    public static func approvalSigner(_ address: String) -> String { "approval:" + address.lowercased() }

    public var event: MailEvent {
        switch self {
        case .acknowledgement: .ticketCreated
        case .newTicket: .newTicket
        case .assigned: .ticketAssigned
        case .requesterReply: .requesterReply
        case .agentReply: .agentReply
        case .commandRejected: .commandRejected
        case .slaWarning: .slaWarning
        case .slaBreach: .slaBreach
        case .messageTooLarge: .messageTooLarge
        case .deliveryPartial: .deliveryPartial
        case .deliveryFailed: .deliveryFailed
        case .approvalRequested: .approvalRequested
        case .approvalGranted: .approvalGranted
        case .approvalRejected: .approvalRejected
        case .approvalExpired: .approvalExpired
        }
    }

    public var recipients: [Correspondent] {
        switch self {
        case .acknowledgement(let to), .messageTooLarge(let to, _, _, _): [to]
        case .newTicket(let agent), .assigned(let agent, _), .requesterReply(let agent), .commandRejected(let agent, _, _, _),
            .deliveryPartial(let agent), .deliveryFailed(let agent): [agent]
        case .agentReply(let to, _): to
        case .slaWarning(let to, _, _), .slaBreach(let to, _, _): [to]
        case .approvalRequested(let approver, _, _): [approver]
        case .approvalGranted(let to), .approvalRejected(let to, _), .approvalExpired(let to, _): [to]
        }
    }

    /// The agent whose reply address is signed (`support+TOKEN@…`), so their answer is proved;
    /// nil for mail to requesters and to addresses outside the mailbox.
    public var signedFor: String? {
        switch self {
        case .newTicket(let agent), .assigned(let agent, _), .requesterReply(let agent), .commandRejected(let agent, _, _, _),
            .deliveryPartial(let agent), .deliveryFailed(let agent):
            agent.address
        case .slaWarning(let to, _, let signed), .slaBreach(let to, _, let signed):
            signed ? to.address : nil
        case .approvalRequested(let approver, _, _):
            Self.approvalSigner(approver.address)
        case .acknowledgement, .agentReply, .messageTooLarge, .approvalGranted, .approvalRejected, .approvalExpired:
            nil
        }
    }
}

/// Where a message sits in a conversation: the one it answers and that one's ancestors.
public struct MailThread: Sendable, Equatable, Codable {
    /// The Message-ID answered (In-Reply-To).
    public var parent: String?
    /// Older Message-IDs of the conversation, oldest first (References before the parent).
    public var ancestors: [String]

    public init(parent: String?, ancestors: [String] = []) {
        self.parent = parent
        self.ancestors = ancestors
    }

    /// The thread of a message whose Message-ID and References are these.
    public init(messageID: String?, references: [String]) {
        self.init(parent: messageID, ancestors: references)
    }
}

/// What a mail talks about, as it stood when the mail was decided: rendering later (after a
/// retry, or once a broken template is fixed) says what was true then.
public struct MailFacts: Sendable, Equatable, Codable {
    /// The ticket after the change that caused the mail; nil for a notice about a message.
    public var ticket: Ticket?
    /// The message in hand: its subject as received, its text and its author.
    public var subject: String
    public var body: String
    public var reply: String
    public var author: Correspondent?
    /// The earlier ticket a new one continues.
    public var linkedKey: String?
    /// The message reopened a resolved ticket.
    public var reopened: Bool
    /// The clock a warning or breach is about.
    public var clock: ClockFacts?
    /// Files an agent's reply carries to the requester (bytes in the data directory); nil for
    /// mail that carries none, and for mail decided before files went out.
    public var attachments: [AttachmentDraft]?
    /// Files of the agent's reply that were not sent, because together they pass the mailbox's
    /// limit.
    public var leftOut: [AttachmentDraft]?
    /// That limit in bytes, when files were left out.
    public var attachmentLimit: Int?
    /// What a `delivery_failed` mail reports.
    public var delivery: DeliveryFacts?
    /// What an approval mail is about.
    public var approval: ApprovalFacts?

    public init(
        ticket: Ticket?, subject: String, body: String = "", reply: String? = nil, author: Correspondent? = nil,
        linkedKey: String? = nil, reopened: Bool = false, clock: ClockFacts? = nil
    ) {
        self.ticket = ticket
        self.subject = subject
        self.body = body
        self.reply = reply ?? body
        self.author = author
        self.linkedKey = linkedKey
        self.reopened = reopened
        self.clock = clock
    }
}

extension CodingUserInfoKey {
    /// Set to true, `MailFacts` is encoded without its body and reply, and decodes with both empty
    /// when they are missing: the store keeps them apart (once, in the comment they came from)
    /// and puts them back.
    public static let mailTextsApart = CodingUserInfoKey(rawValue: "mailTextsApart")!
}

// `reply` is most often the whole body: it is written only when it differs, which halves the
// size of a queued mail (three of them for each new ticket). Intents queued with it always read
// the same.
extension MailFacts {
    private enum CodingKeys: String, CodingKey {
        case ticket, subject, body, reply, author, linkedKey, reopened, clock, attachments, leftOut, attachmentLimit, delivery, approval
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ticket = try container.decodeIfPresent(Ticket.self, forKey: .ticket)
        subject = try container.decode(String.self, forKey: .subject)
        // Without the flag a missing body is an error, as it always was.
        if decoder.userInfo[.mailTextsApart] as? Bool == true, !container.contains(.body) {
            body = ""
        } else {
            body = try container.decode(String.self, forKey: .body)
        }
        reply = try container.decodeIfPresent(String.self, forKey: .reply) ?? body
        author = try container.decodeIfPresent(Correspondent.self, forKey: .author)
        linkedKey = try container.decodeIfPresent(String.self, forKey: .linkedKey)
        reopened = try container.decode(Bool.self, forKey: .reopened)
        clock = try container.decodeIfPresent(ClockFacts.self, forKey: .clock)
        attachments = try container.decodeIfPresent([AttachmentDraft].self, forKey: .attachments)
        leftOut = try container.decodeIfPresent([AttachmentDraft].self, forKey: .leftOut)
        attachmentLimit = try container.decodeIfPresent(Int.self, forKey: .attachmentLimit)
        delivery = try container.decodeIfPresent(DeliveryFacts.self, forKey: .delivery)
        approval = try container.decodeIfPresent(ApprovalFacts.self, forKey: .approval)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(ticket, forKey: .ticket)
        try container.encode(subject, forKey: .subject)
        if encoder.userInfo[.mailTextsApart] as? Bool != true {
            try container.encode(body, forKey: .body)
            if reply != body { try container.encode(reply, forKey: .reply) }
        }
        try container.encodeIfPresent(author, forKey: .author)
        try container.encodeIfPresent(linkedKey, forKey: .linkedKey)
        try container.encode(reopened, forKey: .reopened)
        try container.encodeIfPresent(clock, forKey: .clock)
        try container.encodeIfPresent(attachments, forKey: .attachments)
        try container.encodeIfPresent(leftOut, forKey: .leftOut)
        try container.encodeIfPresent(attachmentLimit, forKey: .attachmentLimit)
        try container.encodeIfPresent(delivery, forKey: .delivery)
        try container.encodeIfPresent(approval, forKey: .approval)
    }
}

/// One SLA clock as a warning or breach reports it, with the policy's terms as they were then.
public struct ClockFacts: Sendable, Equatable, Codable {
    public var target: SLATarget
    /// The target in counted seconds.
    public var duration: TimeInterval
    /// Counted seconds when the notice was decided.
    public var elapsed: TimeInterval
    public var dueAt: Date?
    /// The policy's time zone (IANA name), for showing the due time as its people read it.
    public var timeZone: String
    /// The share of the target at which the warning goes out (0.8).
    public var warningPoint: Double
    /// Whether the clock counts business hours only.
    public var businessHours: Bool

    public init(target: SLATarget, duration: TimeInterval, elapsed: TimeInterval, dueAt: Date?, timeZone: String, warningPoint: Double, businessHours: Bool) {
        self.target = target
        self.duration = duration
        self.elapsed = elapsed
        self.dueAt = dueAt
        self.timeZone = timeZone
        self.warningPoint = warningPoint
        self.businessHours = businessHours
    }
}

/// A decided mail with its fixed Message-ID: what the outbox keeps until it is rendered and sent.
public struct PlannedMail: Sendable, Equatable, Codable {
    public var intent: MailIntent
    /// Fixed when decided, so threading never changes, however late the mail is rendered.
    public var messageID: String
    /// The mailbox it leaves through (its From and SMTP account): the ticket's own.
    public var mailbox: String
    /// The message this one answers, for In-Reply-To and References.
    public var answering: MailThread?
    public var facts: MailFacts

    public init(intent: MailIntent, messageID: String, mailbox: String, answering: MailThread?, facts: MailFacts) {
        self.intent = intent
        self.messageID = messageID
        self.mailbox = mailbox
        self.answering = answering
        self.facts = facts
    }

    public var event: MailEvent { intent.event }
}
