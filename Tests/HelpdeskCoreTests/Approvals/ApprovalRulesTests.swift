import Foundation
import HelpdeskCore
import Testing

// Approvals decided by the core alone: which new tickets wait, who decides, what a yes, a no,
// a forged or late answer, a reminder and an expiry do. No store, no templates.

private let now = Date(timeIntervalSince1970: 1_800_000_000)
private let hour: TimeInterval = 3_600
private let ann = Correspondent(address: "ann@help.test", name: "Ann Agent")
private let bob = Correspondent(address: "bob@help.test", name: "Bob Agent")
private let alice = Correspondent(address: "alice@acme.test", name: "Alice")
private let mia = "mia@acme.test"
private let lead = "lead@help.test"
private let finance = "finance@help.test"

private let organizations = OrganizationDirectory([Organization(name: "Acme", domains: ["acme.test"], managers: [mia])])

private func mailbox(_ approvals: [ApprovalRule], strategy: AssignmentStrategy = .roundRobin) -> MailboxRules {
    var rules = MailboxRules(
        name: "support", keyPrefix: "SUPP", agents: [ann, bob],
        assignment: AssignmentPlan(strategy: strategy, agents: [ann, bob].map { AssignableAgent(address: $0.address) }, rules: []))
    rules.approvals = ApprovalPolicy(rules: approvals)
    return rules
}

private let hardware = ApprovalRule(name: "hardware", match: .keywords(["laptop", "monitor"]), approvers: .manager,
                                    remindAfter: 24 * hour, expireAfter: 72 * hour)
private let refunds = ApprovalRule(name: "refunds", match: .keywords(["refund"]), approvers: .chain([lead, finance]),
                                   remindAfter: 24 * hour, expireAfter: 72 * hour, onExpiry: .escalate)

private func rules(_ mailbox: MailboxRules) -> InboundRules {
    InboundRules(receiving: mailbox, mailboxes: [mailbox], organizations: organizations, newMessageID: { "\($0)-\(UUID().uuidString)@test" })
}

private func content(from sender: Correspondent = alice, subject: String, body: String = "Please.\n", approval: ApprovalMessage? = nil) -> InboundContent {
    var content = InboundContent(
        requesterAddress: sender.address, requesterName: sender.name, subject: subject, body: body,
        followUp: FollowUpCandidates(referencedMessageIDs: [], subjectKeys: []), autoReplySuppression: nil, rawKept: false)
    content.approval = approval
    return content
}

/// The new ticket `subject` makes, as stored (id 7).
private func opened(_ mailbox: MailboxRules, subject: String, from sender: Correspondent = alice) -> InboundPlan {
    rules(mailbox).decide(content(from: sender, subject: subject), snapshot: InboundSnapshot(found: nil, nextNumber: 7), at: now)
}

private func stored(_ plan: InboundPlan) -> TicketSnapshot {
    var ticket = plan.ticket.ticket
    ticket.id = 7
    var approval = plan.ticket.approval
    approval?.ticketId = 7
    return TicketSnapshot(
        ticket: ticket, participants: [Participant(ticketId: 7, address: alice.address, name: alice.name, role: .requester, addedAt: now)],
        requesterThread: ["first@client.test"], approval: approval)
}

/// `sender`'s answer `text` to ticket 7's request, proved by its approval reply address or not.
private func answer(_ mailbox: MailboxRules, on found: TicketSnapshot, from sender: String, _ text: String, proved: Bool = true, at time: Date = now) -> InboundPlan {
    let parsed = ApprovalMessage.parse(text)
    let message = ApprovalMessage(tokenTicketIds: proved ? [7] : [], tokenProblem: nil, decision: parsed.decision, comment: parsed.comment)
    return rules(mailbox).decide(
        content(from: Correspondent(address: sender), subject: "Re: [SUPP-7] x", body: text, approval: message),
        snapshot: InboundSnapshot(found: found, nextNumber: 8), at: time)
}

private func events(_ plan: InboundPlan) -> [MailEvent] { plan.ticket.mail.map(\.event) }
private func recipients(_ plan: InboundPlan, _ event: MailEvent) -> [String] {
    plan.ticket.mail.filter { $0.event == event }.flatMap { $0.intent.recipients.map(\.address) }
}

@Suite("approvals: the decisions")
struct ApprovalRulesTests {
    @Test("a matching request waits for the requester's manager; nobody is assigned and the agents hear nothing yet")
    func aMatchingRequestWaits() throws {
        let plan = opened(mailbox([hardware]), subject: "New laptop for Alice")
        #expect(plan.ticket.ticket.status == .pendingApproval)
        #expect(plan.ticket.ticket.assignee == nil && plan.ticket.roundRobin == nil)
        let approval = try #require(plan.ticket.approval)
        #expect(approval.approvers == [mia] && approval.mode == .any && approval.state == .pending)
        #expect(approval.remindAt == now.addingTimeInterval(24 * hour) && approval.expiresAt == now.addingTimeInterval(72 * hour))
        #expect(events(plan) == [.ticketCreated, .approvalRequested])
        #expect(recipients(plan, .approvalRequested) == [mia])
        #expect(plan.ticket.mail.first { $0.event == .approvalRequested }?.intent.signedFor == "approval:mia@acme.test")
        #expect(plan.ticket.events.contains { $0.kind == .approval && $0.toValue == "requested" })
        #expect(plan.ticket.events.contains { $0.kind == .status && $0.toValue == "pending_approval" }, "so the SLA clocks stand still")
    }

    @Test("a request no rule matches opens as before", arguments: ["Printer jam", "laptops", "My monitors"])
    func otherRequestsAreNotHeld(subject: String) {
        let plan = opened(mailbox([hardware]), subject: subject)
        #expect(plan.ticket.ticket.status == .new && plan.ticket.approval == nil)
        #expect(events(plan).contains(.newTicket) || events(plan).contains(.ticketAssigned))
    }

    @Test func withoutAManagerTheAgentsDecideAndWithoutAgentsNothingIsHeld() throws {
        let stranger = Correspondent(address: "zed@elsewhere.test")
        let plan = opened(mailbox([hardware]), subject: "laptop", from: stranger)
        #expect(plan.ticket.approval?.approvers == [ann.address, bob.address])
        #expect(plan.ticket.events.contains { $0.kind == .approval && $0.note?.contains("the agents decide") == true })

        var empty = mailbox([hardware])
        empty.agents = []
        let free = opened(empty, subject: "laptop", from: stranger)
        #expect(free.ticket.approval == nil && free.ticket.ticket.status == .new)
        #expect(free.ticket.events.contains { $0.kind == .approval && $0.toValue == "not held" })
    }

    @Test func theManagersYesOpensAssignsAndTellsEveryone() throws {
        let box = mailbox([hardware])
        let found = stored(opened(box, subject: "New laptop"))
        let plan = answer(box, on: found, from: mia, "#approve\n\nFine by me.\n")
        #expect(plan.ticket.ticket.status == .open)
        #expect(plan.ticket.ticket.assignee == ann.address, "round robin, as a new ticket")
        #expect(plan.ticket.approval?.state == .approved && plan.ticket.approval?.decidedBy == mia)
        #expect(plan.comment.visibility == .internal && plan.comment.body == "Fine by me.\n")
        #expect(recipients(plan, .approvalGranted) == [alice.address])
        #expect(recipients(plan, .ticketAssigned) == [ann.address] && recipients(plan, .newTicket) == [bob.address])
        let status = try #require(plan.ticket.events.first { $0.kind == .status })
        #expect(status.actorRole == .approver && status.fromValue == "pending_approval" && status.toValue == "open")
        #expect(TicketWorkflow.refusal(from: .pendingApproval, to: .open, by: .approver) == nil)
    }

    @Test func aNoCancelsAndTellsTheRequesterWhy() throws {
        let box = mailbox([hardware])
        let plan = answer(box, on: stored(opened(box, subject: "New laptop")), from: mia, "#reject  No budget this quarter.  \nSorry.")
        #expect(plan.ticket.ticket.status == .cancelled)
        #expect(plan.ticket.approval?.state == .rejected && plan.ticket.approval?.reason == "No budget this quarter.")
        let told = try #require(plan.ticket.mail.first { $0.event == .approvalRejected })
        #expect(told.intent == .approvalRejected(to: alice, reason: "No budget this quarter."))
        #expect(told.answering?.parent == "first@client.test", "threaded under the requester's conversation")
        #expect(events(plan) == [.approvalRejected])
    }

    @Test func theApproversAnswerWithoutTheirSignedAddressDecidesNothing() throws {
        let box = mailbox([hardware])
        let plan = answer(box, on: stored(opened(box, subject: "New laptop")), from: mia, "#approve", proved: false)
        #expect(plan.ticket.ticket.status == .pendingApproval && plan.ticket.approval == nil && plan.ticket.mail.isEmpty)
        #expect(plan.comment.visibility == .internal)
        let refused = try #require(plan.ticket.events.first { $0.kind == .approval })
        #expect(refused.toValue == "refused" && refused.actorRole == .approver)
        #expect(refused.note?.contains("approval reply address signed for") == true, "\(refused.note ?? "")")
    }

    @Test("the requester's own #approve is her comment, and the history says it decided nothing", arguments: [true, false])
    func theRequestersApproveIsAComment(proved: Bool) throws {
        let box = mailbox([hardware])
        let plan = answer(box, on: stored(opened(box, subject: "New laptop")), from: alice.address, "#approve", proved: proved)
        #expect(plan.ticket.ticket.status == .pendingApproval && plan.ticket.approval == nil)
        #expect(!events(plan).contains { [.approvalGranted, .approvalRejected, .approvalRequested, .newTicket].contains($0) })
        let refused = try #require(plan.ticket.events.first { $0.kind == .approval })
        #expect(refused.toValue == "refused" && refused.note?.contains("is not an approver") == true, "\(refused.note ?? "")")
    }

    @Test func aStrangersDecisionGoesTheStrangersWay() {
        let box = mailbox([hardware])
        let plan = answer(box, on: stored(opened(box, subject: "New laptop")), from: "boss@acme.test", "#reject no", proved: false)
        #expect(plan.ticket.ticket.id == nil && plan.ticket.ticket.linkedTicketId == 7, "a new linked ticket, as for any stranger")
        #expect(plan.ticket.approval == nil)
    }

    @Test func aRobotDecidesNothing() {
        let box = mailbox([hardware])
        let found = stored(opened(box, subject: "New laptop"))
        let parsed = ApprovalMessage.parse("#approve")
        var robot = content(from: Correspondent(address: mia), subject: "Re: [SUPP-7] x", body: "#approve",
                            approval: ApprovalMessage(tokenTicketIds: [7], tokenProblem: nil, decision: parsed.decision, comment: ""))
        robot.autoReplySuppression = "Auto-Submitted: auto-replied"
        let plan = rules(box).decide(robot, snapshot: InboundSnapshot(found: found, nextNumber: 8), at: now)
        #expect(plan.ticket.approval == nil && plan.ticket.ticket.status != .open)
    }

    @Test func aLateOrSecondAnswerDecidesNothing() throws {
        let box = mailbox([hardware])
        let found = stored(opened(box, subject: "New laptop"))
        let late = answer(box, on: found, from: mia, "#approve", at: now.addingTimeInterval(73 * hour))
        #expect(late.ticket.approval == nil && late.ticket.events.first?.note?.contains("expired") == true)
        var decided = found
        decided.approval?.state = .approved
        decided.ticket.status = .open
        let again = answer(box, on: decided, from: mia, "#reject changed my mind")
        #expect(again.ticket.approval == nil && again.ticket.ticket.status == .open)
        #expect(again.ticket.events.first?.note?.contains("approved already") == true)
    }

    @Test func anApproversWordsWithoutADecisionAreKeptForTheAgents() {
        let box = mailbox([hardware])
        let plan = answer(box, on: stored(opened(box, subject: "New laptop")), from: mia, "Which model is it?\n")
        #expect(plan.ticket.approval == nil && plan.ticket.events.isEmpty && plan.ticket.mail.isEmpty)
        #expect(plan.comment.visibility == .internal && plan.comment.authorAddress == mia)
    }

    @Test func aChainDecidesInOrder() throws {
        let box = mailbox([refunds])
        var found = stored(opened(box, subject: "Refund please"))
        #expect(found.approval?.current == [lead] && found.approval?.mode == .chain)
        // Finance cannot jump the queue.
        #expect(answer(box, on: found, from: finance, "#approve").ticket.approval == nil)
        let first = answer(box, on: found, from: lead, "#approve", at: now.addingTimeInterval(hour))
        let passed = try #require(first.ticket.approval)
        #expect(passed.step == 1 && passed.state == .pending && passed.current == [finance])
        #expect(passed.expiresAt == now.addingTimeInterval(73 * hour), "each step has the rule's time")
        #expect(first.ticket.ticket.status == .pendingApproval && recipients(first, .approvalRequested) == [finance])
        found.approval = passed
        let second = answer(box, on: found, from: finance, "#approve")
        #expect(second.ticket.ticket.status == .open && second.ticket.approval?.state == .approved)
    }

    @Test func anAgentsCancelEndsTheRequestAndNobodyPutsATicketBackToWait() throws {
        let box = mailbox([hardware])
        let found = stored(opened(box, subject: "New laptop"))
        let agent = TicketActor(address: ann.address, role: .agent)
        #expect(throws: ChangeRefused.self) { try ChangeRules.apply(TicketChange(status: .open), to: found, actor: agent, rules: box, at: now) }
        let cancelled = try ChangeRules.apply(TicketChange(status: .cancelled), to: found, actor: agent, rules: box, at: now)
        #expect(cancelled.ticket.status == .cancelled)
        #expect(cancelled.approval?.state == .withdrawn && cancelled.approval?.decidedBy == ann.address)
        var open = found
        open.ticket.status = .open
        open.approval = cancelled.approval
        let admin = TicketActor(address: "admin", role: .admin)
        #expect(throws: ChangeRefused.self) { try ChangeRules.apply(TicketChange(status: .pendingApproval), to: open, actor: admin, rules: box, at: now) }
    }

    @Test func anAgentsTagHoldsATicketThatNeverHadARequest() throws {
        let purchases = ApprovalRule(name: "purchases", match: .tags(["Purchase"]), approvers: .anyOf([lead]))
        let box = mailbox([hardware, purchases])
        var found = stored(opened(box, subject: "Printer paper"))
        #expect(found.ticket.status == .new && found.approval == nil, "no keyword: a new ticket as usual")
        found.requestText = "Two boxes of A4, please.\n"
        let agent = TicketActor(address: ann.address, role: .agent)
        let plan = try ChangeRules.apply(TicketChange(addTags: ["purchase"]), to: found, actor: agent, rules: box, at: now, organizations: organizations)
        #expect(plan.ticket.status == .pendingApproval)
        let approval = try #require(plan.approval)
        #expect(approval.approvers == [lead] && approval.ticketId == 7 && approval.request == "Two boxes of A4, please.\n")
        #expect(plan.events.contains { $0.kind == .status && $0.toValue == "pending_approval" })
        let mail = MailRules(rules: box) { "\($0)-m@test" }.approvalRequests(plan, before: found.approval)
        #expect(mail.map(\.intent) == [.approvalRequested(approver: Correspondent(address: lead), reminder: false, escalated: false)])
        #expect(mail.first?.facts.body == "Two boxes of A4, please.\n")
        // Another tag, or the same one again after the request was decided, holds nothing.
        #expect(try ChangeRules.apply(TicketChange(addTags: ["urgent"]), to: found, actor: agent, rules: box, at: now).approval == nil)
        var decided = found
        decided.approval = approval
        decided.approval?.state = .approved
        #expect(try ChangeRules.apply(TicketChange(addTags: ["purchase"]), to: decided, actor: agent, rules: box, at: now).approval == nil)
        // A tag rule never matches a new ticket's words.
        #expect(opened(box, subject: "purchase").ticket.approval == nil)
        // A status asked for with the tag cannot also be had.
        #expect(throws: ChangeRefused.self) {
            try ChangeRules.apply(TicketChange(status: .pending, addTags: ["purchase"]), to: found, actor: agent, rules: box, at: now)
        }
    }

    @Test func theRequestersForgedYesOnAWaitingTicketIsKeptQuietly() throws {
        let box = mailbox([hardware])
        let plan = answer(box, on: stored(opened(box, subject: "New laptop")), from: alice.address, "#approve")
        #expect(plan.comment.visibility == .internal && plan.ticket.mail.isEmpty, "the agents are not told before the yes")
    }

    @Test func theRequesterIsNeverTheirOwnApprover() {
        let box = mailbox([hardware])
        let plan = opened(box, subject: "laptop", from: Correspondent(address: mia))
        #expect(plan.ticket.approval?.approvers == [ann.address, bob.address])
    }
}

@Suite("approvals: reminders and expiry")
struct ApprovalTimerTests {
    private func waiting(_ rule: ApprovalRule) -> (Ticket, Approval) {
        let plan = opened(mailbox([rule]), subject: "laptop refund")
        var ticket = plan.ticket.ticket
        ticket.id = 7
        var approval = plan.ticket.approval!
        approval.ticketId = 7
        return (ticket, approval)
    }

    @Test func theReminderGoesOnceThenTheExpiryCancels() throws {
        let box = mailbox([hardware])
        let timers = ApprovalTimerRules(rules: box, newMessageID: { "\($0)-t@test" })
        let (ticket, approval) = waiting(hardware)
        #expect(timers.due(ticket: ticket, approval: approval, at: now.addingTimeInterval(23 * hour)) == nil)
        let reminder = try #require(timers.due(ticket: ticket, approval: approval, at: now.addingTimeInterval(25 * hour)))
        #expect(reminder.mail.map(\.intent) == [.approvalRequested(approver: Correspondent(address: mia), reminder: true, escalated: false)])
        let reminded = try #require(reminder.approval)
        #expect(reminded.remindAt == nil)
        #expect(timers.due(ticket: ticket, approval: reminded, at: now.addingTimeInterval(26 * hour)) == nil, "once")
        let expiry = try #require(timers.due(ticket: ticket, approval: reminded, at: now.addingTimeInterval(72 * hour)))
        #expect(expiry.ticket.status == .cancelled && expiry.approval?.state == .expired)
        #expect(Set(expiry.mail.flatMap { $0.intent.recipients.map(\.address) }) == [alice.address, mia])
        #expect(expiry.mail.allSatisfy { $0.event == .approvalExpired })
        var done = ticket
        done.status = .cancelled
        #expect(timers.due(ticket: done, approval: try #require(expiry.approval), at: now.addingTimeInterval(100 * hour)) == nil)
    }

    @Test func anEscalationHandsTheRequestToTheAgentsOnce() throws {
        let box = mailbox([refunds])
        let timers = ApprovalTimerRules(rules: box, newMessageID: { "\($0)-t@test" })
        var (ticket, approval) = waiting(refunds)
        approval.remindAt = nil
        let escalation = try #require(timers.due(ticket: ticket, approval: approval, at: now.addingTimeInterval(72 * hour)))
        let escalated = try #require(escalation.approval)
        #expect(escalated.escalated && escalated.mode == .any && escalated.approvers == [ann.address, bob.address])
        #expect(escalation.ticket.status == .pendingApproval)
        #expect(recipients(escalation.mail, .approvalRequested) == [ann.address, bob.address])
        #expect(recipients(escalation.mail, .approvalExpired) == [lead])
        // The escalated request expiring again cancels.
        ticket.status = .pendingApproval
        let final = try #require(timers.due(ticket: ticket, approval: escalated, at: now.addingTimeInterval(200 * hour)))
        #expect(final.ticket.status == .cancelled && final.approval?.state == .expired)
    }

    @Test func theManagerAnsweringAfterTheEscalationIsToldNoByHistoryNotANewTicket() throws {
        let box = mailbox([refunds])
        let timers = ApprovalTimerRules(rules: box, newMessageID: { "\($0)-t@test" })
        let (ticket, approval) = waiting(refunds)
        let escalated = try #require(timers.due(ticket: ticket, approval: approval, at: now.addingTimeInterval(72 * hour))?.approval)
        let found = TicketSnapshot(ticket: ticket, approval: escalated)
        let plan = answer(box, on: found, from: lead, "#approve", at: now.addingTimeInterval(73 * hour))
        #expect(plan.ticket.ticket.id == 7, "on the ticket, not a new one")
        #expect(plan.ticket.approval == nil && plan.ticket.ticket.status == .pendingApproval)
        #expect(plan.ticket.events.first?.toValue == "refused")
    }

    private func recipients(_ mail: [PlannedMail], _ event: MailEvent) -> [String] {
        mail.filter { $0.event == event }.flatMap { $0.intent.recipients.map(\.address) }
    }
}

@Suite("approvals: reading the answer")
struct ApprovalMessageTests {
    @Test("the first line decides", arguments: [
        ("#approve", ApprovalDecision.approve, ""),
        ("  #APPROVE  \n\nok then\n", .approve, "ok then\n"),
        ("\n#reject too expensive\nsee below", .reject(reason: "too expensive"), "see below"),
        ("#reject", .reject(reason: ""), ""),
    ] as [(String, ApprovalDecision, String)])
    func decisions(text: String, decision: ApprovalDecision, comment: String) {
        let parsed = ApprovalMessage.parse(text)
        #expect(parsed.decision == decision)
        #expect(parsed.comment == comment)
    }

    @Test("anything else decides nothing", arguments: ["#approve not yet", "I #approve", "#status open\n#approve", "approve", "", "#approver"])
    func noDecision(text: String) {
        let parsed = ApprovalMessage.parse(text)
        #expect(parsed.decision == nil)
        #expect(parsed.comment == text)
    }
}
