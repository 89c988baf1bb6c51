import Foundation
import HelpdeskCore
import HelpdeskStore

// SLA clocks rewritten inside a caller's transaction: by recording, changes and notices.

extension PostgresStore {
    /// Recomputes one ticket's clocks with `policy` from its history (status events in commit
    /// order, as the SQLite store reads them).
    func refreshClocks(_ session: PostgresSession, ticketId: Int64, policy: SLAPolicy, now: Date) throws {
        // Locked: two instances rewriting one ticket's clocks at once would collide on their key.
        guard let ticket = try session.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE id = $1 FOR UPDATE", [ticketId]) else { return }
        let events = try session.fetchAll(TicketEvent.self, "SELECT * FROM ticket_event WHERE ticket_id = $1 AND kind = 'status' ORDER BY id", [ticketId])
        try session.execute("DELETE FROM ticket_sla WHERE ticket_id = $1", [ticketId])
        try insertClocks(session, ticket: ticket, statusEvents: events, policy: policy, now: now)
    }

    /// Writes the clocks of a ticket that has none, from its status events in commit order.
    func insertClocks(_ session: PostgresSession, ticket: Ticket, statusEvents events: [TicketEvent], policy: SLAPolicy, now: Date) throws {
        guard let ticketId = ticket.id else { return }
        let statuses = events.compactMap { event in
            event.kind == .status ? event.toValue.flatMap(TicketStatus.init(rawValue:)).map { (at: event.at, status: $0) } : nil
        }
        for evaluation in SLAClock.evaluate(policy: policy, ticket: ticket, statusEvents: statuses, now: now) {
            try session.insert(TicketClock(ticketId: ticketId, evaluation: evaluation, at: now), into: "ticket_sla", returningID: false)
        }
    }
}
