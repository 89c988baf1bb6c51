/// Where a ticket stands in its life, stored by raw value.
public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    case new
    case open
    case pending
    case onHold = "on_hold"
    case resolved
    case closed
    case cancelled
    /// Waiting for a manager's approval before anyone works on it; SLA clocks stand still.
    case pendingApproval = "pending_approval"

    /// Whether work on the ticket has ended.
    public var isFinished: Bool { self == .resolved || self == .closed || self == .cancelled }

    /// Every status whose work has ended: the one list that queries over open tickets use.
    public static let finished: [TicketStatus] = allCases.filter(\.isFinished)
}

/// How urgent a ticket is, stored by raw value.
public enum TicketPriority: String, Sendable, Codable, CaseIterable {
    case low, normal, high, urgent
}

/// Who can read a comment.
public enum CommentVisibility: String, Sendable, Codable {
    /// Sent to the requester and participants.
    case `public`
    /// Agents only.
    case `internal`
}
