public import Foundation

/// Counts across the store for a health summary.
public struct StoreHealth: Sendable, Equatable {
    /// Outbox rows waiting to be sent, by mailbox.
    public var outboxPending: [String: Int] = [:]
    /// Outbox rows given up on, by mailbox.
    public var outboxFailed: [String: Int] = [:]
    /// When the oldest pending row was queued, by mailbox.
    public var oldestPendingAt: [String: Date] = [:]
    /// Messages kept aside (quarantined), by mailbox.
    public var keptAside: [String: Int] = [:]
    /// Tickets by mailbox, then by status.
    public var ticketsByStatus: [String: [String: Int]] = [:]
    /// Tickets with a running clock past its due time, by mailbox.
    public var breachingNow: [String: Int] = [:]

    public init() {}
}
