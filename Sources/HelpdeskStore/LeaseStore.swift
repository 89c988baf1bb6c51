public import Foundation

/// Named leases that let several gateway instances on one database split the work: a mailbox's
/// polling and sending, the SLA pass. A lease is a row with its holder and an expiry, renewed
/// while the holder lives and free to take once it lapses. Correctness never rests on it
/// (recording is idempotent and mail is claimed row by row); it keeps instances from doing the
/// same work twice, and keeps each recipient's loop caps counted by one sender.
public protocol LeaseStore: Sendable {
    /// Takes `name` for `holder` until `now + duration` when it is free, lapsed, or already
    /// `holder`'s (a renewal); false while another holder's lease runs.
    func acquireLease(_ name: String, holder: String, for duration: TimeInterval, at now: Date) throws -> Bool
    /// Gives `name` back when `holder` has it, so another instance can take it at once.
    func releaseLease(_ name: String, holder: String) throws
    /// Every lease row, lapsed ones included, by name.
    func leases() throws -> [Lease]
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
