import Foundation
import HelpdeskCore
import Testing

// How a change to a ticket's fields is judged and turned into history, without a store.

private let now = Date(timeIntervalSince1970: 1_800_000_000)
private let earlier = now.addingTimeInterval(-3_600)
private let ann = Correspondent(address: "ann@help.test", name: "Ann Agent")
private let bob = Correspondent(address: "bob@help.test", name: "Bob Agent")
private let dana = Correspondent(address: "dana@help.test", name: "Dana Agent")
private let support = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [ann, bob, dana])
private let agent = TicketActor(address: ann.address, role: .agent)

private func ticket(status: TicketStatus = .open, assignee: String? = nil) -> Ticket {
    Ticket(id: 7, mailbox: "support", number: 7, key: "SUPP-7", subject: "Printer", requesterAddress: "alice@customer.test", requesterName: "Alice",
           status: status, priority: .normal, createdAt: earlier, updatedAt: earlier, assignee: assignee)
}

/// Alice (requester) and Carol on the ticket unless `people` says otherwise; Frank was taken off.
private func snapshot(_ ticket: Ticket = ticket(), tags: Set<String> = [], people: [String] = ["alice@customer.test", "carol@customer.test"],
                      state: AssignmentState = AssignmentState()) -> TicketSnapshot {
    TicketSnapshot(
        ticket: ticket,
        participants: people.enumerated().map { Participant(ticketId: 7, address: $1, name: nil, role: $0 == 0 ? .requester : .cc, addedAt: earlier) },
        removedParticipants: [Participant(ticketId: 7, address: "frank@customer.test", name: "Frank", role: .cc, addedAt: earlier, removedAt: earlier)],
        tags: tags, assignment: state)
}

private func apply(_ change: TicketChange, to snapshot: TicketSnapshot = snapshot(), by actor: TicketActor = agent, rules: MailboxRules? = support,
                   assignment: AssignmentPlan? = nil) throws(ChangeRefused) -> TicketPlan {
    try ChangeRules.apply(change, to: snapshot, actor: actor, rules: rules, at: now, assignment: assignment)
}

private func refusal(_ change: TicketChange, to snapshot: TicketSnapshot = snapshot(), by actor: TicketActor = agent, rules: MailboxRules? = support) -> ChangeRefused? {
    do {
        _ = try apply(change, to: snapshot, by: actor, rules: rules)
        return nil
    } catch {
        return error
    }
}

/// "kind from→to" per history row: what the change wrote, comparable at a glance.
private func history(_ plan: TicketPlan) -> [String] {
    plan.events.map { "\($0.kind.rawValue) \($0.fromValue ?? "-")→\($0.toValue ?? "-")" }
}

@Suite("Change rules")
struct ChangeRulesTests {
    static let requesterChanges: [TicketChange] = [
        TicketChange(assignee: .agent("bob")), TicketChange(priority: .high), TicketChange(addTags: ["vip"]), TicketChange(removeTags: ["vip"]),
        TicketChange(addParticipants: ["erin@customer.test"]), TicketChange(removeParticipants: ["carol@customer.test"]),
        TicketChange(status: .open, priority: .low),
    ]

    @Test("requesters add comments; they change no field", arguments: requesterChanges)
    func requesterChangesNoField(change: TicketChange) {
        let refused = refusal(change, to: snapshot(ticket(status: .pending)), by: TicketActor(address: "alice@customer.test", role: .requester))
        #expect(refused != nil)
        #expect(refused?.field == nil)
    }

    static let moves: [(from: TicketStatus, to: TicketStatus, role: ActorRole, allowed: Bool)] = [
        (.closed, .open, .agent, false), (.cancelled, .closed, .agent, false), (.resolved, .pending, .agent, false), (.open, .new, .agent, false),
        (.open, .resolved, .requester, false), (.pending, .open, .requester, true), (.resolved, .closed, .system, true), (.open, .closed, .system, false),
        (.closed, .open, .admin, true), (.new, .open, .agent, true),
    ]

    @Test("status moves follow the workflow; a refusal names the status field", arguments: moves)
    func status(from: TicketStatus, to: TicketStatus, role: ActorRole, allowed: Bool) throws {
        let actor = TicketActor(address: role == .agent ? ann.address : role.rawValue, role: role)
        let change = TicketChange(status: to)
        guard allowed else {
            let refused = try #require(refusal(change, to: snapshot(ticket(status: from)), by: actor))
            #expect(refused.field == .status && refused.what == "status \(to.rawValue)")
            #expect(refused.reason == TicketWorkflow.refusal(from: from, to: to, by: role))
            return
        }
        let plan = try apply(change, to: snapshot(ticket(status: from)), by: actor)
        #expect(plan.ticket.status == to && plan.ticket.updatedAt == now)
        #expect(history(plan) == ["status \(from.rawValue)→\(to.rawValue)"])
        #expect(plan.events.allSatisfy { $0.actor == actor.address && $0.actorRole == role && $0.ticketId == 7 })
    }

    static let references: [(reference: String, agents: [Correspondent], assignee: String?)] = [
        ("dana", [ann, dana], dana.address), ("DANA@help.test", [ann, dana], dana.address), ("zed", [ann, dana], nil),
        ("zed@help.test", [ann, dana], nil), ("dana", [dana, Correspondent(address: "dana@other.test")], nil),
    ]

    @Test("#assign takes an agent's address or unique local part; anything else is refused as a whole", arguments: references)
    func assign(reference: String, agents: [Correspondent], assignee: String?) throws {
        let rules = MailboxRules(name: "support", keyPrefix: "SUPP", agents: agents)
        // The status part is fine: all or nothing means it is not applied either.
        let change = TicketChange(status: .pending, assignee: .agent(reference))
        guard let assignee else {
            let refused = try #require(refusal(change, rules: rules))
            #expect(refused.field == .assignee && refused.what == "assign \(reference)")
            #expect(refused.reason.contains(agents.map(\.address).sorted().joined(separator: ", ")), "lists the agents to choose from")
            return
        }
        let plan = try apply(change, rules: rules)
        #expect(plan.ticket.assignee == assignee)
        #expect(history(plan) == ["status open→pending", "assignee -→\(assignee)"])
    }

    @Test("a ticket of a mailbox without config has no agents to assign")
    func noRules() {
        #expect(refusal(TicketChange(assignee: .agent(ann.address)), rules: nil)?.field == .assignee)
    }

    static let assignees: [(before: String?, change: TicketChange.Assignee, history: [String])] = [
        (nil, .agent("bob"), ["assignee -→bob@help.test"]), (bob.address, .agent("bob"), []), (bob.address, .nobody, ["assignee bob@help.test→-"]),
        (nil, .nobody, []), (bob.address, .agent("dana"), ["assignee bob@help.test→dana@help.test"]),
    ]

    @Test("the assignee is written into history only when it changes", arguments: assignees)
    func assignee(before: String?, change: TicketChange.Assignee, history expected: [String]) throws {
        let plan = try apply(TicketChange(assignee: change), to: snapshot(ticket(assignee: before)))
        #expect(history(plan) == expected)
        #expect(plan.ticket.updatedAt == (expected.isEmpty ? earlier : now))
    }

    static let tagRows: [(have: Set<String>, add: [String], remove: [String], added: [String], removed: [String])] = [
        (["vip"], ["vip", "billing", "billing"], ["spam"], ["billing"], []),
        (["vip", "spam"], [], ["spam", "spam", "gone"], [], ["spam"]),
        (["vip"], ["vip"], [], [], []),
    ]

    @Test("tags produce changes and history only when they change", arguments: tagRows)
    func tags(have: Set<String>, add: [String], remove: [String], added: [String], removed: [String]) throws {
        let plan = try apply(TicketChange(addTags: add, removeTags: remove), to: snapshot(tags: have))
        #expect(plan.addTags == added && plan.removeTags == removed)
        #expect(history(plan) == added.map { "tag -→\($0)" } + removed.map { "tag \($0)→-" })
    }

    static let people: [(add: [String], remove: [String], changes: [ParticipantChange], history: [String])] = [
        (["Erin@Customer.TEST"], [], [.add(Correspondent(address: "erin@customer.test"), role: .cc)], ["participant -→erin@customer.test"]),
        (["carol@customer.test"], [], [], []),
        (["frank@customer.test"], [], [.restore("frank@customer.test")], ["participant -→frank@customer.test"]),
        ([], ["Carol@customer.test"], [.remove("carol@customer.test")], ["participant carol@customer.test→-"]),
        ([], ["nobody@customer.test", "frank@customer.test"], [], []),
    ]

    @Test("#cc adds, restores and removes; the history only records what changed", arguments: people)
    func participants(add: [String], remove: [String], changes: [ParticipantChange], history expected: [String]) throws {
        let plan = try apply(TicketChange(addParticipants: add, removeParticipants: remove))
        #expect(plan.participants == changes)
        #expect(history(plan) == expected)
    }

    static let atLimit = (1...ChangeRules.participantLimit).map { "p\($0)@customer.test" }

    /// README: "at most 50 per ticket" — bringing back someone removed is one more participant too.
    @Test("no change takes a ticket past the participant limit", arguments: ["erin@customer.test", "frank@customer.test"])
    func participantLimit(address: String) {
        let refused = refusal(TicketChange(addParticipants: [address]), to: snapshot(people: Self.atLimit))
        #expect(refused?.field == .participants, "\(address) would be participant \(ChangeRules.participantLimit + 1)")
        // One below the limit there is room again.
        #expect(refusal(TicketChange(addParticipants: [address]), to: snapshot(people: Array(Self.atLimit.dropLast()))) == nil)
    }

    struct SkillRow: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var strategy = AssignmentStrategy.roundRobin
        var before: String?
        var change = TicketChange(addTags: ["billing"])
        var withPlan = true
        var assignee: String?
        var byTag = false
    }

    static let skills: [SkillRow] = [
        SkillRow(testDescription: "round robin among the skilled", assignee: bob.address, byTag: true),
        SkillRow(testDescription: "least open among the skilled", strategy: .leastOpen, assignee: ann.address, byTag: true),
        SkillRow(testDescription: "manual", strategy: .manual),
        SkillRow(testDescription: "already assigned", before: dana.address, assignee: dana.address),
        SkillRow(testDescription: "a tag no rule names", change: TicketChange(addTags: ["vip"])),
        SkillRow(testDescription: "assigned by hand at once", change: TicketChange(assignee: .agent("dana"), addTags: ["billing"]), assignee: dana.address),
        SkillRow(testDescription: "another mailbox's ticket", withPlan: false),
    ]

    @Test("a skill tag gives an unassigned ticket to a skilled agent", arguments: skills)
    func skillByTag(row: SkillRow) throws {
        let plan = AssignmentPlan(
            strategy: row.strategy,
            agents: [AssignableAgent(address: ann.address, skills: ["billing"]), AssignableAgent(address: bob.address, skills: ["billing"]),
                     AssignableAgent(address: dana.address)],
            rules: [SkillRule(skill: "billing", tags: ["billing"])])
        // Round robin continues after ann; least open prefers ann (dana has fewer, but not the skill).
        let state = AssignmentState(lastAssignee: ann.address, openCounts: [ann.address: 1, bob.address: 4, dana.address: 0])
        let result = try apply(row.change, to: snapshot(ticket(assignee: row.before), state: state), assignment: row.withPlan ? plan : nil)
        #expect(result.ticket.assignee == row.assignee)
        let automatic = result.events.filter { $0.actorRole == .system }
        #expect(automatic.map { "\($0.actor) \($0.kind.rawValue) \($0.toValue ?? "-") \($0.note ?? "")" }
                == (row.byTag ? ["gateway assignee \(row.assignee ?? "-") skill by tag"] : []))
        #expect(result.roundRobin == (row.byTag && row.strategy == .roundRobin ? row.assignee : nil))
    }

    @Test func theSkilledPickWeighsTheSubjectsKeywordsToo() throws {
        // The tag calls for German; the subject ("Invoice …") calls for billing: only bob has both.
        let plan = AssignmentPlan(
            strategy: .roundRobin,
            agents: [AssignableAgent(address: ann.address, skills: ["german"]), AssignableAgent(address: bob.address, skills: ["german", "billing"])],
            rules: [SkillRule(skill: "billing", keywords: ["invoice"]), SkillRule(skill: "german", tags: ["de"])])
        var invoice = ticket()
        invoice.subject = "Invoice is wrong"
        let result = try apply(TicketChange(addTags: ["de"]), to: snapshot(invoice), assignment: plan)
        #expect(result.ticket.assignee == bob.address)
        // Keywords alone never trigger it: a tag must call for a skill.
        let untagged = try apply(TicketChange(addTags: ["vip"]), to: snapshot(invoice), assignment: plan)
        #expect(untagged.ticket.assignee == nil)
    }

    @Test func leastOpenNoLongerCountsTheTicketForTheAgentItWasTakenFrom() throws {
        let plan = AssignmentPlan(
            strategy: .leastOpen, agents: [AssignableAgent(address: ann.address, skills: ["billing"]), AssignableAgent(address: bob.address, skills: ["billing"])],
            rules: [SkillRule(skill: "billing", tags: ["billing"])])
        // Ann holds 3 open tickets, this one among them; bob 2. Unassigned, it leaves ann with 2, and the tie goes to ann (first).
        let state = AssignmentState(openCounts: [ann.address: 3, bob.address: 2])
        let result = try apply(TicketChange(assignee: .nobody, addTags: ["billing"]), to: snapshot(ticket(assignee: ann.address), state: state), assignment: plan)
        #expect(result.ticket.assignee == ann.address)
        #expect(ChangeRules.state(state, after: ticket(assignee: ann.address), became: ticket()).openCounts[ann.address] == 2)
        #expect(ChangeRules.state(state, after: ticket(status: .resolved, assignee: ann.address), became: ticket()).openCounts[ann.address] == 3,
                "a finished ticket was not counted")
    }

    @Test("an empty change (or one that changes nothing) leaves the ticket as it was", arguments: [
        TicketChange(), TicketChange(status: .open, assignee: .nobody, priority: .normal, addParticipants: ["carol@customer.test"]),
    ])
    func nothingChanges(change: TicketChange) throws {
        let found = snapshot()
        let plan = try apply(change, to: found)
        #expect(plan.events.isEmpty && !plan.changesTicket)
        #expect(plan.ticket == found.ticket)
        #expect(plan.participants.isEmpty && plan.addTags.isEmpty && plan.removeTags.isEmpty && plan.roundRobin == nil && plan.mail.isEmpty)
    }

    @Test func priority() throws {
        let plan = try apply(TicketChange(priority: .urgent))
        #expect(plan.ticket.priority == .urgent && history(plan) == ["priority normal→urgent"])
    }
}
