public import Foundation

/// An address automatic mail does not go to for a while, after a hard bounce.
public struct Suppression: Sendable, Equatable, Codable {
    /// Lower-cased.
    public var address: String
    public var since: Date
    public var until: Date
    /// The bounce's enhanced status code, e.g. "5.1.1".
    public var status: String?
    public var diagnostic: String?
    /// The mail whose bounce started it, and that mail's ticket.
    public var outboxId: Int64?
    public var ticketId: Int64?

    public init(address: String, since: Date, until: Date, status: String?, diagnostic: String?, outboxId: Int64?, ticketId: Int64?) {
        self.address = address.lowercased()
        self.since = since
        self.until = until
        self.status = status
        self.diagnostic = diagnostic
        self.outboxId = outboxId
        self.ticketId = ticketId
    }

    /// Whether it still holds at `now`.
    public func holds(at now: Date) -> Bool { now < until }
}
