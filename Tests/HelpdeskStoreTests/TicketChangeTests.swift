import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Ticket changes and their history")
struct TicketChangeTests {
    let database: HelpdeskDatabase
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let support = MailboxRules(
        name: "support", keyPrefix: "SUPP", agents: [Correspondent(address: "bob@x.test"), Correspondent(address: "dana@x.test")])
    let bob = TicketActor(address: "bob@x.test", role: .agent)

    init() throws {
        database = try .inMemory()
        let identity = InboundIdentity(mailbox: "support", uidValidity: 1, uid: 1, messageID: "m@x", sha256: "s", size: 1, receivedAt: now)
        let content = InboundContent(requesterAddress: "alice@x.test", requesterName: nil, subject: "Help", body: "b\n",
                                     followUp: .init(referencedMessageIDs: [], subjectKeys: []), autoReplySuppression: nil)
        _ = try database.ingest(identity, content: content, rules: support)
    }

    @Test func everyPartIsAppliedAndRecorded() throws {
        let change = TicketChange(status: .pending, assignee: .agent("dana@x.test"), priority: .high, addTags: ["billing", "vip"],
                                  addParticipants: ["carol@x.test"])
        let (ticket, events) = try database.update(ticketKey: "SUPP-1", change: change, actor: bob, rules: support, at: now)
        #expect(ticket.status == .pending && ticket.assignee == "dana@x.test" && ticket.priority == .high)
        #expect(events.map(\.kind) == [.status, .assignee, .priority, .tag, .tag, .participant])
        #expect(try database.tags(ticketId: 1) == ["billing", "vip"])
        #expect(try database.participants(ticketId: 1).map(\.address) == ["alice@x.test", "carol@x.test"])
        #expect(try database.history(ticketId: 1).map(\.kind) == [.created, .status, .assignee, .priority, .tag, .tag, .participant])
        // Saying the same again changes nothing and writes no history.
        let (_, again) = try database.update(ticketKey: "SUPP-1", change: change, actor: bob, rules: support, at: now)
        #expect(again.isEmpty)
    }

    @Test func aRefusedPartLeavesEverythingAsItWas() throws {
        // Status, priority, tags and participants come before the assignee, which is refused last:
        // nothing of the plan may reach the database.
        let change = TicketChange(status: .pending, assignee: .agent("mallory@x.test"), priority: .urgent, addTags: ["x"],
                                  removeParticipants: ["alice@x.test"])
        #expect(throws: ChangeRefused.self) { try database.update(ticketKey: "SUPP-1", change: change, actor: bob, rules: support, at: now) }
        let ticket = try #require(try database.ticket(key: "SUPP-1"))
        #expect(ticket.priority == .normal && ticket.status == .new && ticket.assignee == nil)
        #expect(try database.tags(ticketId: 1).isEmpty)
        #expect(try database.participants(ticketId: 1).count == 1)
        #expect(try database.history(ticketId: 1).map(\.kind) == [.created])
    }

    @Test func closedIsFinalForAgentsNotForAdmins() throws {
        try database.executeForTesting("UPDATE ticket SET status = 'closed'")
        #expect(throws: ChangeRefused.self) {
            try database.update(ticketKey: "SUPP-1", change: TicketChange(status: .open), actor: bob, rules: support, at: now)
        }
        let admin = TicketActor(address: "admin", role: .admin)
        #expect(try database.update(ticketKey: "SUPP-1", change: TicketChange(status: .open), actor: admin, rules: support, at: now).0.status == .open)
    }

    @Test func onlyAgentsOfTheMailboxCanBeAssigned() throws {
        #expect(throws: ChangeRefused.self) {
            try database.update(ticketKey: "SUPP-1", change: TicketChange(assignee: .agent("mallory@x.test")), actor: bob, rules: support, at: now)
        }
        #expect(throws: ChangeRefused.self) {
            try database.update(ticketKey: "SUPP-1", change: TicketChange(priority: .low), actor: TicketActor(address: "alice@x.test", role: .requester), rules: support, at: now)
        }
    }

    @Test func anAgentIsFoundByTheFirstPartOfTheirAddress() throws {
        let (ticket, _) = try database.update(ticketKey: "SUPP-1", change: TicketChange(assignee: .agent("Dana")), actor: bob, rules: support, at: now)
        #expect(ticket.assignee == "dana@x.test")
    }

    @Test func aTagCanCallForASkilledAgent() throws {
        let plan = AssignmentPlan(
            strategy: .roundRobin,
            agents: [AssignableAgent(address: "bob@x.test"), AssignableAgent(address: "dana@x.test", skills: ["billing"])],
            rules: [SkillRule(skill: "billing", tags: ["billing"])])
        var skilled = support
        skilled.assignment = plan
        let (ticket, events) = try database.update(
            ticketKey: "SUPP-1", change: TicketChange(addTags: ["billing"]), actor: bob, rules: skilled, at: now)
        #expect(ticket.assignee == "dana@x.test")
        #expect(events.last?.note == "skill by tag" && events.last?.actorRole == .system)
        // A tag no rule knows assigns nobody.
        try database.executeForTesting("UPDATE ticket SET assignee = NULL")
        let (other, _) = try database.update(
            ticketKey: "SUPP-1", change: TicketChange(addTags: ["misc"], removeTags: ["billing"]), actor: bob, rules: skilled, at: now)
        #expect(other.assignee == nil)
    }

    @Test func historyIsAppendOnlyInTheDatabaseItself() throws {
        _ = try database.update(ticketKey: "SUPP-1", change: TicketChange(priority: .high), actor: bob, rules: support, at: now)
        #expect(throws: (any Error).self) { try database.executeForTesting("UPDATE ticket_event SET actor = 'someone else'") }
        #expect(throws: (any Error).self) { try database.executeForTesting("DELETE FROM ticket_event") }
        #expect(try database.history(ticketId: 1).map(\.actor) == ["alice@x.test", "bob@x.test"])
    }
}
