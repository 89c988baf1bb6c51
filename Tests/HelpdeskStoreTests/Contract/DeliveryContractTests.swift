import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

/// What the delivery contract tests share: a mailbox with one agent, and mail put in the states
/// a sender and a bounce put it in.
enum Delivery {
    typealias C = Contract

    /// Bob is the agent told of bounces on unassigned tickets.
    static let support = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [C.bob])
    static let rules = DeliveryRules(mailboxes: ["support": support], newMessageID: { TestMessageIDs.unique.next($0) })

    static let hard = BouncedRecipient(address: "alice@x.test", status: "5.1.1", diagnostic: "550 5.1.1 no such user", permanent: true)
    static let delayed = BouncedRecipient(address: "alice@x.test", status: "4.4.7", diagnostic: "delayed for 4 hours", permanent: false)

    /// When the bounces in these tests arrive.
    static let bouncedAt = C.at(100)

    /// Opens a ticket for alice (SUPP-1 in a fresh store) and sends its acknowledgement at
    /// `sentAt`; the row's id.
    static func sentAcknowledgement(_ store: any TicketStore, uid: UInt32 = 1, sentAt: Date = C.at(10)) throws -> Int64 {
        let result = try C.ingest(store, C.identity(uid, messageID: "q\(uid)@x.test"), C.content(subject: "Question \(uid)"), ids: TestMessageIDs())
        let ticketId = try #require(result.ticket?.id)
        let row = try #require(try store.outbox(status: .pending).first { $0.ticketId == ticketId })
        let id = try #require(row.id)
        try #require(try store.claimDueOutbox(mailbox: nil, owner: "sender", now: sentAt, lease: 60, limit: 100).contains { $0.id == id })
        try #require(try store.markSent(outboxId: id, owner: "sender", at: sentAt))
        return id
    }

    /// A bounce read from the support mailbox at UID `uid`.
    static func identity(_ uid: UInt32?, messageID: String? = nil, at date: Date = bouncedAt) -> InboundIdentity {
        C.identity(uid, messageID: messageID ?? "dsn-\(uid ?? 0)@mx.test", sha: "dsn-\(uid ?? 0)-\(messageID ?? "")", at: date)
    }

    /// Records a bounce reporting `reported` as the gateway does; what the store handed to the
    /// rules comes back with the result (`asked` false when they were not asked).
    static func bounce(
        _ store: any TicketStore, _ identity: InboundIdentity, match: BounceMatch, summary: String = "alice@x.test 5.1.1",
        reported: [BouncedRecipient] = [hard]
    ) throws -> (result: IngestResult, mail: BouncedMail?, asked: Bool) {
        var seen: BouncedMail?
        var asked = false
        let result = try store.recordBounce(identity, sender: "mailer-daemon@mx.test", match: match, summary: summary) { mail in
            asked = true
            seen = mail
            guard let mail else { return .none }
            return rules.bounce(reported, mail: mail, at: identity.receivedAt)
        }
        return (result, seen, asked)
    }

    /// Keeps `suppressions` as a bounce plan would (a report that matched no mail).
    static func keep(_ store: any TicketStore, _ suppressions: [Suppression], uid: UInt32) throws {
        let result = try store.recordBounce(identity(uid), sender: "mailer-daemon@mx.test", match: .none, summary: "kept \(uid)") { _ in
            BouncePlan(suppressions: suppressions)
        }
        try #require(result == .bounce(outboxId: nil, ticketKey: nil))
    }

    static func pause(_ address: String, since: TimeInterval, until: TimeInterval, status: String = "5.1.1") -> Suppression {
        Suppression(address: address, since: C.at(since), until: C.at(until), status: status, diagnostic: "said \(status)", outboxId: nil, ticketId: nil)
    }

    static func row(_ store: any TicketStore, _ id: Int64) throws -> OutboxRecord {
        try #require(try store.outbox(status: nil).first { $0.id == id })
    }

    /// Everything a bounce may write, to compare before and after.
    static func counts(_ store: any TicketStore, ticketId: Int64?) throws -> [Int] {
        [
            try store.outbox(status: nil).count, try store.inboundMessages(mailbox: nil).count,
            try store.suppressions(at: C.t0).count, try ticketId.map { try store.history(ticketId: $0).count } ?? 0,
        ]
    }
}

@Suite("Store contract: bounces")
struct BounceContractTests {
    typealias C = Contract
    typealias D = Delivery

    @Test("a bounce matched by its envelope sender marks the row, pauses the address, notes the ticket and tells the agent", arguments: StoreBackend.all)
    func aBounceByOutboxId(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try D.sentAcknowledgement(store)
        let ticketId = try C.ticketID(store, "SUPP-1")

        let (result, mail, _) = try D.bounce(store, D.identity(50), match: .outbox(id))
        #expect(result == .bounce(outboxId: id, ticketKey: "SUPP-1"))
        let seen = try #require(mail)
        #expect(seen.outboxId == id && seen.mailbox == "support" && seen.event == .ticketCreated)
        #expect(seen.recipients == ["alice@x.test"] && seen.ticket?.key == "SUPP-1" && seen.ticket?.id == ticketId && !seen.alreadyBounced)

        let row = try D.row(store, id)
        #expect(row.status == .bounced)
        #expect(row.bounceStatus == "5.1.1" && row.bounceDiagnostic == "550 5.1.1 no such user" && row.bouncedAt == D.bouncedAt)
        #expect(row.sentAt == C.at(10) && row.claimedBy == nil)

        let delivery = try store.history(ticketId: ticketId).filter { $0.kind == .delivery }
        #expect(delivery.count == 1)
        #expect(delivery.first?.fromValue == "alice@x.test" && delivery.first?.toValue == "bounced" && delivery.first?.at == D.bouncedAt)
        #expect(delivery.first?.note?.contains("5.1.1") == true)

        let until = D.bouncedAt.addingTimeInterval(MailboxRules.defaultHardBouncePause)
        #expect(try store.suppressions(for: ["alice@x.test"], at: D.bouncedAt) == [Suppression(
            address: "alice@x.test", since: D.bouncedAt, until: until, status: "5.1.1", diagnostic: "550 5.1.1 no such user",
            outboxId: id, ticketId: ticketId)])

        let notices = try store.outbox(status: .pending)
        #expect(notices.map(\.event) == [MailEvent.deliveryFailed.rawValue] && notices.map(\.recipients) == ["bob@x.test"])
        #expect(notices.first?.ticketId == ticketId && notices.first?.nextAttemptAt == D.bouncedAt)
        let planned = try #require(try notices.first?.plannedMail())
        #expect(planned.facts.delivery?.address == "alice@x.test" && planned.facts.delivery?.pausedUntil == until)

        let inbound = try #require(try store.inboundMessages(mailbox: nil).last)
        #expect(inbound.outcome == .bounce && inbound.ticketId == ticketId && inbound.commentId == nil)
        #expect(inbound.sender == "mailer-daemon@mx.test" && inbound.messageId == "dsn-50@mx.test" && inbound.receivedAt == D.bouncedAt)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 50)
        #expect(try store.comments(ticketId: ticketId).count == 1, "a bounce is never a comment")
        #expect(try store.tickets(status: nil, mailbox: nil).count == 1, "nor a ticket")
    }

    @Test("a bounce matched by the returned Message-ID does the same", arguments: StoreBackend.all)
    func aBounceByMessageID(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try D.sentAcknowledgement(store)
        let messageID = try D.row(store, id).messageId
        let (result, mail, _) = try D.bounce(store, D.identity(nil, messageID: "dsn@mx.test"), match: .messageID(messageID))
        #expect(result == .bounce(outboxId: id, ticketKey: "SUPP-1"))
        #expect(mail?.outboxId == id)
        #expect(try D.row(store, id).status == .bounced)
        #expect(try store.suppressions(for: ["alice@x.test"], at: D.bouncedAt).count == 1)
        #expect(try store.outbox(status: .pending).map(\.event) == [MailEvent.deliveryFailed.rawValue])
        #expect(try store.inboundMessages(mailbox: nil).map(\.outcome) == [.ticketCreated, .bounce])
    }

    @Test("the same bounce read again is already recorded, and the rules are not asked", arguments: StoreBackend.all)
    func theSameIdentityIsRecordedOnce(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try D.sentAcknowledgement(store)
        let ticketId = try C.ticketID(store, "SUPP-1")
        _ = try D.bounce(store, D.identity(50), match: .outbox(id))
        let before = try D.counts(store, ticketId: ticketId)

        let again = try D.bounce(store, D.identity(50, messageID: "other@mx.test"), match: .outbox(id))
        #expect(again.result == .alreadyRecorded)
        #expect(!again.asked)
        #expect(try D.counts(store, ticketId: ticketId) == before)
    }

    @Test("a second copy of the same report is known to the rules, and acts no more", arguments: StoreBackend.all)
    func aSecondReportIsAlreadyBounced(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try D.sentAcknowledgement(store)
        let ticketId = try C.ticketID(store, "SUPP-1")
        _ = try D.bounce(store, D.identity(50), match: .outbox(id))
        let before = try D.counts(store, ticketId: ticketId)

        // Delivered once more (another UID, another Message-ID), naming the same failure.
        let copy = try D.bounce(store, D.identity(51), match: .outbox(id))
        #expect(copy.result == .bounce(outboxId: id, ticketKey: "SUPP-1"))
        #expect(copy.mail?.alreadyBounced == true)
        #expect(try store.outbox(status: .pending).count == 1, "bob is told once")
        #expect(try store.history(ticketId: ticketId).filter { $0.kind == .delivery }.count == 1)
        #expect(try store.inboundMessages(mailbox: nil).count == before[1] + 1, "the copy is recorded as read")

        // Another report about a mail that bounced already acts no more either: one bounce acts
        // per mail, so forged reports cannot mail the agents again and again.
        let other = try D.bounce(store, D.identity(52), match: .outbox(id), summary: "alice@x.test 5.2.2")
        #expect(other.mail?.alreadyBounced == true)
    }

    @Test("a report matching no mail is recorded as read, and nothing else", arguments: StoreBackend.all)
    func anUnmatchedReport(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try D.sentAcknowledgement(store)
        let ticketId = try C.ticketID(store, "SUPP-1")
        let before = try D.counts(store, ticketId: ticketId)
        let matches: [BounceMatch] = [.none, .outbox(id + 1_000), .messageID("never-sent@x.test")]
        for (uid, match) in zip(UInt32(60)..., matches) {
            let (result, mail, asked) = try D.bounce(store, D.identity(uid), match: match)
            #expect(result == .bounce(outboxId: nil, ticketKey: nil), "\(match)")
            #expect(asked && mail == nil, "\(match)")
        }
        let after = try D.counts(store, ticketId: ticketId)
        #expect(after == [before[0], before[1] + 3, before[2], before[3]])
        let inbound = try store.inboundMessages(mailbox: nil).filter { $0.outcome == .bounce }
        #expect(inbound.count == 3 && inbound.allSatisfy { $0.ticketId == nil })
        #expect(try D.row(store, id).status == .sent)
    }

    @Test("a delay is noted, and the row stays sent", arguments: StoreBackend.all)
    func aDelayLeavesTheRowSent(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try D.sentAcknowledgement(store)
        let ticketId = try C.ticketID(store, "SUPP-1")
        let (result, _, _) = try D.bounce(store, D.identity(50), match: .outbox(id), summary: "alice@x.test 4.4.7", reported: [D.delayed])
        #expect(result == .bounce(outboxId: id, ticketKey: "SUPP-1"))
        let row = try D.row(store, id)
        #expect(row.status == .sent && row.bounceStatus == nil && row.bouncedAt == nil)
        #expect(try store.history(ticketId: ticketId).filter { $0.kind == .delivery }.map(\.toValue) == ["delayed"])
        #expect(try store.suppressions(at: D.bouncedAt).isEmpty)
        #expect(try store.outbox(status: .pending).isEmpty)
    }

    @Test("a bounce of mail without a ticket pauses the address and notes nothing", arguments: StoreBackend.all)
    func aBounceOfMailWithoutTicket(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let notice = PlannedMail(
            intent: .messageTooLarge(to: C.alice, reason: "too large", size: 50_000_000, limit: 25_000_000), messageID: "big-notice@x.test",
            mailbox: "support", answering: nil, facts: MailFacts(ticket: nil, subject: "Huge"))
        _ = try store.recordQuarantine(C.identity(1, messageID: "big@x.test"), sender: "alice@x.test", reason: "too large", rawKept: false) { notice }
        let id = try #require(try store.outbox(status: .pending).first?.id)
        _ = try store.claimDueOutbox(mailbox: nil, owner: "sender", now: C.at(10), lease: 60, limit: 10)
        try #require(try store.markSent(outboxId: id, owner: "sender", at: C.at(10)))

        let (result, mail, _) = try D.bounce(store, D.identity(50), match: .outbox(id))
        #expect(result == .bounce(outboxId: id, ticketKey: nil))
        #expect(mail?.ticket == nil && mail?.event == .messageTooLarge)
        #expect(try D.row(store, id).status == .bounced)
        #expect(try store.suppressions(for: ["alice@x.test"], at: D.bouncedAt).map(\.ticketId) == [nil])
        #expect(try store.outbox(status: .pending).isEmpty)
    }
}

@Suite("Store contract: paused addresses")
struct SuppressionContractTests {
    typealias C = Contract
    typealias D = Delivery

    @Test("a later bounce never shortens a pause, and may extend it", arguments: StoreBackend.all)
    func upsertNeverShortens(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try D.keep(store, [D.pause("alice@x.test", since: 0, until: 1_000)], uid: 1)
        try D.keep(store, [D.pause("alice@x.test", since: 100, until: 500, status: "5.2.1")], uid: 2)
        var kept = try store.suppressions(for: ["alice@x.test"], at: C.at(200))
        #expect(kept.map(\.until) == [C.at(1_000)], "not shortened")
        #expect(kept.map(\.status) == ["5.2.1"] && kept.map(\.since) == [C.at(100)], "the newest bounce is what it says")

        try D.keep(store, [D.pause("alice@x.test", since: 300, until: 5_000, status: "5.1.1")], uid: 3)
        kept = try store.suppressions(for: ["alice@x.test"], at: C.at(1_500))
        #expect(kept.map(\.until) == [C.at(5_000)], "extended")
        #expect(try store.suppressions(at: C.at(0)).count == 1, "one row per address")
    }

    @Test("only pauses still holding are found, whatever the case of the address", arguments: StoreBackend.all)
    func holdingPausesOnly(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try D.keep(store, [
            D.pause("alice@x.test", since: 0, until: 1_000), D.pause("Carol@X.test", since: 10, until: 2_000), D.pause("dave@x.test", since: 20, until: 50),
        ], uid: 1)
        let now = C.at(100)
        #expect(try store.suppressions(for: ["ALICE@x.test", "carol@x.TEST", "dave@x.test"], at: now).map(\.address) == ["alice@x.test", "carol@x.test"])
        #expect(try store.suppressions(for: ["dave@x.test"], at: now).isEmpty, "expired")
        #expect(try store.suppressions(for: ["dave@x.test"], at: C.at(49)).map(\.address) == ["dave@x.test"])
        #expect(try store.suppressions(for: ["alice@x.test"], at: C.at(1_000)).isEmpty, "ends at its until")
        #expect(try store.suppressions(for: ["erin@x.test"], at: now).isEmpty)
        #expect(try store.suppressions(for: [], at: now).isEmpty)
        #expect(try store.suppressions(at: now).map(\.address) == ["carol@x.test", "alice@x.test"], "holding ones, newest first")
        #expect(try store.suppressions(at: C.at(0)).count == 3)
        let alice = try #require(try store.suppressions(for: ["alice@x.test"], at: now).first)
        #expect(alice == D.pause("alice@x.test", since: 0, until: 1_000))
    }

    @Test("a pause is lifted once", arguments: StoreBackend.all)
    func removing(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try D.keep(store, [D.pause("alice@x.test", since: 0, until: 1_000), D.pause("carol@x.test", since: 0, until: 1_000)], uid: 1)
        #expect(try store.removeSuppression(address: "Alice@X.test"))
        #expect(try !store.removeSuppression(address: "alice@x.test"))
        #expect(try !store.removeSuppression(address: "nobody@x.test"))
        #expect(try store.suppressions(at: C.at(1)).map(\.address) == ["carol@x.test"])
    }
}

@Suite("Store contract: loop caps and withheld mail")
struct LoopCapContractTests {
    typealias C = Contract
    typealias D = Delivery

    static let tenMinutes = CapWindow(count: 10, seconds: 600)
    static let perDay = CapWindow(count: 30, seconds: 86_400)
    static let ticketHour = CapWindow(count: 5, seconds: 3_600)
    static let ticketDay = CapWindow(count: 20, seconds: 86_400)
    static let caps = LoopCaps(perRecipient: [tenMinutes, perDay], perTicket: [ticketHour, ticketDay])

    static func planned(_ intent: MailIntent, _ messageID: String) -> PlannedMail {
        PlannedMail(intent: intent, messageID: messageID, mailbox: "support", answering: nil, facts: MailFacts(ticket: nil, subject: "Question"))
    }

    @Test("only automatic mail sent within the window counts, per address and per ticket", arguments: StoreBackend.all)
    func counting(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let now = C.at(100_000)
        let ids = TestMessageIDs()
        let a = try #require(try C.ingest(store, C.identity(1, messageID: "q1@x.test"), C.content(subject: "Question 1"), ids: ids).ticket?.id)
        let b = try #require(try C.ingest(store, C.identity(2, messageID: "q2@x.test"), C.content(subject: "Question 2"), ids: ids).ticket?.id)
        let alice = Correspondent(address: "alice@x.test")
        try store.recordDeliveryNotes(ticketId: a, events: [], mail: [
            Self.planned(.acknowledgement(to: alice), "a2@x.test"),
            Self.planned(.acknowledgement(to: alice), "a3-pending@x.test"),
            Self.planned(.acknowledgement(to: alice), "a4-failed@x.test"),
            Self.planned(.messageTooLarge(to: alice, reason: "big", size: nil, limit: 1), "mtl@x.test"),
            Self.planned(.acknowledgement(to: alice), "old@x.test"),
            Self.planned(.newTicket(agent: C.bob), "nt@x.test"),
            Self.planned(.agentReply(to: [alice], author: C.bob), "ar@x.test"),
            Self.planned(.acknowledgement(to: C.carol), "c1@x.test"),
        ], at: C.t0)
        let rows = try store.claimDueOutbox(mailbox: nil, owner: "sender", now: C.at(1), lease: 1_000_000, limit: 100)
        try #require(rows.count == 10)
        func id(_ messageID: String) throws -> Int64 { try #require(rows.first { $0.messageId == messageID }?.id) }
        let acks = rows.filter { $0.event == MailEvent.ticketCreated.rawValue && $0.recipients == "alice@x.test" && $0.messageId.hasSuffix("@test") }
        let a1 = try #require(acks.first { $0.ticketId == a }?.id), b1 = try #require(acks.first { $0.ticketId == b }?.id)
        let sent: [(Int64, TimeInterval)] = [
            (a1, 30), (b1, 100), (try id("a2@x.test"), 700), (try id("mtl@x.test"), 5_000), (try id("old@x.test"), 90_000),
            (try id("nt@x.test"), 10), (try id("ar@x.test"), 10), (try id("c1@x.test"), 20),
        ]
        for (row, ago) in sent { try #require(try store.markSent(outboxId: row, owner: "sender", at: now.addingTimeInterval(-ago))) }
        try store.markAttemptFailed(outboxId: try id("a4-failed@x.test"), owner: "sender", error: "550", retryAt: nil)

        let onA = try store.automaticMailCounts(recipient: "alice@x.test", ticketId: a, caps: Self.caps, now: now)
        #expect(onA.recipient == [Self.tenMinutes: 2, Self.perDay: 4], "acknowledgements of both tickets and the size notice; not the reply, nor unsent ones")
        #expect(onA.ticket == [Self.ticketHour: 3, Self.ticketDay: 4], "carol's acknowledgement counts on the ticket; the agent's notice and reply do not")
        let onB = try store.automaticMailCounts(recipient: "ALICE@x.test", ticketId: b, caps: Self.caps, now: now)
        #expect(onB.recipient == onA.recipient)
        #expect(onB.ticket == [Self.ticketHour: 1, Self.ticketDay: 1])
        let noTicket = try store.automaticMailCounts(recipient: "carol@x.test", ticketId: nil, caps: Self.caps, now: now)
        #expect(noTicket.recipient == [Self.tenMinutes: 1, Self.perDay: 1] && noTicket.ticket.isEmpty)
        let bob = try store.automaticMailCounts(recipient: "bob@x.test", ticketId: nil, caps: Self.caps, now: now)
        #expect(bob.recipient == [Self.tenMinutes: 0, Self.perDay: 0], "notices to agents are not capped")
        let later = try store.automaticMailCounts(recipient: "alice@x.test", ticketId: a, caps: Self.caps, now: now.addingTimeInterval(86_400))
        #expect(later.recipient == [Self.tenMinutes: 0, Self.perDay: 0] && later.ticket == [Self.ticketHour: 0, Self.ticketDay: 0])
    }

    /// An autoresponder writing `Alice@X.test` must count as `alice@x.test`, or a loop through
    /// new tickets (one acknowledgement each) is never capped.
    @Test("mail to an address written with capitals counts for that address", arguments: StoreBackend.all)
    func capitalsCountAsTheSameAddress(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        var content = C.content()
        content.replyTo = Correspondent(address: "Alice@X.test", name: "Alice")
        try C.ingest(store, C.identity(1, messageID: "q1@x.test"), content, ids: TestMessageIDs())
        let row = try #require(try store.claimDueOutbox(mailbox: nil, owner: "sender", now: C.at(1), lease: 60, limit: 10).first)
        let id = try #require(row.id)
        try #require(row.event == MailEvent.ticketCreated.rawValue)
        try #require(try store.markSent(outboxId: id, owner: "sender", at: C.at(10)))
        for address in ["Alice@X.test", "alice@x.test"] {
            let counts = try store.automaticMailCounts(recipient: address, ticketId: nil, caps: Self.caps, now: C.at(20))
            #expect(counts.recipient == [Self.tenMinutes: 1, Self.perDay: 1], "\(address)")
        }
    }

    @Test("only the claim's owner withholds a row; it is never sent after", arguments: StoreBackend.all)
    func withholding(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        let ticketId = try #require(try C.ingest(store, C.identity(1, messageID: "q1@x.test"), C.content(), ids: ids).ticket?.id)
        let id = try #require(try store.outbox(status: .pending).first?.id)
        let reason = WithholdReason.recipientCap(address: "alice@x.test", window: Self.tenMinutes)
        let note = DeliveryRules.withheld(reason, event: .ticketCreated, recipients: ["alice@x.test"], ticketId: ticketId, at: C.at(20))
        let historyBefore = try store.history(ticketId: ticketId).count

        #expect(try !store.markWithheld(outboxId: id, owner: "a", reason: reason.description, events: [note], at: C.at(20)), "not claimed")
        #expect(try store.claimDueOutbox(mailbox: nil, owner: "a", now: C.at(10), lease: 600, limit: 10).map(\.id) == [id])
        #expect(try !store.markWithheld(outboxId: id, owner: "b", reason: reason.description, events: [note], at: C.at(20)), "another owner")
        #expect(try D.row(store, id).status == .pending && D.row(store, id).claimedBy == "a")
        #expect(try store.history(ticketId: ticketId).count == historyBefore, "a lost claim writes no history")

        #expect(try store.markWithheld(outboxId: id, owner: "a", reason: reason.description, events: [note], at: C.at(20)))
        let row = try D.row(store, id)
        #expect(row.status == .withheld && row.lastError == reason.description && row.claimedBy == nil && row.sentAt == nil)
        let history = try store.history(ticketId: ticketId)
        #expect(history.count == historyBefore + 1)
        #expect(history.last?.kind == .delivery && history.last?.toValue == "withheld" && history.last?.note == note.note)
        #expect(try store.outbox(status: .withheld).map(\.id) == [id])

        #expect(try store.claimDueOutbox(mailbox: nil, owner: "c", now: C.at(1_000_000), lease: 60, limit: 10).isEmpty, "never due again")
        #expect(try !store.markWithheld(outboxId: id, owner: "a", reason: "again", events: [note], at: C.at(30)))
        #expect(try store.pendingOutboxCounts().filter { $0.value > 0 }.isEmpty)

        #expect(try store.withheldCount(recipient: "Alice@X.test", since: C.at(19)) == 1)
        #expect(try store.withheldCount(recipient: "alice@x.test", since: C.at(20)) == 0, "since is exclusive: the log's window had it")
        #expect(try store.withheldCount(recipient: "carol@x.test", since: C.t0) == 0)
    }

    @Test("delivery notes and the agent's notice are added to the ticket together", arguments: StoreBackend.all)
    func deliveryNotes(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ticketId = try #require(try C.ingest(store, C.identity(1, messageID: "q1@x.test"), C.content(), ids: TestMessageIDs()).ticket?.id)
        let paused = D.pause("alice@x.test", since: 0, until: 1_000)
        let reply = PlannedMail(
            intent: .agentReply(to: [C.alice], author: C.bob), messageID: "reply@x.test", mailbox: "support", answering: nil,
            facts: MailFacts(ticket: try store.ticket(id: ticketId), subject: "Printer"))
        let plan = D.rules.sentAnyway([paused], reply: reply, ticketId: ticketId, at: C.at(50))
        try #require(plan.events.count == 1 && plan.mail.count == 1)
        try store.recordDeliveryNotes(ticketId: ticketId, events: plan.events, mail: plan.mail, at: C.at(50))
        #expect(try store.history(ticketId: ticketId).last?.toValue == "sent_anyway")
        let notice = try #require(try store.outbox(status: .pending).first { $0.event == MailEvent.deliveryFailed.rawValue })
        #expect(notice.ticketId == ticketId && notice.recipients == "bob@x.test" && notice.nextAttemptAt == C.at(50))
        #expect(try notice.plannedMail()?.facts.delivery?.sentAnyway == true)
    }
}


@Suite("Store contract: made-up bounces")
struct ForgedBounceContractTests {
    typealias C = Contract
    typealias D = Delivery

    @Test("a report about a mail never sent names no mail", arguments: StoreBackend.all)
    func neverSent(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try C.ingest(store, C.identity(1, messageID: "q1@x.test"), C.content(), ids: TestMessageIDs())
        let row = try #require(try store.outbox(status: .pending).first)
        #expect(try !store.sentOutboxMail(messageID: row.messageId), "queued, not sent")
        let (result, mail, _) = try D.bounce(store, D.identity(50), match: .messageID(row.messageId))
        #expect(mail == nil)
        #expect(result == .bounce(outboxId: nil, ticketKey: nil))
        #expect(try store.outbox(status: .pending).map(\.id) == [row.id], "the row waits to be sent, untouched")
    }
}
