public import Foundation
public import HelpdeskCore
public import HelpdeskStore
import PostgresNIO

// MARK: ApprovalStore

extension PostgresStore: ApprovalStore {
    public func approval(ticketId: Int64) throws -> Approval? {
        try pool.withConnection { session in try approval(session, ticketId: ticketId) }
    }

    public func dueApprovals(now: Date) throws -> [Int64] {
        try pool.withConnection { session in
            try session.rows("""
                SELECT a.ticket_id FROM approval a JOIN ticket t ON t.id = a.ticket_id
                WHERE a.state = 'pending' AND t.status = 'pending_approval' AND (a.expires_at <= $1 OR a.remind_at <= $1)
                ORDER BY a.requested_at, a.ticket_id
                """, [now]).map { try $0["ticket_id"].decode(Int64.self) }
        }
    }

    public func recordApprovalTimer(ticketId: Int64, at now: Date, decide: (Ticket, Approval) -> TicketPlan?) throws -> Bool {
        try pool.withConnection { session in
            try session.transaction {
                // The ticket row is locked first: an approver's answer recorded on another instance
                // waits, or is seen here, so a request is never both decided and expired.
                guard let ticket = try session.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE id = $1 FOR UPDATE", [ticketId]),
                      let approval = try approval(session, ticketId: ticketId),
                      let plan = decide(ticket, approval)
                else { return false }
                _ = try persist(session, plan, at: now)
                return true
            }
        }
    }

    func approval(_ session: PostgresSession, ticketId: Int64) throws -> Approval? {
        try session.fetchOne(StoredApproval.self, "SELECT * FROM approval WHERE ticket_id = $1", [ticketId])?.approval()
    }

    /// Inserts or replaces the ticket's request.
    func writeApproval(_ session: PostgresSession, _ row: StoredApproval) throws {
        try session.insert(row, into: "approval", returningID: false, onConflict: """
            (ticket_id) DO UPDATE SET rule = excluded.rule, mode = excluded.mode, approvers = excluded.approvers, step = excluded.step,
              state = excluded.state, requested_at = excluded.requested_at, remind_at = excluded.remind_at, expires_at = excluded.expires_at,
              remind_after = excluded.remind_after, expire_after = excluded.expire_after, on_expiry = excluded.on_expiry,
              escalated = excluded.escalated, decided_at = excluded.decided_at, decided_by = excluded.decided_by, reason = excluded.reason,
              request = excluded.request
            """)
    }
}
