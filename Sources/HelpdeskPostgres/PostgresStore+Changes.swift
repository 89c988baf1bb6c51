public import Foundation
public import HelpdeskCore
public import HelpdeskStore

extension PostgresStore: TicketChangeStore {
    public func applyChange(
        ticketKey key: String, at now: Date, decide: (TicketSnapshot) throws -> TicketPlan
    ) throws -> (TicketRecord, [TicketEventRecord]) {
        try pool.withConnection { session in
            try session.transaction {
                // The row lock makes a change and a message recorded at the same moment on another
                // instance apply one after the other, each to what the other wrote.
                guard let ticket = try session.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE key = $1 FOR UPDATE", [key.uppercased()]) else {
                    throw ChangeRefused(what: key, reason: "no such ticket; `helpdesk tickets list` shows the keys")
                }
                var snapshot = try self.snapshot(session, of: ticket, strategy: .roundRobin, requesterThread: false)
                snapshot.assignment.openCounts = try assignmentState(session, mailbox: ticket.mailbox, strategy: .leastOpen).openCounts
                return try persist(session, try decide(snapshot), at: now)
            }
        }
    }
}
