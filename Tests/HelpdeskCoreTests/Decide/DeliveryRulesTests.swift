import Foundation
import HelpdeskCore
import Testing

// What a bounce does, and whether a claimed mail may go out: `DeliveryRules` alone, no store.

private let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
private let day: TimeInterval = 86_400
private let ann = Correspondent(address: "ann@help.test", name: "Ann Agent")
private let bob = Correspondent(address: "bob@help.test", name: "Bob Agent")
private let alice = "alice@customer.test"
private let carol = "carol@customer.test"

private func mailbox(pause: TimeInterval = MailboxRules.defaultHardBouncePause) -> MailboxRules {
    var rules = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [ann, bob])
    rules.hardBouncePause = pause
    return rules
}

private func rules(pause: TimeInterval = MailboxRules.defaultHardBouncePause) -> DeliveryRules {
    DeliveryRules(mailboxes: ["support": mailbox(pause: pause)], newMessageID: { "\($0)-n@test" })
}

private func ticket(assignee: String? = nil) -> Ticket {
    Ticket(id: 7, mailbox: "support", number: 7, key: "SUPP-7", subject: "Printer", requesterAddress: alice, requesterName: "Alice",
           status: .open, priority: .normal, createdAt: now.addingTimeInterval(-3_600), updatedAt: now.addingTimeInterval(-600), assignee: assignee)
}

private func mail(
    _ event: MailEvent?, to recipients: [String] = [alice], ticket: Ticket? = ticket(), alreadyBounced: Bool = false, signed: Bool = true
) -> BouncedMail {
    var mail = BouncedMail(outboxId: 11, mailbox: "support", event: event, recipients: recipients, ticket: ticket, alreadyBounced: alreadyBounced)
    mail.signed = signed
    return mail
}

private func hard(_ address: String = alice, original: String? = nil) -> BouncedRecipient {
    BouncedRecipient(address: address, originalAddress: original, status: "5.1.1", diagnostic: "550 5.1.1 no such user", permanent: true)
}

private let delayed = BouncedRecipient(address: alice, status: "4.4.7", diagnostic: "message delayed for 4 hours", permanent: false)

/// "address outcome" per event, in order.
private func outcomes(_ plan: BouncePlan) -> [String] {
    plan.events.map { "\($0.fromValue ?? "-") \($0.toValue ?? "-")" }
}

/// The agents told, in order.
private func told(_ plan: BouncePlan) -> [String] {
    plan.mail.map { mail in
        guard case .deliveryFailed(let agent) = mail.intent else { return "unexpected \(mail.intent)" }
        return agent.address
    }
}

@Suite("Delivery rules: bounces")
struct BounceRulesTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var mail: BouncedMail
        var reported: [BouncedRecipient]
        var pause: TimeInterval = MailboxRules.defaultHardBouncePause
        /// The address the row is marked bounced for, nil when it is not.
        var bounced: String?
        var suppressed: [String]
        var events: [String]
        var told: [String]
    }

    static let rows: [Row] = [
        Row(testDescription: "hard bounce of an acknowledgement on an assigned ticket", mail: mail(.ticketCreated, ticket: ticket(assignee: bob.address)),
            reported: [hard()], bounced: alice, suppressed: [alice], events: ["\(alice) bounced"], told: [bob.address]),
        Row(testDescription: "unassigned: every agent of the mailbox is told", mail: mail(.ticketCreated),
            reported: [hard()], bounced: alice, suppressed: [alice], events: ["\(alice) bounced"], told: [ann.address, bob.address]),
        Row(testDescription: "an agent's notice bounced: the others are told, never the bounced address", mail: mail(.newTicket, to: [ann.address]),
            reported: [hard(ann.address)], bounced: ann.address, suppressed: [ann.address], events: ["\(ann.address) bounced"], told: [bob.address]),
        Row(testDescription: "the assignee's own notice bounced: nobody is left to tell",
            mail: mail(.requesterReply, to: [ann.address], ticket: ticket(assignee: ann.address)),
            reported: [hard(ann.address)], bounced: ann.address, suppressed: [ann.address], events: ["\(ann.address) bounced"], told: []),
        Row(testDescription: "a delivery_failed mail bounced: noted, nobody told", mail: mail(.deliveryFailed, to: [bob.address], ticket: ticket(assignee: bob.address)),
            reported: [hard(bob.address)], bounced: bob.address, suppressed: [bob.address], events: ["\(bob.address) bounced"], told: []),
        Row(testDescription: "a delay is a note only", mail: mail(.ticketCreated),
            reported: [delayed], bounced: nil, suppressed: [], events: ["\(alice) delayed"], told: []),
        Row(testDescription: "a delay and a hard bounce of one reply", mail: mail(.agentReply, to: [alice, carol], ticket: ticket(assignee: bob.address)),
            reported: [BouncedRecipient(address: carol, status: "4.2.2", diagnostic: "mailbox full", permanent: false), hard()],
            bounced: alice, suppressed: [alice], events: ["\(carol) delayed", "\(alice) bounced"], told: [bob.address]),
        Row(testDescription: "an address the mail was not sent to is ignored", mail: mail(.agentReply, to: [alice, carol]),
            reported: [hard("dave@customer.test")], bounced: nil, suppressed: [], events: [], told: []),
        Row(testDescription: "a mail to one address takes any report (an alias)", mail: mail(.ticketCreated),
            reported: [hard("a.smith@mail.customer.test")], bounced: alice, suppressed: [alice], events: ["\(alice) bounced"], told: [ann.address, bob.address]),
        Row(testDescription: "matched by Message-ID only, another address is ignored (anyone who saw it could forge one)",
            mail: mail(.ticketCreated, signed: false), reported: [hard("a.smith@mail.customer.test")], bounced: nil, suppressed: [], events: [], told: []),
        Row(testDescription: "the original address names the recipient", mail: mail(.agentReply, to: [alice, carol], ticket: ticket(assignee: bob.address)),
            reported: [hard("c.smith@forward.test", original: "Carol@Customer.test")], bounced: carol, suppressed: [carol],
            events: ["\(carol) bounced"], told: [bob.address]),
        Row(testDescription: "a report recorded before does nothing", mail: mail(.ticketCreated, alreadyBounced: true),
            reported: [hard()], bounced: nil, suppressed: [], events: [], told: []),
        Row(testDescription: "a mail without ticket: the pause only", mail: mail(.messageTooLarge, ticket: nil),
            reported: [hard()], bounced: alice, suppressed: [alice], events: [], told: []),
        Row(testDescription: "bounce_pause 0: nothing is paused", mail: mail(.ticketCreated), reported: [hard()], pause: 0,
            bounced: alice, suppressed: [], events: ["\(alice) bounced"], told: [ann.address, bob.address]),
    ]

    @Test(arguments: rows)
    func whatABounceDoes(row: Row) {
        let plan = rules(pause: row.pause).bounce(row.reported, mail: row.mail, at: now)
        #expect(plan.bounced?.address == row.bounced)
        #expect(plan.suppressions.map(\.address) == row.suppressed)
        #expect(outcomes(plan) == row.events)
        #expect(told(plan) == row.told)
        if row.bounced == nil && row.events.isEmpty { #expect(plan == .none) }
        for suppression in plan.suppressions {
            #expect(suppression.since == now && suppression.until == now.addingTimeInterval(row.pause))
            #expect(suppression.outboxId == 11 && suppression.ticketId == row.mail.ticket?.id)
        }
        for event in plan.events {
            #expect(event.kind == .delivery && event.ticketId == 7 && event.at == now)
            #expect(event.actor == "gateway" && event.actorRole == .system)
        }
        for mail in plan.mail {
            #expect(mail.mailbox == "support" && mail.messageID == "support-n@test" && mail.answering == nil)
            #expect(mail.facts.ticket == row.mail.ticket && mail.facts.subject == "Printer")
            #expect(mail.facts.delivery?.address == row.bounced && mail.facts.delivery?.sentAnyway == false)
        }
    }

    @Test func aHardBounceIsRecordedWithEverythingTheAgentNeeds() throws {
        let plan = rules().bounce([hard()], mail: mail(.ticketCreated, ticket: ticket(assignee: bob.address)), at: now)
        let until = now.addingTimeInterval(60 * day)
        #expect(plan.bounced == hard())
        #expect(plan.suppressions == [Suppression(
            address: alice, since: now, until: until, status: "5.1.1", diagnostic: "550 5.1.1 no such user", outboxId: 11, ticketId: 7)])
        let event = try #require(plan.events.first)
        #expect(plan.events.count == 1)
        #expect(event == TicketEvent(
            ticketId: 7, at: now, actor: "gateway", actorRole: .system, kind: .delivery, from: alice, to: "bounced",
            note: "ticket_created mail to \(alice) bounced: 5.1.1 550 5.1.1 no such user; automatic mail to it is paused until 2027-03-16"))
        let notice = try #require(plan.mail.first)
        #expect(plan.mail.count == 1)
        #expect(notice.intent == .deliveryFailed(agent: bob), "the assignee by their configured name")
        #expect(notice.facts.delivery == DeliveryFacts(
            address: alice, event: .ticketCreated, status: "5.1.1", diagnostic: "550 5.1.1 no such user", pausedUntil: until, bouncedAt: now))
    }

    @Test func notesSayWhatWasReportedOrThatNothingWas() throws {
        let delay = rules().bounce([delayed], mail: mail(.ticketCreated), at: now)
        #expect(delay.events.first?.note == "ticket_created mail to \(alice) is delayed: 4.4.7 message delayed for 4 hours; the receiving side keeps trying")
        #expect(delay.mail.isEmpty && delay.suppressions.isEmpty && delay.bounced == nil)

        let bare = BouncedRecipient(address: alice, status: nil, diagnostic: nil, permanent: true)
        let unexplained = rules(pause: 0).bounce([bare], mail: mail(.ticketCreated), at: now)
        #expect(unexplained.events.first?.note == "ticket_created mail to \(alice) bounced: no reason given")
        #expect(unexplained.mail.allSatisfy { $0.facts.delivery?.pausedUntil == nil && $0.facts.delivery?.status == nil })
        #expect(unexplained.mail.count == 2)

        // A row whose event this version does not know is still "mail".
        let unknown = rules().bounce([hard()], mail: mail(nil, ticket: ticket(assignee: bob.address)), at: now)
        #expect(unknown.events.first?.note?.hasPrefix("mail mail to \(alice) bounced") == true, "\(unknown.events)")
    }

    @Test func theMailboxPauseIsUsedAndAnUnknownMailboxGetsTheDefault() {
        let week = rules(pause: 7 * day).bounce([hard()], mail: mail(.ticketCreated), at: now)
        #expect(week.suppressions.map(\.until) == [now.addingTimeInterval(7 * day)])
        #expect(week.mail.map { $0.facts.delivery?.pausedUntil } == [now.addingTimeInterval(7 * day), now.addingTimeInterval(7 * day)])

        let unknown = DeliveryRules(mailboxes: [:], newMessageID: { "\($0)-n@test" })
        let plan = unknown.bounce([hard()], mail: mail(.ticketCreated, ticket: ticket(assignee: bob.address)), at: now)
        #expect(plan.suppressions.map(\.until) == [now.addingTimeInterval(MailboxRules.defaultHardBouncePause)])
        #expect(told(plan) == [bob.address], "the assignee, even without mailbox config")
        #expect(unknown.bounce([hard()], mail: mail(.ticketCreated), at: now).mail.isEmpty, "no agents known: nobody to tell")
    }

    @Test func reportedAddressesAreComparedWithoutCase() {
        let plan = rules().bounce([hard("ALICE@Customer.TEST")], mail: mail(.agentReply, to: ["Alice@customer.test", carol]), at: now)
        #expect(plan.bounced?.address == alice)
        #expect(plan.suppressions.map(\.address) == [alice])
    }
}

@Suite("Delivery rules: before sending")
struct DeliveryGateTests {
    static let tenMinutes = CapWindow(count: 10, seconds: 600)
    static let perDay = CapWindow(count: 30, seconds: day)
    static let ticketHour = CapWindow(count: 5, seconds: 3_600)
    static let ticketDay = CapWindow(count: 20, seconds: day)

    static func paused(_ address: String = alice) -> Suppression {
        Suppression(address: address, since: now.addingTimeInterval(-day), until: now.addingTimeInterval(59 * day), status: "5.1.1",
                    diagnostic: "no such user", outboxId: 3, ticketId: 7)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var event: MailEvent
        var recipients: [String] = [alice]
        var suppressions: [Suppression] = []
        var counts = AutomaticMailCounts()
        var gate: DeliveryGate
    }

    static let rows: [Row] = [
        Row(testDescription: "an agent's reply", event: .agentReply, gate: .send),
        Row(testDescription: "an agent's reply to a paused address goes anyway", event: .agentReply, recipients: [alice, carol],
            suppressions: [paused()], gate: .sendAnyway([paused()])),
        Row(testDescription: "an acknowledgement to a paused address", event: .ticketCreated, suppressions: [paused()], gate: .withhold(.suppressed(paused()))),
        Row(testDescription: "a paused address written in capitals", event: .ticketCreated, recipients: ["Alice@Customer.TEST"],
            suppressions: [paused()], gate: .withhold(.suppressed(paused()))),
        Row(testDescription: "a notice to a paused agent still goes: a full mailbox must not silence an agent",
            event: .newTicket, recipients: [ann.address], suppressions: [paused(ann.address)], gate: .send),
        Row(testDescription: "9 of 10 in ten minutes", event: .ticketCreated, counts: AutomaticMailCounts(recipient: [tenMinutes: 9, perDay: 9]), gate: .send),
        Row(testDescription: "10 of 10 in ten minutes", event: .ticketCreated, counts: AutomaticMailCounts(recipient: [tenMinutes: 10, perDay: 10]),
            gate: .withhold(.recipientCap(address: alice, window: tenMinutes))),
        Row(testDescription: "the day's 30", event: .ticketCreated, counts: AutomaticMailCounts(recipient: [tenMinutes: 2, perDay: 30]),
            gate: .withhold(.recipientCap(address: alice, window: perDay))),
        Row(testDescription: "a size notice counts as well", event: .messageTooLarge, recipients: ["Alice@Customer.test"],
            counts: AutomaticMailCounts(recipient: [tenMinutes: 12]), gate: .withhold(.recipientCap(address: alice, window: tenMinutes))),
        Row(testDescription: "the ticket's 5 in an hour", event: .ticketCreated,
            counts: AutomaticMailCounts(recipient: [tenMinutes: 1, perDay: 1], ticket: [ticketHour: 5, ticketDay: 5]), gate: .withhold(.ticketCap(window: ticketHour))),
        Row(testDescription: "the ticket's 20 in a day", event: .ticketCreated,
            counts: AutomaticMailCounts(recipient: [tenMinutes: 1, perDay: 1], ticket: [ticketHour: 4, ticketDay: 20]), gate: .withhold(.ticketCap(window: ticketDay))),
        Row(testDescription: "4 of 5 on the ticket", event: .ticketCreated, counts: AutomaticMailCounts(ticket: [ticketHour: 4, ticketDay: 19]), gate: .send),
        Row(testDescription: "a notice to an agent is not capped", event: .newTicket, recipients: [ann.address],
            counts: AutomaticMailCounts(recipient: [tenMinutes: 500, perDay: 500], ticket: [ticketHour: 500, ticketDay: 500]), gate: .send),
        Row(testDescription: "an agent's reply is not capped", event: .agentReply,
            counts: AutomaticMailCounts(recipient: [tenMinutes: 500, perDay: 500], ticket: [ticketHour: 500]), gate: .send),
        Row(testDescription: "another address is paused", event: .ticketCreated, suppressions: [paused(carol)], gate: .send),
        Row(testDescription: "nothing counted yet", event: .ticketCreated, gate: .send),
    ]

    @Test(arguments: rows)
    func whetherAMailGoes(row: Row) {
        let gate = DeliveryRules.gate(event: row.event, recipients: row.recipients, suppressions: row.suppressions, counts: row.counts, caps: .standard)
        #expect(gate == row.gate)
    }

    @Test func capsComeFromTheMailbox() {
        let tight = LoopCaps(perRecipient: [CapWindow(count: 1, seconds: 60)], perTicket: [])
        let counts = AutomaticMailCounts(recipient: [CapWindow(count: 1, seconds: 60): 1], ticket: [Self.ticketHour: 99])
        #expect(DeliveryRules.gate(event: .ticketCreated, recipients: [alice], suppressions: [], counts: counts, caps: tight)
            == .withhold(.recipientCap(address: alice, window: CapWindow(count: 1, seconds: 60))))
        let none = LoopCaps(perRecipient: [], perTicket: [])
        #expect(DeliveryRules.gate(event: .ticketCreated, recipients: [alice], suppressions: [], counts: counts, caps: none) == .send)
    }

    @Test func reasonsReadAsSentences() {
        #expect(WithholdReason.suppressed(Self.paused()).description
            == "alice@customer.test bounced (5.1.1); automatic mail to it is paused until 2027-03-15")
        var bare = Self.paused()
        bare.status = nil
        #expect(WithholdReason.suppressed(bare).description.hasPrefix("alice@customer.test bounced (no status);"))
        #expect(WithholdReason.recipientCap(address: alice, window: Self.tenMinutes).description
            == "loop cap: alice@customer.test had 10 per 10 minutes automatic mails")
        #expect(WithholdReason.ticketCap(window: Self.ticketHour).description == "loop cap: the ticket had 5 per hour automatic mails")
        #expect(WithholdReason.suppressed(Self.paused()).window == nil)
        #expect(WithholdReason.recipientCap(address: alice, window: Self.perDay).window == Self.perDay)
        #expect(WithholdReason.ticketCap(window: Self.ticketDay).window == Self.ticketDay)
    }

    static let windows: [(CapWindow, String)] = [
        (CapWindow(count: 10, seconds: 600), "10 per 10 minutes"),
        (CapWindow(count: 30, seconds: 86_400), "30 per day"),
        (CapWindow(count: 5, seconds: 3_600), "5 per hour"),
        (CapWindow(count: 1, seconds: 60), "1 per minute"),
        (CapWindow(count: 3, seconds: 2 * 86_400), "3 per 2 days"),
        (CapWindow(count: 2, seconds: 7_200), "2 per 2 hours"),
        (CapWindow(count: 4, seconds: 90), "4 per 90 seconds"),
    ]

    @Test(arguments: windows)
    func windowsReadAsText(window: CapWindow, text: String) {
        #expect(window.description == text)
    }

    @Test func withheldMailLeavesANote() {
        let note = DeliveryRules.withheld(.recipientCap(address: alice, window: Self.tenMinutes), event: .ticketCreated, recipients: [alice], ticketId: 7, at: now)
        #expect(note == TicketEvent(
            ticketId: 7, at: now, actor: "gateway", actorRole: .system, kind: .delivery, from: alice, to: "withheld",
            note: "ticket_created mail not sent: loop cap: alice@customer.test had 10 per 10 minutes automatic mails"))
    }

    @Test func aReplySentAnywayIsNotedAndItsAuthorTold() throws {
        let reply = PlannedMail(
            intent: .agentReply(to: [Correspondent(address: alice), Correspondent(address: carol)], author: ann), messageID: "r@test", mailbox: "support",
            answering: nil, facts: MailFacts(ticket: ticket(assignee: bob.address), subject: "Printer"))
        let plan = rules().sentAnyway([Self.paused()], reply: reply, ticketId: 7, at: now)
        #expect(plan.bounced == nil && plan.suppressions.isEmpty)
        #expect(outcomes(plan) == ["\(alice) sent_anyway"])
        #expect(plan.events.first?.note == "agent_reply mail sent to \(alice), which bounced on 2027-01-14 (5.1.1); it may not arrive")
        let notice = try #require(plan.mail.first)
        #expect(plan.mail.count == 1)
        #expect(notice.intent == .deliveryFailed(agent: ann), "the reply's author, not the assignee")
        #expect(notice.facts.delivery == DeliveryFacts(
            address: alice, event: .agentReply, status: "5.1.1", diagnostic: "no such user", pausedUntil: Self.paused().until,
            bouncedAt: Self.paused().since, sentAnyway: true))

        let notAReply = PlannedMail(intent: .acknowledgement(to: Correspondent(address: alice)), messageID: "a@test", mailbox: "support", answering: nil,
                                    facts: MailFacts(ticket: nil, subject: "Printer"))
        #expect(rules().sentAnyway([Self.paused()], reply: notAReply, ticketId: 7, at: now) == .none)
        #expect(rules().sentAnyway([], reply: reply, ticketId: 7, at: now) == .none)
    }
}
