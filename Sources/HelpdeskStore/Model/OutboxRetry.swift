/// Which outbox rows `helpdesk outbox retry` means.
public enum OutboxSelection: Sendable, Equatable {
    case ids([Int64])
    /// Every row of one ticket.
    case ticket(Int64)
    /// Every row that was given up on.
    case failed
}

/// What a retry did with each selected row.
public struct OutboxRetryResult: Sendable, Equatable {
    /// Made due now: failed rows are pending again (attempts kept), waiting rows wait no longer.
    public var retried: [Int64] = []
    /// Pending and due already: nothing to change.
    public var alreadyDue: [Int64] = []
    /// Claimed by a running sender whose lease has not ended: left alone, it is being sent.
    public var beingSent: [Int64] = []
    /// Sent already: a retry would send the message twice, so it is refused.
    public var sent: [Int64] = []
    /// Ids asked for that no row has.
    public var unknown: [Int64] = []

    public init() {}
}
