import Foundation
import HelpdeskCore
import Testing

// Who is told of an SLA warning or breach, and of a message kept aside for its size.

private let now = Date(timeIntervalSince1970: 1_800_000_000)
private let ann = Correspondent(address: "ann@help.test", name: "Ann Agent")
private let bob = Correspondent(address: "bob@help.test", name: "Bob Agent")
private let lead = "Lead@Help.test"
private let messageID: @Sendable (String) -> String = { "\($0)-x@test" }

private func mailbox(escalation: String? = lead, sla: Bool = true) -> MailboxRules {
    MailboxRules(name: "support", keyPrefix: "SUPP", agents: [ann, bob],
                 sla: sla ? SLAPolicy(calendar: .alwaysOpen, targets: [:], escalation: escalation) : nil)
}

private func ticket(status: TicketStatus = .open, assignee: String? = nil) -> Ticket {
    Ticket(id: 7, mailbox: "support", number: 7, key: "SUPP-7", subject: "Printer", requesterAddress: "alice@customer.test", requesterName: "Alice",
           status: status, priority: .high, createdAt: now.addingTimeInterval(-7_200), updatedAt: now.addingTimeInterval(-600), assignee: assignee)
}

/// A 1h first-response clock; `due`/`warn` are seconds from now (negative: passed).
private func clock(due: TimeInterval? = -60, warn: TimeInterval? = -900, outcome: SLAOutcome = .running, completed: Bool = false) -> TicketClock {
    TicketClock(ticketId: 7, target: .firstResponse, duration: 3_600, dueAt: due.map { now.addingTimeInterval($0) },
                warnAt: warn.map { now.addingTimeInterval($0) }, outcome: outcome, elapsed: 3_660, completed: completed,
                updatedAt: now.addingTimeInterval(-600))
}

private func decide(_ kind: SLANoticeKind, ticket: Ticket = ticket(), clock: TicketClock = clock(), rules: MailboxRules? = mailbox()) -> SLANoticePlan? {
    SLANoticeRules.decide(kind, ticket: ticket, clock: clock, at: now, rules: rules, newMessageID: messageID)
}

/// "event recipient signed|unsigned" per mail.
private func summary(_ mail: [PlannedMail]) -> [String] {
    mail.map { mail in
        let signed = mail.intent.signedFor.map { _ in "signed" } ?? "unsigned"
        return "\(mail.event.rawValue) \(mail.intent.recipients.map(\.address).joined(separator: ",")) \(signed)"
    }
}

@Suite("SLA notices")
struct SLANoticeRulesTests {
    static let notDueRows: [(kind: SLANoticeKind, clock: TicketClock)] = [
        (.breach, clock(due: 60)), (.breach, clock(due: nil)), (.warning, clock(warn: 60)), (.warning, clock(warn: nil)),
        // A warning waits for a paused clock to run again, and is dropped for one that stopped.
        (.warning, clock(outcome: .paused)), (.warning, clock(outcome: .met)), (.warning, clock(outcome: .ended)),
        (.warning, clock(outcome: .breached)),
    ]

    @Test("nothing is recorded before its point, nor a warning of a clock that is not running", arguments: notDueRows)
    func notDue(kind: SLANoticeKind, clock: TicketClock) {
        #expect(decide(kind, clock: clock) == nil)
    }

    static let quiet: [TicketClock] = [
        clock(outcome: .met), clock(outcome: .ended), clock(outcome: .running, completed: true), clock(outcome: .breached, completed: true),
    ]

    @Test("a breach found after the target was reached is history without mail", arguments: quiet)
    func lateBreach(clock: TicketClock) throws {
        let plan = try #require(decide(.breach, clock: clock))
        #expect(plan.kind == .breach && plan.mail.isEmpty)
        let event = try #require(plan.event)
        #expect(event.kind == .sla && event.fromValue == "first_response" && event.toValue == "breached")
        #expect(event.actor == "gateway" && event.actorRole == .system && event.ticketId == 7 && event.at == now)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var assignee: String?
        var escalation: String? = lead
        var mail: [String]
    }

    static let recipients: [Row] = [
        Row(testDescription: "assignee and escalation", assignee: bob.address, mail: ["bob@help.test signed", "\(lead) unsigned"]),
        Row(testDescription: "every agent while unassigned", mail: ["ann@help.test signed", "bob@help.test signed", "\(lead) unsigned"]),
        Row(testDescription: "no escalation configured", assignee: bob.address, escalation: nil, mail: ["bob@help.test signed"]),
        // The escalation address is compared without case: nobody gets two notices.
        Row(testDescription: "escalation is the assignee", assignee: bob.address, escalation: "BOB@help.test", mail: ["bob@help.test signed"]),
        Row(testDescription: "escalation is one of the agents", escalation: "Ann@Help.test", mail: ["ann@help.test signed", "bob@help.test signed"]),
    ]

    @Test("the assignee (or every agent) is told with a signed reply address, the escalation without", arguments: recipients, [SLANoticeKind.warning, .breach])
    func whoIsTold(row: Row, kind: SLANoticeKind) throws {
        let plan = try #require(decide(kind, ticket: ticket(assignee: row.assignee), rules: mailbox(escalation: row.escalation)))
        let event = kind == .warning ? "sla_warning" : "sla_breach"
        #expect(summary(plan.mail) == row.mail.map { "\(event) \($0)" })
        #expect((plan.event != nil) == (kind == .breach), "only a breach is written into the history")
        for mail in plan.mail {
            switch mail.intent {
            case .slaWarning(let to, let target, _), .slaBreach(let to, let target, _):
                #expect(target == .firstResponse)
                if to.address != lead && to.address.lowercased() != row.escalation?.lowercased() { #expect(to.name != nil, "agents by their configured name") }
            default: Issue.record("unexpected \(mail.intent)")
            }
            #expect(mail.mailbox == "support" && mail.messageID == "support-x@test" && mail.answering == nil)
            #expect(mail.facts.ticket?.key == "SUPP-7" && mail.facts.subject == "Printer")
            // The policy's terms travel with the mail, so a later edit of the policy does not change it.
            #expect(mail.facts.clock == ClockFacts(
                target: .firstResponse, duration: 3_600, elapsed: 3_660, dueAt: now.addingTimeInterval(-60),
                timeZone: BusinessCalendar.alwaysOpen.timeZone.identifier, warningPoint: SLAPolicy(calendar: .alwaysOpen, targets: [:]).warningPoint,
                businessHours: false))
        }
    }

    @Test("nobody is told about a ticket whose work has ended", arguments: TicketStatus.finished, [SLANoticeKind.warning, .breach])
    func finishedTicket(status: TicketStatus, kind: SLANoticeKind) throws {
        let plan = try #require(decide(kind, ticket: ticket(status: status, assignee: bob.address)))
        #expect(plan.mail.isEmpty)
        #expect((plan.event != nil) == (kind == .breach))
    }

    @Test("without mailbox config or an SLA policy, the notice is recorded but nobody is mailed", arguments: [MailboxRules?.none, mailbox(sla: false)])
    func noPolicy(rules: MailboxRules?) throws {
        let plan = try #require(decide(.breach, rules: rules))
        #expect(plan.mail.isEmpty && plan.event != nil)
        #expect(MailRules(rules: mailbox(sla: false), newMessageID: messageID).slaNotice(.warning, ticket: ticket(), clock: clock()).isEmpty)
    }
}

@Suite("Message-too-large notice")
struct SizeNoticeRulesTests {
    static let from = Correspondent(address: "alice@customer.test", name: "Alice")

    static let rows: [(from: Correspondent?, returnPath: String?, suppressed: Bool, to: Correspondent?)] = [
        (from, nil, false, from),
        (from, "ALICE@customer.test", false, from),
        // A forged From gets nothing from us: the envelope sender is who sent it.
        (from, "bounces@lists.customer.test", false, Correspondent(address: "bounces@lists.customer.test")),
        (from, nil, true, nil),
        (from, "bounces@lists.customer.test", true, nil),
        (nil, "bounces@lists.customer.test", false, nil),
    ]

    @Test(arguments: rows)
    func recipient(from: Correspondent?, returnPath: String?, suppressed: Bool, to: Correspondent?) throws {
        let thread = MailThread(parent: "<big@customer.test>")
        let notice = SizeNoticeRules.notice(
            from: from, returnPath: returnPath, suppressed: suppressed, subject: "Scans", reason: "message is 30 MB", size: 30_000_000,
            limit: 25_000_000, mailbox: "support", answering: thread, newMessageID: messageID)
        guard let to else {
            #expect(notice == nil)
            return
        }
        let mail = try #require(notice)
        #expect(mail.intent == .messageTooLarge(to: to, reason: "message is 30 MB", size: 30_000_000, limit: 25_000_000))
        #expect(mail.intent.signedFor == nil)
        #expect(mail.mailbox == "support" && mail.messageID == "support-x@test" && mail.answering == thread)
        #expect(mail.facts.ticket == nil && mail.facts.subject == "Scans")
    }
}
