import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

/// Requests for approval as the stores keep them: written with the ticket, read back into the
/// snapshot of an answer, and their timers recorded exactly once.
@Suite("Store contract: approvals", .timeLimit(.minutes(10)))
struct ApprovalContractTests {
    typealias C = Contract

    static let manager = "mia@x.test"
    static let rule = ApprovalRule(name: "hardware", match: .keywords(["laptop"]), approvers: .anyOf([manager]),
                                   remindAfter: 3_600, expireAfter: 7_200)
    /// A first response within an hour, counted around the clock.
    static let policy = SLAPolicy(calendar: .alwaysOpen, targets: [.normal: SLATargets(firstResponse: 3_600, resolution: 8 * 3_600)], warningPoint: 0.5)
    static var support: MailboxRules {
        var rules = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [C.bob],
                                 assignment: AssignmentPlan(strategy: .roundRobin, agents: [AssignableAgent(address: C.bob.address)], rules: []),
                                 sla: policy)
        rules.approvals = ApprovalPolicy(rules: [rule])
        return rules
    }

    static func record(_ store: any TicketStore, _ uid: UInt32, from sender: String, subject: String, references: [String] = [],
                       approval: ApprovalMessage? = nil, body: String = "it is broken\n", at date: Date) throws -> IngestResult {
        var content = C.content(from: sender, subject: subject, references: references)
        content.approval = approval
        content.body = body
        let rules = InboundRules(receiving: support, mailboxes: [support]) { "\($0)-\(UUID().uuidString)@test" }
        let identity = C.identity(uid, messageID: "m\(uid)@x.test", at: date)
        return try store.record(identity, content, lookup: InboundLookup(keyPrefix: "SUPP", strategies: ["support": .roundRobin])) {
            rules.decide(content, snapshot: $0, at: date)
        }
    }

    @Test("a held ticket keeps its request; the manager's signed yes opens and assigns it", arguments: StoreBackend.all)
    func heldThenApproved(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        _ = try Self.record(store, 1, from: "alice@x.test", subject: "New laptop", at: C.t0)
        let ticket = try #require(try store.ticket(key: "SUPP-1"))
        #expect(ticket.status == .pendingApproval && ticket.assignee == nil)
        let id = try #require(ticket.id)
        let stored = try #require(try store.approval(ticketId: id))
        #expect(stored.approvers == [Self.manager] && stored.state == .pending && stored.ticketId == id && stored.rule == "hardware")
        #expect(stored.remindAt == C.at(3_600) && stored.expiresAt == C.at(7_200) && stored.remindAfter == 3_600 && stored.onExpiry == .cancel)
        #expect(try store.outbox(status: nil).map(\.event).sorted() == ["approval_requested", "ticket_created"])
        #expect(try store.history(ticketId: id).contains { $0.kind == .approval && $0.toValue == "requested" })

        let yes = ApprovalMessage(tokenTicketIds: [id], tokenProblem: nil, decision: .approve, comment: "ok\n")
        _ = try Self.record(store, 2, from: Self.manager, subject: "Re: [SUPP-1] New laptop", approval: yes, at: C.at(60))
        let approved = try #require(try store.ticket(key: "SUPP-1"))
        #expect(approved.status == .open && approved.assignee == C.bob.address)
        #expect(try store.approval(ticketId: id)?.state == .approved)
        #expect(try store.approval(ticketId: id)?.decidedBy == Self.manager)
        let history = try store.history(ticketId: id)
        #expect(history.contains { $0.kind == .status && $0.actorRole == .approver && $0.toValue == "open" })
        #expect(try store.outbox(status: nil).contains { $0.event == "approval_granted" })
        #expect(try store.comments(ticketId: id).last?.visibility == .internal)
    }

    @Test("the SLA clocks stand still while a request waits", arguments: StoreBackend.all)
    func clocksStandStillWhileWaiting(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        _ = try Self.record(store, 1, from: "alice@x.test", subject: "New laptop", at: C.t0)
        let id = try #require(try store.ticket(key: "SUPP-1")?.id)
        // Approved 90 minutes later, past the one-hour first-response target of a ticket that ran.
        let yes = ApprovalMessage(tokenTicketIds: [id], tokenProblem: nil, decision: .approve, comment: "")
        _ = try Self.record(store, 2, from: Self.manager, subject: "Re: [SUPP-1] New laptop", approval: yes, at: C.at(5_400))
        #expect(try store.ticket(key: "SUPP-1")?.status == .open)
        try store.refreshClocks(policies: ["support": Self.policy], now: C.at(5_400 + 600))
        let clock = try #require(try store.sla(ticketId: id).first { $0.target == .firstResponse })
        #expect(clock.outcome == .running, "\(clock)")
        #expect(abs(clock.elapsed - 600) < 1, "only the ten minutes since the approval count: \(clock.elapsed)")
        #expect(try store.dueSLANotices(now: C.at(5_400 + 600)).isEmpty)
    }

    @Test("the reminder goes once, then the expiry cancels; nothing is due after", arguments: StoreBackend.all)
    func timersFireOnce(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        _ = try Self.record(store, 1, from: "alice@x.test", subject: "New laptop", at: C.t0)
        let id = try #require(try store.ticket(key: "SUPP-1")?.id)
        let timers = ApprovalTimerRules(rules: Self.support) { "\($0)-\(UUID().uuidString)@test" }
        #expect(try store.dueApprovals(now: C.at(3_599)).isEmpty)
        #expect(try store.dueApprovals(now: C.at(3_600)) == [id])
        #expect(try store.recordApprovalTimer(ticketId: id, at: C.at(3_600)) { timers.due(ticket: $0, approval: $1, at: C.at(3_600)) })
        #expect(!(try store.recordApprovalTimer(ticketId: id, at: C.at(3_700)) { timers.due(ticket: $0, approval: $1, at: C.at(3_700)) }))
        #expect(try store.dueApprovals(now: C.at(3_700)).isEmpty)
        #expect(try store.dueApprovals(now: C.at(7_200)) == [id])
        #expect(try store.recordApprovalTimer(ticketId: id, at: C.at(7_200)) { timers.due(ticket: $0, approval: $1, at: C.at(7_200)) })
        #expect(try store.ticket(key: "SUPP-1")?.status == .cancelled)
        #expect(try store.approval(ticketId: id)?.state == .expired)
        #expect(try store.dueApprovals(now: C.at(99_999)).isEmpty)
        let events = try store.outbox(status: nil).map(\.event)
        #expect(events.filter { $0 == "approval_requested" }.count == 2, "the request and the one reminder")
        #expect(events.filter { $0 == "approval_expired" }.count == 2, "the requester and the manager")
    }

    @Test("a timer raced by several instances is recorded once", arguments: StoreBackend.shared)
    func timersUnderRaces(backend: StoreBackend) throws {
        let (stores, cleanup) = try backend.make(instances: 2)
        defer { cleanup() }
        _ = try Self.record(stores[0], 1, from: "alice@x.test", subject: "New laptop", at: C.t0)
        let id = try #require(try stores[0].ticket(key: "SUPP-1")?.id)
        let timers = ApprovalTimerRules(rules: Self.support) { "\($0)-\(UUID().uuidString)@test" }
        let recorded = try onThreads(4) { worker in
            try stores[worker % 2].recordApprovalTimer(ticketId: id, at: C.at(3_600)) { timers.due(ticket: $0, approval: $1, at: C.at(3_600)) }
        }
        #expect(recorded.filter { $0 }.count == 1)
        #expect(try stores[1].outbox(status: nil).filter { $0.event == "approval_requested" }.count == 2)
    }
}
