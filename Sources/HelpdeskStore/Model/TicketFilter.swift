public import HelpdeskCore

/// What `tickets list` asks the store for: every condition that is set must hold.
public struct TicketFilter: Sendable, Equatable {
    /// Whose tickets.
    public enum Assignee: Sendable, Equatable {
        /// Unassigned tickets.
        case nobody
        /// An agent's address, or the part before its `@` (`dana` finds dana@example.test); any case.
        case agent(String)
    }

    public var status: TicketStatus?
    public var mailbox: String?
    public var priority: TicketPriority?
    /// Tickets carrying every one of these tags (any case).
    public var tags: [String]
    public var assignee: Assignee?
    /// Tickets whose requester belonged to this organisation when they were opened (any case).
    public var organization: String?
    /// Tickets of this requester (address, any case).
    public var requester: String?

    public init(
        status: TicketStatus? = nil, mailbox: String? = nil, priority: TicketPriority? = nil, tags: [String] = [], assignee: Assignee? = nil,
        organization: String? = nil, requester: String? = nil
    ) {
        self.organization = organization
        self.requester = requester
        self.status = status
        self.mailbox = mailbox
        self.priority = priority
        self.tags = tags
        self.assignee = assignee
    }
}
