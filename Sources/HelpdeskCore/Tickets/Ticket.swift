public import Foundation

/// A ticket as the rules see it and the store keeps it.
public struct Ticket: Sendable, Codable, Equatable {
    /// Set once stored; nil for a ticket a plan is about to open.
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
    /// The requester's language (`de`, `pt-BR`) from their first message; nil when it named none.
    public var language: String?
    /// The requester's organisation when the ticket was opened; nil for none.
    public var organization: String?

    public init(
        id: Int64?, mailbox: String, number: Int, key: String, subject: String, requesterAddress: String,
        requesterName: String?, status: TicketStatus, priority: TicketPriority, createdAt: Date, updatedAt: Date,
        linkedTicketId: Int64? = nil, linkReason: LinkReason? = nil, assignee: String? = nil, firstResponseAt: Date? = nil,
        language: String? = nil, organization: String? = nil
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
        self.firstResponseAt = firstResponseAt
        self.language = language
        self.organization = organization
    }

    public var ticketKey: TicketKey? { TicketKey(key) }
}

/// One change in a ticket's history; kept for ever, never edited.
public struct TicketEvent: Sendable, Codable, Equatable {
    /// What changed.
    public enum Kind: String, Sendable, Codable {
        case created, status, assignee, priority, tag, participant, visibility, sla
        /// A mail of the ticket bounced, was withheld (suppressed address, loop cap) or went out
        /// to an address that bounced before.
        case delivery
        /// A request for approval: asked, reminded, decided, refused, expired.
        case approval
    }

    public var id: Int64?
    /// The ticket's id; for a ticket a plan opens, the store fills it in when it inserts the ticket.
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
public struct Participant: Sendable, Codable, Equatable {
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

    public init(ticketId: Int64, address: String, name: String?, role: Role, addedAt: Date, removedAt: Date? = nil) {
        self.ticketId = ticketId
        self.address = address
        self.name = name
        self.role = role
        self.addedAt = addedAt
        self.removedAt = removedAt
    }
}

/// What became of one message read from a mailbox.
public enum InboundOutcome: String, Sendable, Codable {
    case ticketCreated = "ticket_created"
    case commentAdded = "comment_added"
    case duplicate
    case quarantined
    /// A bounce or other report about mail we sent: recorded against that mail, never a ticket.
    case bounce
}
