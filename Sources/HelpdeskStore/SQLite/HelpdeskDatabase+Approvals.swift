public import Foundation
import GRDB
public import HelpdeskCore

extension StoredApproval: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    package static let databaseTableName = "approval"
}

// MARK: ApprovalStore

extension HelpdeskDatabase {
    public func approval(ticketId: Int64) throws -> Approval? {
        try writer.read { db in try approval(db, ticketId: ticketId) }
    }

    public func dueApprovals(now: Date) throws -> [Int64] {
        try writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT a.ticket_id FROM approval a JOIN ticket t ON t.id = a.ticket_id
                WHERE a.state = 'pending' AND t.status = 'pending_approval' AND (a.expires_at <= ? OR a.remind_at <= ?)
                ORDER BY a.requested_at, a.ticket_id
                """, arguments: [now, now])
        }
    }

    public func recordApprovalTimer(ticketId: Int64, at now: Date, decide: (Ticket, Approval) -> TicketPlan?) throws -> Bool {
        try writer.write { db in
            guard let ticket = try Ticket.fetchOne(db, key: ticketId), let approval = try approval(db, ticketId: ticketId),
                  let plan = decide(ticket, approval)
            else { return false }
            _ = try persist(db, plan, at: now)
            return true
        }
    }

    func approval(_ db: Database, ticketId: Int64) throws -> Approval? {
        try StoredApproval.fetchOne(db.cachedStatement(sql: "SELECT * FROM approval WHERE ticket_id = ?"), arguments: [ticketId])?.approval()
    }
}
