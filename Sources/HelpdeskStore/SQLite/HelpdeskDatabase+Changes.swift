public import Foundation
import GRDB
public import HelpdeskCore

// MARK: TicketChangeStore

extension HelpdeskDatabase {
    public func applyChange(
        ticketKey key: String, at now: Date, decide: (TicketSnapshot) throws -> TicketPlan
    ) throws -> (TicketRecord, [TicketEventRecord]) {
        try writer.write { db in
            guard let ticket = try Ticket.filter(Ticket.Columns.key == key.uppercased()).fetchOne(db) else {
                throw ChangeRefused(what: key, reason: "no such ticket; `helpdesk tickets list` shows the keys")
            }
            // Both parts of the assignment state: a tag may call for either strategy's pick.
            var snapshot = try self.snapshot(db, of: ticket, strategy: .roundRobin, requesterThread: false)
            snapshot.assignment.openCounts = try assignmentState(db: db, mailbox: ticket.mailbox, strategy: .leastOpen).openCounts
            let (stored, events) = try persist(db, try decide(snapshot), at: now)
            return (stored, events)
        }
    }
}
