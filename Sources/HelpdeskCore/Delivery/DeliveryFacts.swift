public import Foundation

/// What a `delivery_failed` mail tells an agent: which mail did not arrive, to whom, and why.
public struct DeliveryFacts: Sendable, Equatable, Codable {
    /// The address the mail did not reach.
    public var address: String
    /// The kind of mail that bounced (or the agent's reply that went out anyway).
    public var event: MailEvent
    /// The enhanced status code (RFC 3463), e.g. "5.1.1", when the bounce gave one.
    public var status: String?
    /// What the receiving server said.
    public var diagnostic: String?
    /// Until when automatic mail to the address is paused (a hard bounce).
    public var pausedUntil: Date?
    /// When the bounce came in.
    public var bouncedAt: Date
    /// The mail was an agent's reply, sent although the address bounced before.
    public var sentAnyway: Bool

    public init(
        address: String, event: MailEvent, status: String?, diagnostic: String?, pausedUntil: Date?, bouncedAt: Date,
        sentAnyway: Bool = false
    ) {
        self.address = address
        self.event = event
        self.status = status
        self.diagnostic = diagnostic
        self.pausedUntil = pausedUntil
        self.bouncedAt = bouncedAt
        self.sentAnyway = sentAnyway
    }
}
