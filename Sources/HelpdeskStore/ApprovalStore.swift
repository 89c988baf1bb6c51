public import Foundation
public import HelpdeskCore

/// Requests for approval: read, and their timers. Recording a plan writes its `approval`; the
/// housekeeping pass (one instance at a time) runs the timers through this protocol.
public protocol ApprovalStore: Sendable {
    /// The ticket's request for approval, if it had one.
    func approval(ticketId: Int64) throws -> Approval?
    /// Tickets still waiting whose reminder or expiry is due at `now`, oldest first.
    func dueApprovals(now: Date) throws -> [Int64]
    /// Reads the ticket and its request in one transaction, asks `decide` what is due, and
    /// records the plan (status, history, request, mail) exactly once: false when nothing was due
    /// any more (another pass did it, or a decision came first).
    func recordApprovalTimer(ticketId: Int64, at now: Date, decide: (Ticket, Approval) -> TicketPlan?) throws -> Bool
}
