public import Foundation

/// Named leases that let several gateway instances on one database split the work: a mailbox's
/// polling and sending, the SLA pass. A lease is a row with its holder and an expiry, renewed
/// while the holder lives and free to take once it lapses. Correctness never rests on it
/// (recording is idempotent and mail is claimed row by row); it keeps instances from doing the
/// same work twice, and keeps each recipient's loop caps counted by one sender.
public protocol LeaseStore: Sendable {
    /// Takes each of `names` for `holder` until `now + duration` when it is free, lapsed, or
    /// already `holder`'s (a renewal), in one write; `force` takes them whoever holds them (a
    /// store only one instance can open: a holder there is this instance before a crash). Returns
    /// the names taken, each with the holder it had before (nil when free or already `holder`'s).
    func acquireLeases(_ names: [String], holder: String, for duration: TimeInterval, at now: Date, force: Bool) throws -> [LeaseGrant]
    /// Gives `name` back when `holder` has it, so another instance can take it at once.
    func releaseLease(_ name: String, holder: String) throws
    /// Every lease row, lapsed ones included, by name.
    func leases() throws -> [Lease]
}

extension LeaseStore {
    /// One lease, not forced: true when `holder` has it now.
    public func acquireLease(_ name: String, holder: String, for duration: TimeInterval, at now: Date) throws -> Bool {
        try !acquireLeases([name], holder: holder, for: duration, at: now, force: false).isEmpty
    }
}

/// A lease taken or renewed, and whom it was taken from.
public struct LeaseGrant: Sendable, Equatable {
    public var name: String
    /// The holder before, when it was another (a lapsed lease taken over, or a forced one).
    public var previousHolder: String?

    public init(name: String, previousHolder: String?) {
        self.name = name
        self.previousHolder = previousHolder
    }
}

/// Who holds a lease, since when and until when.
public struct Lease: Sendable, Equatable {
    public var name: String
    public var holder: String
    public var acquiredAt: Date
    public var expiresAt: Date

    public init(name: String, holder: String, acquiredAt: Date, expiresAt: Date) {
        self.name = name
        self.holder = holder
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    /// Whether it still holds at `now`.
    public func isHeld(at now: Date) -> Bool { expiresAt > now }
}
