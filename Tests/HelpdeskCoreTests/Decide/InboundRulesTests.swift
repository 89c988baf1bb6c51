import Foundation
import HelpdeskCore
import Testing

// Who gets which mail when a message arrives: `InboundRules` alone, no store, no templates.

private let now = Date(timeIntervalSince1970: 1_800_000_000)
private let earlier = now.addingTimeInterval(-86_400)
private let ann = Correspondent(address: "ann@help.test", name: "Ann Agent")
private let bob = Correspondent(address: "bob@help.test", name: "Bob Agent")
private let dana = Correspondent(address: "dana@help.test", name: "Dana Agent")
private let alice = Correspondent(address: "alice@customer.test", name: "Alice")
private let carol = Correspondent(address: "carol@customer.test", name: "Carol")
private let erin = Correspondent(address: "erin@customer.test")
private let mallory = Correspondent(address: "mallory@evil.test", name: "Mallory")

private func mailbox(_ name: String = "support", prefix: String = "SUPP", strategy: AssignmentStrategy = .manual, strangers: StrangerPolicy = .newTicket) -> MailboxRules {
    let agents = [ann, bob, dana]
    return MailboxRules(
        name: name, keyPrefix: prefix, agents: agents,
        assignment: AssignmentPlan(strategy: strategy, agents: agents.map { AssignableAgent(address: $0.address) }, rules: []),
        strangers: strangers)
}

private func rules(_ receiving: MailboxRules = mailbox(), also others: [MailboxRules] = []) -> InboundRules {
    InboundRules(receiving: receiving, mailboxes: [receiving] + others, newMessageID: { "\($0)-x@test" })
}

private func ticket(status: TicketStatus, assignee: String? = nil, firstResponseAt: Date? = nil) -> Ticket {
    Ticket(id: 7, mailbox: "support", number: 7, key: "SUPP-7", subject: "Printer", requesterAddress: alice.address, requesterName: alice.name,
           status: status, priority: .normal, createdAt: earlier, updatedAt: earlier, assignee: assignee, firstResponseAt: firstResponseAt)
}

/// Ticket SUPP-7 with Alice (requester) and Carol (Cc) on it; new tickets get number 8.
private func snapshot(_ ticket: Ticket?, removed: Set<String> = [], thread: [String] = [], extra: [Correspondent] = []) -> InboundSnapshot {
    let people = [(alice, Participant.Role.requester), (carol, .cc)] + extra.map { ($0, .cc) }
    let found = ticket.map {
        TicketSnapshot(ticket: $0, participants: people.map { Participant(ticketId: 7, address: $0.0.address, name: $0.0.name, role: $0.1, addedAt: earlier) },
                       removedParticipants: removed.sorted().map { Participant(ticketId: 7, address: $0, name: nil, role: .cc, addedAt: earlier, removedAt: earlier) },
                       requesterThread: thread)
    }
    return InboundSnapshot(found: found, nextNumber: 8)
}

private func content(from sender: Correspondent?, subject: String = "Printer on fire", body: String = "It burns.", cc: [Correspondent] = [], robot: Bool = false) -> InboundContent {
    var content = InboundContent(
        requesterAddress: sender?.address ?? "", requesterName: sender?.name, subject: subject, body: body, reply: body, copied: cc,
        followUp: FollowUpCandidates(referencedMessageIDs: [], subjectKeys: SubjectToken.keys(in: subject, prefixes: ["SUPP"])),
        autoReplySuppression: robot ? "Auto-Submitted: auto-replied" : nil)
    content.thread = MailThread(parent: "<in@customer.test>")
    return content
}

/// Ann's mail: proved by a token for `token`'s tickets or by `auth`; `text` is her reply with its `#` lines.
private func agentMail(_ text: String, token: Set<Int64> = [7], auth: SenderAuthentication = .notVerified(reason: "dmarc=fail"), robot: Bool = false) -> InboundContent {
    var mail = content(from: Correspondent(address: ann.address, name: "annie from her phone"), body: text, robot: robot)
    mail.agentMessage = AgentMessage(tokenTicketIds: token, tokenProblem: token.isEmpty ? "the reply address expired" : nil, authentication: auth,
                                     commands: AgentCommands.parse(text, sender: ann.address))
    return mail
}

/// "event recipient,recipient" per mail (local parts), in order: the whole who-gets-what in one comparable value.
private func summary(_ plan: InboundPlan) -> [String] {
    plan.ticket.mail.map { "\($0.event.rawValue) \($0.intent.recipients.map { $0.address.prefix { $0 != "@" } }.joined(separator: ","))" }
}

@Suite("Inbound rules: new tickets")
struct InboundNewTicketTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var sender: Correspondent?
        var robot = false
        var strategy = AssignmentStrategy.manual
        var state = AssignmentState()
        var mail: [String]
    }

    static let rows: [Row] = [
        Row(testDescription: "manual", sender: alice, mail: ["ticket_created alice", "new_ticket ann", "new_ticket bob", "new_ticket dana"]),
        Row(testDescription: "a robot gets no acknowledgement", sender: alice, robot: true,
            mail: ["new_ticket ann", "new_ticket bob", "new_ticket dana"]),
        Row(testDescription: "no sender, nobody to acknowledge", sender: nil, mail: ["new_ticket ann", "new_ticket bob", "new_ticket dana"]),
        Row(testDescription: "an agent is not told of her own ticket", sender: ann,
            mail: ["ticket_created ann", "new_ticket bob", "new_ticket dana"]),
        Row(testDescription: "round robin after ann", sender: alice, strategy: .roundRobin, state: AssignmentState(lastAssignee: ann.address),
            mail: ["ticket_created alice", "ticket_assigned bob", "new_ticket ann", "new_ticket dana"]),
        Row(testDescription: "round robin wraps after dana", sender: alice, strategy: .roundRobin, state: AssignmentState(lastAssignee: dana.address),
            mail: ["ticket_created alice", "ticket_assigned ann", "new_ticket bob", "new_ticket dana"]),
        Row(testDescription: "least open", sender: alice, strategy: .leastOpen,
            state: AssignmentState(openCounts: [ann.address: 3, bob.address: 2, dana.address: 1]),
            mail: ["ticket_created alice", "ticket_assigned dana", "new_ticket ann", "new_ticket bob"]),
    ]

    @Test(arguments: rows)
    func whoIsTold(row: Row) {
        var message = content(from: row.sender, robot: row.robot)
        // The acknowledgement answers the From as written (here: another display name), not the stored requester.
        if let sender = row.sender { message.replyTo = Correspondent(address: sender.address, name: "As Written") }
        var inbound = snapshot(nil)
        inbound.assignment = row.state
        let plan = rules(mailbox(strategy: row.strategy)).decide(message, snapshot: inbound, at: now)

        #expect(plan.outcome == .ticketCreated)
        #expect(summary(plan) == row.mail)
        #expect(plan.ticket.mail.allSatisfy { $0.mailbox == "support" && $0.messageID == "support-x@test" && $0.answering == message.thread })
        for mail in plan.ticket.mail {
            switch mail.intent {
            case .acknowledgement(let to): #expect(to == message.replyTo)
            case .assigned(let agent, let by):
                #expect(by == "automatic assignment (\(row.strategy.rawValue))")
                #expect(plan.ticket.ticket.assignee == agent.address)
                #expect(agent.name != nil, "named as configured")
            case .newTicket(let agent): #expect(agent.address != plan.ticket.ticket.assignee)
            default: Issue.record("unexpected \(mail.intent)")
            }
        }
        let assignee = plan.ticket.ticket.assignee
        #expect((assignee == nil) == (row.strategy == .manual))
        // Only round robin moves the stored pointer.
        #expect(plan.ticket.roundRobin == (row.strategy == .roundRobin ? assignee : nil))
    }

    static let linked: [(status: TicketStatus, sender: Correspondent, reason: LinkReason)] = [
        (.closed, alice, .ticketClosed), (.cancelled, carol, .ticketClosed), (.open, mallory, .unknownSender), (.closed, mallory, .unknownSender),
    ]

    @Test("a follow-up that cannot land on the old ticket starts a linked one", arguments: linked)
    func linkedTicket(status: TicketStatus, sender: Correspondent, reason: LinkReason) throws {
        let plan = rules().decide(content(from: sender, subject: "Re: [SUPP-7] Printer"), snapshot: snapshot(ticket(status: status)), at: now)
        let opened = plan.ticket.ticket
        #expect(plan.outcome == .ticketCreated)
        #expect(opened.key == "SUPP-8" && opened.id == nil && opened.status == .new)
        #expect(opened.linkedTicketId == 7 && opened.linkReason == reason)
        #expect(opened.subject == "Printer", "the old key and the Re: chain are dropped")
        #expect(summary(plan) == ["ticket_created \(sender.address.prefix { $0 != "@" })", "new_ticket ann", "new_ticket bob", "new_ticket dana"])
        // Everything sent is about the new ticket: nothing of SUPP-7 reaches the sender or its agents.
        #expect(plan.ticket.mail.allSatisfy { $0.facts.linkedKey == "SUPP-7" && $0.facts.ticket?.key == "SUPP-8" })
        let created = try #require(plan.ticket.events.first)
        #expect(created.kind == .created && created.fromValue == "SUPP-7" && created.note == "linked: \(reason.rawValue)")
    }

    @Test("requester and Cc become participants, each once, at most the limit")
    func participants() {
        let crowd = (1...60).map { Correspondent(address: "p\($0)@customer.test") }
        let cc = [alice, carol, Correspondent(address: ""), carol] + crowd
        let plan = rules().decide(content(from: alice, cc: cc), snapshot: snapshot(nil), at: now)
        let people = plan.ticket.participants
        #expect(people.count == ChangeRules.participantLimit)
        #expect(people.first == .add(alice, role: .requester))
        #expect(people.dropFirst().first == .add(carol, role: .cc))
        let addresses = people.compactMap { if case .add(let person, _) = $0 { person.address } else { nil } }
        #expect(Set(addresses).count == addresses.count && !addresses.contains(""))
    }
}

@Suite("Inbound rules: follow-ups")
struct InboundFollowUpTests {
    /// README "what a found ticket does": the status a participant's reply moves to, and whether it reopens.
    static let replies: [(status: TicketStatus, movesTo: TicketStatus?, reopened: Bool)] = [
        (.new, nil, false), (.open, nil, false), (.pending, .open, false), (.onHold, nil, false), (.resolved, .open, true),
    ]
    static let assignees: [String?] = [nil, bob.address]

    @Test(arguments: replies, assignees)
    func participantReply(row: (status: TicketStatus, movesTo: TicketStatus?, reopened: Bool), assignee: String?) {
        let plan = rules().decide(content(from: carol), snapshot: snapshot(ticket(status: row.status, assignee: assignee)), at: now)
        #expect(plan.outcome == .commentAdded)
        #expect(plan.comment.visibility == .public && plan.comment.authorRole == .participant)
        #expect(plan.ticket.ticket.status == row.movesTo ?? row.status)
        let moves = plan.ticket.events.filter { $0.kind == .status }.map { "\($0.fromValue ?? "") \($0.toValue ?? "") \($0.actorRole)" }
        #expect(moves == (row.movesTo.map { ["\(row.status.rawValue) \($0.rawValue) requester"] } ?? []))
        let told = assignee == nil ? [ann, bob, dana] : [bob]
        #expect(plan.ticket.mail.map(\.intent) == told.map { MailIntent.requesterReply(agent: $0) })
        #expect(plan.ticket.mail.allSatisfy { $0.facts.reopened == row.reopened && $0.facts.author == carol })
    }

    @Test("a participant's Cc adds people, but not ones an agent removed")
    func ccOnReply() {
        let frank = Correspondent(address: "frank@customer.test")
        let message = content(from: alice, cc: [erin, frank, carol, Correspondent(address: "")])
        let plan = rules().decide(message, snapshot: snapshot(ticket(status: .open), removed: [frank.address]), at: now)
        #expect(plan.ticket.participants == [.add(erin, role: .cc)])
        #expect(plan.ticket.events.map { "\($0.kind.rawValue) \($0.toValue ?? "-")" } == ["participant \(erin.address)"])
    }

    @Test("a participant's Cc stops at the participant limit")
    func ccAtLimit() {
        let crowd = (3...ChangeRules.participantLimit).map { Correspondent(address: "p\($0)@customer.test") }
        let plan = rules().decide(content(from: alice, cc: [erin]), snapshot: snapshot(ticket(status: .open), extra: crowd), at: now)
        #expect(plan.ticket.participants.isEmpty && plan.ticket.events.isEmpty)
    }

    static let silent: [(status: TicketStatus, sender: Correspondent, robot: Bool, role: SenderRole)] =
        TicketStatus.allCases.map { ($0, alice, true, .participant) } + [(.open, mallory, false, .stranger), (.closed, mallory, false, .stranger)]

    @Test("robots and (under internal_note) strangers leave a silent internal note", arguments: silent)
    func silentNote(status: TicketStatus, sender: Correspondent, robot: Bool, role: SenderRole) {
        let plan = rules(mailbox(strangers: .internalNote))
            .decide(content(from: sender, cc: robot ? [] : [erin], robot: robot), snapshot: snapshot(ticket(status: status)), at: now)
        #expect(plan.outcome == .commentAdded)
        #expect(plan.comment.visibility == .internal && plan.comment.authorRole == role)
        #expect(plan.ticket.ticket.status == status)
        #expect(plan.ticket.events.isEmpty && plan.ticket.participants.isEmpty && plan.ticket.mail.isEmpty)
    }

    /// FollowUpRule: automatic mail "is kept as an internal note and changes nothing"; that includes who is on the ticket.
    @Test("a robot's Cc adds nobody to the ticket")
    func robotCc() {
        let plan = rules().decide(content(from: alice, cc: [erin], robot: true), snapshot: snapshot(ticket(status: .open)), at: now)
        #expect(plan.ticket.participants.isEmpty)
        #expect(plan.ticket.events.isEmpty)
    }

    @Test("mail about a ticket leaves through the ticket's own mailbox")
    func ticketsOwnMailbox() {
        let sales = mailbox("sales", prefix: "SALE")
        let plan = rules(sales, also: [mailbox()]).decide(content(from: alice), snapshot: snapshot(ticket(status: .open)), at: now)
        #expect(plan.ticket.mail.count == 3)
        #expect(plan.ticket.mail.allSatisfy { $0.mailbox == "support" && $0.messageID == "support-x@test" })
    }
}

@Suite("Inbound rules: agent mail")
struct InboundAgentMailTests {
    struct Rejection: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var status: TicketStatus = .open
        var text: String
        var token: Set<Int64> = [7]
        var auth = SenderAuthentication.notVerified(reason: "dmarc=fail")
        var line: String
        var unverified = false
    }

    static let rejections: [Rejection] = [
        Rejection(testDescription: "no token, no DMARC", text: "#resolve\n\nDone.", token: [], line: "", unverified: true),
        Rejection(testDescription: "another ticket's token", text: "#resolve\n\nDone.", token: [8], line: "", unverified: true),
        Rejection(testDescription: "typo in a status", text: "#status pendng\n\nHi", line: "#status pendng"),
        Rejection(testDescription: "unknown agent after a valid status", text: "#status pending\n#assign zed\n\nHi", line: "#assign zed"),
        Rejection(testDescription: "forbidden status after a valid assign", status: .resolved, text: "#assign dana\n#status pending\n\nHi",
                  line: "#status pending"),
        Rejection(testDescription: "closed is final", status: .closed, text: "#tag +x\n#reopen\n\nBack", line: "#reopen"),
        Rejection(testDescription: "DMARC-verified, unknown agent", text: "#assign zed@help.test", token: [],
                  auth: .verified(method: "dmarc"), line: "#assign zed@help.test"),
    ]

    @Test("nothing runs; the agent is told which line and why", arguments: rejections)
    func rejected(row: Rejection) throws {
        let plan = rules().decide(agentMail(row.text, token: row.token, auth: row.auth), snapshot: snapshot(ticket(status: row.status)), at: now)
        #expect(plan.ticket.ticket.status == row.status && plan.ticket.events.isEmpty && plan.ticket.participants.isEmpty)
        #expect(plan.comment.visibility == .internal && plan.comment.unverified == row.unverified)
        let mail = try #require(plan.ticket.mail.only)
        guard case .commandRejected(let agent, let line, let reason, let unverified) = mail.intent else {
            Issue.record("expected command_rejected, got \(mail.intent)")
            return
        }
        #expect(agent == ann, "told at the configured address, by the configured name")
        #expect(line == row.line && unverified == row.unverified && !reason.isEmpty)
        if row.unverified {
            // Both reasons: the token's (or its absence) and what the Authentication-Results said.
            #expect(plan.agentOutcome == .unverified(reason: reason) && reason.contains("dmarc=fail"))
            #expect(reason.contains("expired") == row.token.isEmpty)
        } else {
            #expect(plan.agentOutcome == .rejected(AgentCommandProblem(line: row.line.isEmpty ? nil : row.line, reason: reason)))
        }
    }

    static let proofs: [(token: Set<Int64>, auth: SenderAuthentication)] = [([7], .notVerified(reason: "none")), ([], .verified(method: "dmarc"))]

    @Test("a proved public answer goes to the participants, in the agent's name, under the requester's thread", arguments: proofs)
    func publicAnswer(token: Set<Int64>, auth: SenderAuthentication) throws {
        let text = "#cc +erin@customer.test -carol@customer.test\n\nWe are on it."
        let found = snapshot(ticket(status: .new), thread: ["<1@customer.test>", "<2@help.test>", "<3@customer.test>"])
        let plan = rules().decide(agentMail(text, token: token, auth: auth), snapshot: found, at: now)
        #expect(plan.agentOutcome == .applied)
        let mail = try #require(plan.ticket.mail.only)
        #expect(mail.intent == .agentReply(to: [alice, erin], author: ann))
        #expect(mail.facts.author == ann && mail.facts.reply == "We are on it.")
        #expect(mail.answering == MailThread(parent: "<3@customer.test>", ancestors: ["<1@customer.test>", "<2@help.test>"]))
        #expect(plan.comment.visibility == .public && plan.comment.body == "We are on it.")
        #expect(plan.ticket.ticket.status == .open && plan.ticket.ticket.firstResponseAt == now)
    }

    struct Applied: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var status: TicketStatus = .new
        var answered: Date?
        var text: String
        var mail: [String]
        var after: TicketStatus
        var firstResponse: Date?
        var visibility = CommentVisibility.public
    }

    static let participants = "alice,carol"
    static let applied: [Applied] = [
        Applied(testDescription: "first answer opens a new ticket", text: "Hello", mail: ["agent_reply \(participants)"], after: .open, firstResponse: now),
        Applied(testDescription: "the agent's status wins", text: "#status pending\n\nModel?", mail: ["agent_reply \(participants)"], after: .pending, firstResponse: now),
        Applied(testDescription: "a later answer keeps the first", status: .open, answered: earlier, text: "More", mail: ["agent_reply \(participants)"],
                after: .open, firstResponse: earlier),
        Applied(testDescription: "#internal tells nobody", text: "#internal\n\nCheck logs", mail: [], after: .new, visibility: .internal),
        Applied(testDescription: "commands without a comment", text: "#priority high", mail: [], after: .new, visibility: .internal),
        Applied(testDescription: "#assign dana", status: .open, text: "#assign dana\n\nDana takes it", mail: ["agent_reply \(participants)", "ticket_assigned dana"],
                after: .open, firstResponse: now),
        Applied(testDescription: "#take: not told of her own doing", status: .open, text: "#take", mail: [], after: .open, visibility: .internal),
        Applied(testDescription: "#assign me", status: .open, text: "#assign me\n\nMine", mail: ["agent_reply \(participants)"], after: .open, firstResponse: now),
    ]

    @Test(arguments: applied)
    func appliedMail(row: Applied) {
        let plan = rules().decide(agentMail(row.text), snapshot: snapshot(ticket(status: row.status, firstResponseAt: row.answered)), at: now)
        #expect(plan.agentOutcome == .applied)
        #expect(summary(plan) == row.mail)
        #expect(plan.ticket.ticket.status == row.after && plan.ticket.ticket.firstResponseAt == row.firstResponse)
        #expect(plan.comment.visibility == row.visibility && !plan.comment.unverified)
        #expect(plan.ticket.events.contains { $0.kind == .visibility && $0.toValue == "internal" } == row.text.hasPrefix("#internal"))
        for mail in plan.ticket.mail {
            if case .assigned(let agent, let by) = mail.intent { #expect(agent == dana && by == ann.address) }
        }
    }

    @Test func reopeningWithACommandSaysSoInEveryMail() throws {
        let plan = rules().decide(agentMail("#reopen\n#assign dana\n\nLooking again."), snapshot: snapshot(ticket(status: .resolved)), at: now)
        #expect(summary(plan) == ["agent_reply \(Self.participants)", "ticket_assigned dana"])
        #expect(plan.ticket.mail.allSatisfy { $0.facts.reopened })
    }

    @Test func someoneBroughtBackKeepsTheirNameAndPlace() throws {
        // Bob (removed) joined before Carol; brought back, he is second again, by his stored name.
        var found = try #require(snapshot(ticket(status: .open)).found)
        found.removedParticipants = [Participant(ticketId: 7, address: "bob@customer.test", name: "Bob Customer", role: .cc,
                                                 addedAt: earlier.addingTimeInterval(-1), removedAt: earlier)]
        found.participants[0].addedAt = earlier.addingTimeInterval(-2)
        let plan = rules().decide(agentMail("#cc +bob@customer.test\n\nBob is back."), snapshot: InboundSnapshot(found: found, nextNumber: 8), at: now)
        let mail = try #require(plan.ticket.mail.only)
        #expect(mail.intent == .agentReply(to: [alice, Correspondent(address: "bob@customer.test", name: "Bob Customer"), carol], author: ann))
    }

    @Test("an agent's out-of-office runs nothing and tells nobody", arguments: [Set<Int64>([7]), []])
    func automatic(token: Set<Int64>) {
        let plan = rules().decide(agentMail("#resolve\n\nI am away.", token: token, robot: true), snapshot: snapshot(ticket(status: .open)), at: now)
        #expect(plan.ticket.ticket.status == .open && plan.ticket.events.isEmpty && plan.ticket.mail.isEmpty)
        #expect(plan.comment.visibility == .internal && plan.comment.unverified == token.isEmpty)
        #expect(plan.agentOutcome == nil)
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    fileprivate var only: Element? { count == 1 ? first : nil }
}
