import HelpdeskCore
import Testing

@Suite("Ticket workflow")
struct TicketWorkflowTests {
    /// Written out by hand from the specification, not derived from `TicketWorkflow.table`: "from to role".
    static let allowed: Set<String> = [
        // Agents; closed and cancelled are final for them.
        "new open agent", "new pending agent", "new on_hold agent", "new resolved agent", "new closed agent", "new cancelled agent",
        "open pending agent", "open on_hold agent", "open resolved agent", "open closed agent", "open cancelled agent",
        "pending open agent", "pending on_hold agent", "pending resolved agent", "pending closed agent", "pending cancelled agent",
        "on_hold open agent", "on_hold pending agent", "on_hold resolved agent", "on_hold closed agent", "on_hold cancelled agent",
        "resolved open agent", "resolved closed agent",
        // Waiting for approval: agents may only cancel.
        "pending_approval cancelled agent",
        // Approvers decide; the gateway cancels at the expiry.
        "pending_approval open approver", "pending_approval cancelled approver", "pending_approval cancelled system",
        // Requesters, by replying.
        "pending open requester", "resolved open requester",
        // The gateway: replies reopen, the SLA auto-close closes.
        "pending open system", "resolved open system", "resolved closed system",
        // Admins: any status to any other.
        "new open admin", "new pending admin", "new on_hold admin", "new resolved admin", "new closed admin", "new cancelled admin",
        "open new admin", "open pending admin", "open on_hold admin", "open resolved admin", "open closed admin", "open cancelled admin",
        "pending new admin", "pending open admin", "pending on_hold admin", "pending resolved admin", "pending closed admin", "pending cancelled admin",
        "on_hold new admin", "on_hold open admin", "on_hold pending admin", "on_hold resolved admin", "on_hold closed admin", "on_hold cancelled admin",
        "resolved new admin", "resolved open admin", "resolved pending admin", "resolved on_hold admin", "resolved closed admin", "resolved cancelled admin",
        "closed new admin", "closed open admin", "closed pending admin", "closed on_hold admin", "closed resolved admin", "closed cancelled admin",
        "cancelled new admin", "cancelled open admin", "cancelled pending admin", "cancelled on_hold admin", "cancelled resolved admin", "cancelled closed admin",
        "new pending_approval admin", "open pending_approval admin", "pending pending_approval admin", "on_hold pending_approval admin",
        "resolved pending_approval admin", "closed pending_approval admin", "cancelled pending_approval admin",
        "pending_approval new admin", "pending_approval open admin", "pending_approval pending admin", "pending_approval on_hold admin",
        "pending_approval resolved admin", "pending_approval closed admin", "pending_approval cancelled admin",
    ]

    struct Move: Sendable, CustomTestStringConvertible {
        var from: TicketStatus
        var to: TicketStatus
        var role: ActorRole
        var key: String { "\(from.rawValue) \(to.rawValue) \(role.rawValue)" }
        var testDescription: String { key }
    }

    static let everyMove: [Move] = TicketStatus.allCases.flatMap { from in
        TicketStatus.allCases.flatMap { to in ActorRole.allCases.map { Move(from: from, to: to, role: $0) } }
    }

    @Test func expectationCoversTheSpace() {
        #expect(Self.everyMove.count == 8 * 8 * 5)
        #expect(Self.allowed.count == 23 + 1 + 3 + 2 + 3 + 56)
        #expect(Self.allowed.isSubset(of: Set(Self.everyMove.map(\.key))))
    }

    @Test(arguments: everyMove)
    func decides(move: Move) {
        let refusal = TicketWorkflow.refusal(from: move.from, to: move.to, by: move.role)
        if Self.allowed.contains(move.key) {
            #expect(refusal == nil)
        } else {
            #expect(refusal != nil)
            #expect(refusal?.isEmpty == false)
        }
    }

    @Test(arguments: TicketStatus.allCases, ActorRole.allCases)
    func allowedTargetsAgreeWithRefusal(from: TicketStatus, role: ActorRole) {
        let targets = TicketWorkflow.allowedTargets(from: from, by: role)
        #expect(targets == TicketStatus.allCases.filter { TicketWorkflow.refusal(from: from, to: $0, by: role) == nil })
        #expect(Set(targets.map { "\(from.rawValue) \($0.rawValue) \(role.rawValue)" })
                == Self.allowed.filter { $0.hasPrefix("\(from.rawValue) ") && $0.hasSuffix(" \(role.rawValue)") })
        #expect(!targets.contains(from))
    }

    @Test func tableMatchesExpectation() {
        let rows = TicketWorkflow.table
        #expect(rows.count == 56)
        #expect(Set(rows.map { "\($0.from.rawValue) \($0.to.rawValue)" }).count == 56)
        #expect(rows.allSatisfy { $0.from != $0.to && $0.roles.contains(.admin) })
        let triples = Set(rows.flatMap { row in row.roles.map { "\(row.from.rawValue) \(row.to.rawValue) \($0.rawValue)" } })
        #expect(triples == Self.allowed)
    }

    static let reasons: [(from: TicketStatus, to: TicketStatus, role: ActorRole, reason: String)] = [
        (.pending, .pending, .admin, "already pending"),
        (.onHold, .onHold, .agent, "already on_hold"),
        (.closed, .open, .agent, "a closed ticket cannot be reopened by an agent; an admin can do it, or the requester's reply starts a new ticket"),
        (.cancelled, .pending, .agent, "a cancelled ticket cannot be reopened by an agent"),
        (.closed, .cancelled, .agent, "cannot be changed to cancelled by an agent"),
        (.open, .new, .agent, "cannot set a ticket back to new"),
        (.resolved, .pending, .agent, "only reopen or close a resolved ticket"),
        (.open, .closed, .requester, "a requester's reply only reopens a pending or resolved ticket"),
        (.open, .closed, .system, "the gateway only reopens"),
    ]

    @Test(arguments: reasons)
    func refusalSaysWhy(row: (from: TicketStatus, to: TicketStatus, role: ActorRole, reason: String)) {
        let refusal = TicketWorkflow.refusal(from: row.from, to: row.to, by: row.role) ?? ""
        #expect(refusal.contains(row.reason), "\(refusal)")
    }
}
