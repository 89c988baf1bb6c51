/// An outbox row with the ticket it is about, as `helpdesk outbox list` shows it.
public struct OutboxListing: Sendable, Equatable {
    public var row: OutboxRecord
    /// Nil for mail about no ticket (a notice that a message was too large).
    public var ticketKey: String?
    public var ticketSubject: String?

    public init(row: OutboxRecord, ticketKey: String?, ticketSubject: String?) {
        self.row = row
        self.ticketKey = ticketKey
        self.ticketSubject = ticketSubject
    }
}
