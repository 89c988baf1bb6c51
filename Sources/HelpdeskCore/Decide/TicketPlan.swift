/// A change to a ticket's people: the store applies these as they are.
public enum ParticipantChange: Sendable, Equatable {
    /// A new participant.
    case add(Correspondent, role: Participant.Role)
    /// Someone an agent took off, back again.
    case restore(String)
    /// Taken off; the row stays for the record.
    case remove(String)
}

/// Everything one decision changes on a ticket, ready to persist in one transaction.
public struct TicketPlan: Sendable, Equatable {
    /// The ticket after the change; `id` is nil when the plan opens it.
    public var ticket: Ticket
    /// History rows, in order (for a new ticket their `ticketId` is filled in on insert).
    public var events: [TicketEvent]
    public var participants: [ParticipantChange]
    public var addTags: [String]
    public var removeTags: [String]
    /// The round-robin pointer's new value for the ticket's mailbox, when it moved.
    public var roundRobin: String?
    /// Mail to send, with fixed Message-IDs.
    public var mail: [PlannedMail]
    /// The SLA policy the ticket's clocks are recomputed with after the change; nil leaves them.
    public var sla: SLAPolicy?
    /// The ticket's request for approval as it is after the change (new or changed); nil leaves it.
    public var approval: Approval?

    public init(
        ticket: Ticket, events: [TicketEvent] = [], participants: [ParticipantChange] = [], addTags: [String] = [],
        removeTags: [String] = [], roundRobin: String? = nil, mail: [PlannedMail] = [], sla: SLAPolicy? = nil
    ) {
        self.ticket = ticket
        self.events = events
        self.participants = participants
        self.addTags = addTags
        self.removeTags = removeTags
        self.roundRobin = roundRobin
        self.mail = mail
        self.sla = sla
    }

    /// Whether the plan changes the ticket's own row or history.
    public var changesTicket: Bool { !events.isEmpty }
}

/// A comment a plan adds.
public struct NewComment: Sendable, Equatable {
    public var authorAddress: String
    public var authorName: String?
    public var body: String
    public var html: String?
    public var reply: String?
    public var authorRole: SenderRole
    public var visibility: CommentVisibility
    /// An agent's mail that proved nothing: kept, internal, and its commands not run.
    public var unverified: Bool

    public init(
        authorAddress: String, authorName: String?, body: String, html: String?, reply: String?, authorRole: SenderRole,
        visibility: CommentVisibility, unverified: Bool = false
    ) {
        self.authorAddress = authorAddress
        self.authorName = authorName
        self.body = body
        self.html = html
        self.reply = reply
        self.authorRole = authorRole
        self.visibility = visibility
        self.unverified = unverified
    }
}

/// What one inbound message does: a new ticket or a comment, with its changes and mail.
public struct InboundPlan: Sendable, Equatable {
    public var outcome: InboundOutcome
    public var ticket: TicketPlan
    public var comment: NewComment
    /// Set for mail from an agent of the ticket's mailbox.
    public var agentOutcome: AgentOutcome?

    public init(outcome: InboundOutcome, ticket: TicketPlan, comment: NewComment, agentOutcome: AgentOutcome? = nil) {
        self.outcome = outcome
        self.ticket = ticket
        self.comment = comment
        self.agentOutcome = agentOutcome
    }
}
