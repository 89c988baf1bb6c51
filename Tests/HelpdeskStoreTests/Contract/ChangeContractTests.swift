import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Store contract: ticket changes")
struct ChangeContractTests {
    typealias C = Contract

    static let agents = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [C.bob])
    static let bobActs = TicketActor(address: "bob@x.test", role: .agent)

    /// Everything a change can touch, as the store shows it.
    struct State: Equatable {
        var ticket: Ticket?
        var history: [TicketEvent]
        var participants: [Participant]
        var tags: [String]
        var outbox: [OutboxRecord]

        init(_ store: any TicketStore, ticketId: Int64) throws {
            ticket = try store.ticket(id: ticketId)
            history = try store.history(ticketId: ticketId)
            participants = try store.participants(ticketId: ticketId, includingRemoved: true)
            tags = try store.tags(ticketId: ticketId).sorted()
            outbox = try store.outbox(status: nil)
        }
    }

    /// SUPP-1 from alice with carol copied, tagged `vip`, and carol taken off.
    static func seeded(_ store: any TicketStore) throws -> Int64 {
        var content = C.content()
        content.copied = [C.carol, Correspondent(address: "dave@x.test")]
        try C.ingest(store, C.identity(1, messageID: "m1@x.test"), content, ids: TestMessageIDs())
        try store.update(
            ticketKey: "SUPP-1", change: TicketChange(addTags: ["vip"], removeParticipants: ["carol@x.test"]), actor: bobActs, rules: agents,
            at: C.at(10))
        return try C.ticketID(store, "SUPP-1")
    }

    @Test("a change is recorded as planned, and what it returns is what was stored", arguments: StoreBackend.all)
    func aChangeIsRecordedAsPlanned(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try Self.seeded(store)
        let before = try store.history(ticketId: id)
        let now = C.at(60)
        var seen: TicketSnapshot?
        var planned: TicketPlan?
        let (ticket, events) = try store.applyChange(ticketKey: "SUPP-1", at: now) { snapshot in
            seen = snapshot
            var ticket = snapshot.ticket
            ticket.status = .open
            ticket.priority = .urgent
            ticket.updatedAt = now
            let event = { (kind: TicketEvent.Kind, from: String?, to: String?) in
                TicketEvent(ticketId: id, at: now, actor: "bob@x.test", actorRole: .agent, kind: kind, from: from, to: to)
            }
            let mail = PlannedMail(
                intent: .agentReply(to: [C.alice, C.carol], author: C.bob), messageID: "change-1@x.test", mailbox: "support",
                answering: MailThread(parent: "m1@x.test"), facts: MailFacts(ticket: ticket, subject: "Printer"))
            let plan = TicketPlan(
                ticket: ticket,
                events: [event(.priority, "normal", "urgent"), event(.status, "new", "open"), event(.tag, "vip", nil), event(.tag, nil, "printer"),
                         event(.participant, nil, "carol@x.test"), event(.participant, "dave@x.test", nil)],
                participants: [.restore("carol@x.test"), .remove("dave@x.test"), .add(Correspondent(address: "erin@x.test"), role: .cc)],
                addTags: ["printer"], removeTags: ["vip"], mail: [mail])
            planned = plan
            return plan
        }
        let snapshot = try #require(seen)
        #expect(snapshot.ticket.key == "SUPP-1" && snapshot.ticket.id == id)
        #expect(snapshot.participants.map(\.address) == ["alice@x.test", "dave@x.test"])
        #expect(snapshot.removedParticipants.map(\.address) == ["carol@x.test"])
        #expect(snapshot.tags == ["vip"])
        let plan = try #require(planned)

        #expect(ticket == plan.ticket)
        #expect(try store.ticket(key: "SUPP-1") == plan.ticket)
        #expect(events.allSatisfy { $0.id != nil })
        #expect(events.map { row in var row = row; row.id = nil; return row } == plan.events, "the rows this change wrote, in plan order")
        let history = try store.history(ticketId: id)
        #expect(Array(history.prefix(before.count)) == before, "history is only appended to")
        #expect(Array(history.dropFirst(before.count)) == events)
        #expect(try store.tags(ticketId: id) == ["printer"])
        let people = try store.participants(ticketId: id, includingRemoved: false)
        #expect(Set(people.map(\.address)) == ["alice@x.test", "carol@x.test", "erin@x.test"])
        #expect(try store.participants(ticketId: id, includingRemoved: true).count == 4)
        let row = try #require(try store.outbox(status: .pending).first { $0.messageId == "change-1@x.test" })
        #expect(try row.plannedMail() == plan.mail.first)
        #expect(row.ticketId == id && row.recipients == "alice@x.test,carol@x.test" && row.message == nil)

        // The change's mail threads like any other: an answer to it finds the ticket.
        var found: String?
        _ = try store.record(C.identity(2, messageID: "m2@x.test", at: C.at(70)), C.content(subject: "thanks", references: ["change-1@x.test"]),
                             lookup: InboundLookup(keyPrefix: "SUPP")) { snapshot in
            found = snapshot.found?.ticket.key
            guard let ticket = snapshot.found else { throw Contract.Unexpected() }
            return C.comment(on: ticket, at: C.at(70))
        }
        #expect(found == "SUPP-1")
    }

    @Test("a refused change leaves the ticket, its history, people, tags and the outbox as they were", arguments: StoreBackend.all)
    func aRefusedChangeLeavesEverything(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try Self.seeded(store)
        let before = try State(store, ticketId: id)
        var asked = false
        #expect(throws: ChangeRefused.self) {
            try store.applyChange(ticketKey: "SUPP-1", at: C.at(60)) { _ in
                asked = true
                throw ChangeRefused(what: "status pending", reason: "no", field: .status)
            }
        }
        #expect(asked)
        #expect(try State(store, ticketId: id) == before)

        // The rules refuse the last part, after the others were planned: none of them is written.
        let change = TicketChange(
            status: .pending, assignee: .agent("mallory@x.test"), priority: .urgent, addTags: ["x"], addParticipants: ["zed@x.test"],
            removeParticipants: ["alice@x.test"])
        #expect(throws: ChangeRefused.self) {
            try store.update(ticketKey: "SUPP-1", change: change, actor: Self.bobActs, rules: Self.agents, at: C.at(61))
        }
        #expect(try State(store, ticketId: id) == before)
    }

    @Test("a change to a ticket that does not exist is refused without asking the rules", arguments: StoreBackend.all)
    func anUnknownTicketIsRefused(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        _ = try Self.seeded(store)
        let outbox = try store.outbox(status: nil)
        var asked = false
        for key in ["SUPP-2", "SALES-1", "nonsense"] {
            #expect(throws: ChangeRefused.self) {
                try store.applyChange(ticketKey: key, at: C.at(60)) { snapshot in
                    asked = true
                    return TicketPlan(ticket: snapshot.ticket)
                }
            }
        }
        #expect(!asked)
        #expect(try store.tickets(status: nil, mailbox: nil).map(\.key) == ["SUPP-1"])
        #expect(try store.outbox(status: nil) == outbox)
    }
}

@Suite("Store contract: SLA notices")
struct SLAContractTests {
    typealias C = Contract

    static let hour: TimeInterval = 3600
    /// First response in 1 h (warned at 30 min), resolution in 8 h.
    static let policy = SLAPolicy(
        calendar: .alwaysOpen, targets: [.normal: SLATargets(firstResponse: hour, resolution: 8 * hour)], warningPoint: 0.5)
    static let support = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [C.bob], sla: policy)

    /// SUPP-1 at t0, in a mailbox with the policy.
    static func seeded(_ store: any TicketStore) throws -> Int64 {
        _ = try store.ingest(C.identity(1, messageID: "m1@x.test"), content: C.content(), rules: support, messageIDs: TestMessageIDs())
        return try C.ticketID(store, "SUPP-1")
    }

    static func slaMail(_ store: any TicketStore) throws -> [OutboxRecord] {
        try store.outbox(status: nil).filter { $0.event == MailEvent.slaWarning.rawValue || $0.event == MailEvent.slaBreach.rawValue }
    }

    @Test("a notice is recorded exactly once, and the rules are not asked again", arguments: StoreBackend.all)
    func aNoticeIsRecordedExactlyOnce(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try Self.seeded(store)
        let now = C.at(61 * 60)
        let due = try store.dueSLANotices(now: now)
        let breach = try #require(due.first { $0.target == .firstResponse })
        #expect(breach.ticketId == id && breach.ticketKey == "SUPP-1" && breach.kind == .breach)
        var asked = 0
        let record = { (date: Date) in
            try store.recordSLANotice(breach, at: date, policies: ["support": Self.policy]) { ticket, clock in
                asked += 1
                let number = asked
                return SLANoticeRules.decide(.breach, ticket: ticket, clock: clock, at: date, rules: Self.support) { _ in "breach-\(number)@x.test" }
            }
        }
        #expect(try record(now))
        #expect(try !record(now.addingTimeInterval(60)))
        #expect(asked == 1)
        #expect(try Self.slaMail(store).map(\.messageId) == ["breach-1@x.test"])
        #expect(try Self.slaMail(store).map(\.ticketId) == [id])
        #expect(try store.history(ticketId: id).filter { $0.kind == .sla }.count == 1)
        #expect(try store.slaNotices(ticketId: id).contains { $0.kind == .breach && $0.target == .firstResponse && $0.mailed })
        #expect(try !store.dueSLANotices(now: now.addingTimeInterval(120)).contains(breach), "not due once recorded")
        #expect(try !store.dueSLANotices(now: now.addingTimeInterval(120)).contains { $0.target == .firstResponse })
    }

    @Test("a recorded warning is not due again; the breach still comes", arguments: StoreBackend.all)
    func aRecordedWarningIsNotDueAgain(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try Self.seeded(store)
        let now = C.at(31 * 60)
        let warning = try #require(try store.dueSLANotices(now: now).first)
        #expect(warning.kind == .warning && warning.target == .firstResponse && warning.ticketId == id)
        #expect(try store.recordSLANotice(warning, at: now, rules: [Self.support]))
        #expect(try !store.recordSLANotice(warning, at: now, rules: [Self.support]))
        #expect(try store.dueSLANotices(now: C.at(45 * 60)).isEmpty)
        #expect(try store.dueSLANotices(now: C.at(61 * 60)).map(\.kind) == [.breach])
        #expect(try Self.slaMail(store).count == 1)
    }

    @Test("refreshing without a policy drops the clocks, and nothing is due any more", arguments: StoreBackend.all)
    func refreshWithoutPoliciesDropsTheClocks(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try Self.seeded(store)
        #expect(Set(try store.sla(ticketId: id).map(\.target)) == [.firstResponse, .resolution])
        #expect(try !store.dueSLANotices(now: C.at(100 * Self.hour)).isEmpty)
        try store.refreshClocks(policies: [:], now: C.at(60))
        #expect(try store.sla(ticketId: id).isEmpty)
        #expect(try store.dueSLANotices(now: C.at(100 * Self.hour)).isEmpty)
        // Back with the policy, the clocks are recomputed from the ticket's own history.
        try store.refreshClocks(policies: ["support": Self.policy], now: C.at(120))
        #expect(try store.sla(ticketId: id).first { $0.target == .firstResponse }?.dueAt == C.at(Self.hour))
    }
}
