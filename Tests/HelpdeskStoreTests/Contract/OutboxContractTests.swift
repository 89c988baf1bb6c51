import Dispatch
import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Synchronization
import Testing

/// Fills a store's outbox the gateway's way: each message opens a ticket, which queues one
/// acknowledgement, due when the message was received.
final class OutboxFiller {
    let store: any TicketStore
    private let ids = TestMessageIDs()
    private var uid: UInt32 = 0

    init(_ store: any TicketStore) { self.store = store }

    /// The id of the new outbox row, due at `dueAt`.
    func add(_ mailbox: String = "support", dueAt: Date) throws -> Int64 {
        uid += 1
        let identity = Contract.identity(uid, mailbox: mailbox, messageID: "q\(uid)@x.test", at: dueAt)
        let result = try Contract.ingest(store, identity, Contract.content(subject: "Question \(uid)"), ids: ids)
        let ticketId = try #require(result.ticket?.id)
        let rows = try store.outbox(status: nil).filter { $0.ticketId == ticketId }
        try #require(rows.count == 1)
        return try #require(rows.first?.id)
    }
}

@Suite("Store contract: the outbox")
struct OutboxContractTests {
    typealias C = Contract

    /// Every row is due by then.
    static let now = C.at(1000)

    static func claim(_ store: any TicketStore, _ owner: String, at date: Date = now, lease: TimeInterval = 60, limit: Int = 10, mailbox: String? = nil) throws -> [OutboxRecord] {
        try store.claimDueOutbox(mailbox: mailbox, owner: owner, now: date, lease: lease, limit: limit)
    }

    static func row(_ store: any TicketStore, _ id: Int64) throws -> OutboxRecord {
        try #require(try store.outbox(status: nil).first { $0.id == id })
    }

    @Test("a claimed row goes to nobody else while the lease runs; after it, another owner may claim it", arguments: StoreBackend.all)
    func claimsAreExclusiveWhileTheLeaseRuns(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let filler = OutboxFiller(store)
        let third = try filler.add(dueAt: C.at(3)), first = try filler.add(dueAt: C.at(1)), second = try filler.add(dueAt: C.at(2))
        let now = Self.now

        let a = try Self.claim(store, "a", lease: 60, limit: 2)
        #expect(a.map(\.id) == [first, second], "oldest first, at most the limit")
        #expect(a.allSatisfy { $0.claimedBy == "a" && $0.claimExpiresAt == now.addingTimeInterval(60) && $0.status == .pending })
        #expect(try Self.claim(store, "b", at: now.addingTimeInterval(30), lease: 60).map(\.id) == [third])
        #expect(try Self.claim(store, "c", at: now.addingTimeInterval(59)).isEmpty, "every row is held")

        let c = try Self.claim(store, "c", at: now.addingTimeInterval(61), lease: 60)
        #expect(c.map(\.id) == [first, second], "a's lease ran out, b's did not")
        #expect(try !store.markSent(outboxId: first, owner: "a", at: now.addingTimeInterval(62)), "a lost its claim")
        #expect(try store.markSent(outboxId: first, owner: "c", at: now.addingTimeInterval(62)))
        #expect(try store.markSent(outboxId: third, owner: "b", at: now.addingTimeInterval(62)))
        #expect(Set(try store.outbox(status: .sent).map(\.id)) == [first, third])
        #expect(try store.outbox(status: .pending).map(\.id) == [second])
    }

    @Test("only the owner holding the claim can finish a row", arguments: StoreBackend.all)
    func onlyTheOwnerActs(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try OutboxFiller(store).add(dueAt: C.at(1))
        let now = Self.now
        let claimed = try #require(try Self.claim(store, "a").first)

        #expect(try !store.markSent(outboxId: id, owner: "b", at: now, rendered: RenderedMessage(envelopeFrom: "b@x.test", bytes: [1, 2, 3])))
        try store.markAttemptFailed(outboxId: id, owner: "b", error: "b failed", retryAt: nil, rendered: RenderedMessage(envelopeFrom: "b@x.test", bytes: [1]))
        try store.markRenderFailed(outboxId: id, owner: "b", error: "b failed", retryAt: now.addingTimeInterval(600))
        #expect(try !store.renewClaim(outboxId: id, owner: "b", until: now.addingTimeInterval(600)))
        try store.releaseClaims(owner: "b")
        #expect(try store.outbox(status: nil) == [claimed], "nothing b did reached the row")
        #expect(try Self.claim(store, "c", at: now.addingTimeInterval(1)).isEmpty, "still a's")

        #expect(try store.markSent(outboxId: id, owner: "a", at: now.addingTimeInterval(2)))
        let sent = try Self.row(store, id)
        #expect(sent.status == .sent && sent.sentAt == now.addingTimeInterval(2) && sent.claimedBy == nil)
        #expect(try !store.markSent(outboxId: id, owner: "a", at: now.addingTimeInterval(3)), "sent once")
        #expect(try Self.claim(store, "d", at: now.addingTimeInterval(100_000)).isEmpty, "a sent row is never claimed again")
        #expect(try store.outbox(status: .pending).isEmpty)
    }

    @Test("failed attempts wait for their retry; a render failure is no attempt; no retry means failed", arguments: StoreBackend.all)
    func failuresAndRetries(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try OutboxFiller(store).add(dueAt: C.at(1))
        let now = Self.now
        // Leases shorter than any retry: what is due is decided by the retry time alone.
        #expect(try Self.claim(store, "a", lease: 5).count == 1)
        try store.markAttemptFailed(outboxId: id, owner: "a", error: "421 try later", retryAt: now.addingTimeInterval(10))
        var row = try Self.row(store, id)
        #expect(row.status == .pending && row.attempts == 1 && row.lastError == "421 try later" && row.nextAttemptAt == now.addingTimeInterval(10))
        #expect(try Self.claim(store, "b", at: now.addingTimeInterval(9), lease: 5).isEmpty, "not due yet")
        #expect(try Self.claim(store, "b", at: now.addingTimeInterval(10), lease: 5).map(\.id) == [id])

        try store.markRenderFailed(outboxId: id, owner: "b", error: "template broken", retryAt: now.addingTimeInterval(100))
        row = try Self.row(store, id)
        #expect(row.attempts == 1, "a template that did not render is no attempt")
        #expect(row.status == .pending && row.lastError == "template broken" && row.nextAttemptAt == now.addingTimeInterval(100))
        #expect(try Self.claim(store, "c", at: now.addingTimeInterval(99), lease: 5).isEmpty)
        #expect(try Self.claim(store, "c", at: now.addingTimeInterval(100), lease: 5).map(\.attempts) == [1])

        try store.markAttemptFailed(outboxId: id, owner: "c", error: "550 no such user", retryAt: nil)
        row = try Self.row(store, id)
        #expect(row.status == .failed && row.attempts == 2 && row.lastError == "550 no such user")
        #expect(try store.outbox(status: .failed).map(\.id) == [id])
        #expect(try store.outbox(status: .pending).isEmpty)
        #expect(try Self.claim(store, "d", at: now.addingTimeInterval(1_000_000)).isEmpty, "a failed row is given up on")
        #expect(try store.pendingOutboxCounts().filter { $0.value > 0 }.isEmpty)
    }

    @Test("rendered bytes and envelope sender are kept, so a retry sends the same message", arguments: StoreBackend.all)
    func renderedBytesAreKept(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let id = try OutboxFiller(store).add(dueAt: C.at(1))
        let now = Self.now
        let planned = try Self.row(store, id).plannedMail()
        let claimed = try #require(try Self.claim(store, "a").first)
        #expect(claimed.message == nil && claimed.envelopeFrom == nil)
        let bytes = Array("From: support@x.test\r\nSubject: [SUPP-1] Question\r\n\r\nhello\r\n".utf8) + [0, 0xFF, 0x80]
        try store.markAttemptFailed(
            outboxId: id, owner: "a", error: "connection reset", retryAt: now.addingTimeInterval(120),
            rendered: RenderedMessage(envelopeFrom: "bounces+1@x.test", bytes: bytes))

        let retry = try #require(try Self.claim(store, "b", at: now.addingTimeInterval(120)).first)
        #expect(retry.id == id)
        #expect(retry.message == Data(bytes))
        #expect(retry.envelopeFrom == "bounces+1@x.test")
        #expect(try retry.plannedMail() == planned, "the intent stays as it was planned")
        #expect(retry.recipients == claimed.recipients && retry.messageId == claimed.messageId)
    }

    @Test("releasing gives back only that owner's rows, at once", arguments: StoreBackend.all)
    func releasingGivesRowsBack(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let filler = OutboxFiller(store)
        for second in 1...3 { _ = try filler.add(dueAt: C.at(TimeInterval(second))) }
        let a = try Self.claim(store, "a", lease: 600, limit: 2)
        let b = try Self.claim(store, "b", lease: 600)
        #expect(a.count == 2 && b.count == 1)
        try store.releaseClaims(owner: "a")
        let c = try Self.claim(store, "c", lease: 600)
        #expect(Set(c.map(\.id)) == Set(a.map(\.id)), "a's rows at once, not b's")
        #expect(try store.outbox(status: .pending).allSatisfy { $0.attempts == 0 && $0.lastError == nil }, "a release is no attempt")
        #expect(try store.pendingOutboxCounts() == ["support": 3], "claimed rows are still pending")
    }

    @Test("taking over a mailbox frees the previous holder's claims on it, and only those", arguments: StoreBackend.all)
    func takingOverAMailboxFreesThePreviousHoldersClaims(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let filler = OutboxFiller(store)
        for second in 1...3 { _ = try filler.add(dueAt: C.at(TimeInterval(second))) }
        _ = try filler.add("sales", dueAt: C.at(4))
        _ = try filler.add(dueAt: C.at(5))
        let dead = try Self.claim(store, "host-a:1:aa x1", lease: 600, limit: 2, mailbox: "support")
        let flush = try Self.claim(store, "pid 7 cli", lease: 600, limit: 1, mailbox: "support")
        let other = try Self.claim(store, "host-a:1:aa x2", lease: 600, mailbox: "sales")
        #expect(dead.count == 2 && flush.count == 1 && other.count == 1)
        #expect(try store.releaseClaims(mailbox: "support", ownerPrefix: "host-a:1:aa ") == 2)
        let again = try Self.claim(store, "host-b:2:bb y1", lease: 600)
        #expect(Set(again.map(\.id)) == Set(dead.map(\.id)).union([try #require(try store.outbox(status: .pending).last?.id)]),
                "the dead holder's support rows and the unclaimed one; not a command's, not sales'")
        #expect(try store.releaseClaims(mailbox: "support", ownerPrefix: "host-a:1:aa ") == 0)
    }

    @Test("pending rows are counted per mailbox", arguments: StoreBackend.all)
    func pendingRowsAreCountedPerMailbox(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.pendingOutboxCounts().filter { $0.value > 0 }.isEmpty)
        let filler = OutboxFiller(store)
        let support = [try filler.add(dueAt: C.at(1)), try filler.add(dueAt: C.at(2))]
        let sales = try filler.add("sales", dueAt: C.at(3))
        #expect(try store.pendingOutboxCounts() == ["support": 2, "sales": 1])
        _ = try Self.claim(store, "a")
        #expect(try store.pendingOutboxCounts() == ["support": 2, "sales": 1])
        #expect(try store.markSent(outboxId: support[0], owner: "a", at: Self.now))
        try store.markAttemptFailed(outboxId: sales, owner: "a", error: "550", retryAt: nil)
        #expect(try store.pendingOutboxCounts().filter { $0.value > 0 } == ["support": 1])
    }

    @Test("a claim for one mailbox gets only its rows, and only those due", arguments: StoreBackend.all)
    func claimsKeepToTheirMailboxAndTime(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let filler = OutboxFiller(store)
        let support = [try filler.add(dueAt: C.at(1)), try filler.add(dueAt: C.at(2))]
        let later = try filler.add(dueAt: C.at(5000))
        let sales = [try filler.add("sales", dueAt: C.at(1)), try filler.add("sales", dueAt: C.at(3))]

        let a = try Self.claim(store, "a", lease: 100_000, mailbox: "sales")
        #expect(a.map(\.id) == sales && a.allSatisfy { $0.mailbox == "sales" })
        let b = try Self.claim(store, "b", lease: 100_000, mailbox: "support")
        #expect(b.map(\.id) == support, "the row due later is not claimed")
        #expect(try Self.claim(store, "c").isEmpty)
        #expect(try Self.claim(store, "c", at: C.at(4999)).isEmpty)
        #expect(try Self.claim(store, "c", at: C.at(5000), mailbox: "sales").isEmpty)
        #expect(try Self.claim(store, "c", at: C.at(5000), mailbox: "nowhere").isEmpty)
        #expect(try Self.claim(store, "c", at: C.at(5000)).map(\.id) == [later])
    }

    /// The promise is the protocol's: "claims up to `limit` due rows (of `mailbox`, or any)". An
    /// owner that claims again before finishing the first batch must not get more than it asked for.
    @Test("a claim hands out at most `limit` rows, of the mailbox asked for, even to an owner holding others", arguments: StoreBackend.all)
    func aSecondClaimBySameOwnerKeepsToLimitAndMailbox(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let filler = OutboxFiller(store)
        for second in 1...3 { _ = try filler.add(dueAt: C.at(TimeInterval(second))) }
        for second in 4...5 { _ = try filler.add("sales", dueAt: C.at(TimeInterval(second))) }
        let first = try Self.claim(store, "a", lease: 600, limit: 2, mailbox: "support")
        #expect(first.count == 2)
        let second = try Self.claim(store, "a", lease: 600, limit: 1, mailbox: "sales")
        #expect(second.count <= 1, "got \(second.map { "\($0.mailbox) #\($0.id ?? 0)" })")
        #expect(second.allSatisfy { $0.mailbox == "sales" }, "got \(second.map { "\($0.mailbox) #\($0.id ?? 0)" })")
    }
}

@Suite("Store contract: two processes on one database")
struct SharedOutboxContractTests {
    /// What the two threads saw, collected under a lock.
    final class Collected: Sendable {
        let claims = Mutex<[String: [Int64]]>([:])
        let problems = Mutex<[String]>([])

        func problem(_ text: String) { problems.withLock { $0.append(text) } }
    }

    @Test(
        "two instances claiming from 500 rows at once claim each exactly once", .timeLimit(.minutes(5)),
        arguments: StoreBackend.shared)
    func twoInstancesClaimEachRowOnce(backend: StoreBackend) throws {
        let (stores, cleanup) = try backend.make(instances: 2)
        defer { cleanup() }
        try #require(stores.count == 2)
        let now = Contract.at(60)
        let facts = MailFacts(ticket: nil, subject: "Bulk")
        let mail = (1...500).map { n in
            PlannedMail(intent: .acknowledgement(to: Contract.alice), messageID: "bulk-\(n)@x.test", mailbox: "support", answering: nil, facts: facts)
        }
        _ = try stores[0].record(Contract.identity(1, messageID: "bulk@x.test"), Contract.content(), lookup: InboundLookup(keyPrefix: "SUPP")) { snapshot in
            let ticket = Ticket(
                id: nil, mailbox: "support", number: snapshot.nextNumber, key: "SUPP-\(snapshot.nextNumber)", subject: "Bulk",
                requesterAddress: "alice@x.test", requesterName: nil, status: .new, priority: .normal, createdAt: Contract.t0, updatedAt: Contract.t0)
            return InboundPlan(
                outcome: .ticketCreated, ticket: TicketPlan(ticket: ticket, mail: mail),
                comment: NewComment(authorAddress: "alice@x.test", authorName: nil, body: "b", html: nil, reply: nil, authorRole: .participant, visibility: .public))
        }
        #expect(try stores[1].outbox(status: .pending).count == 500, "the other instance sees the rows")

        let collected = Collected()
        // Both start claiming together: neither thread may finish before the other has begun.
        let ready = DispatchGroup()
        ready.enter()
        ready.enter()
        // Blocking work on plain threads, as two dispatcher processes would do it.
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let store = stores[index], owner = "process-\(index)"
            ready.leave()
            ready.wait()
            do {
                while true {
                    let batch = try store.claimDueOutbox(mailbox: nil, owner: owner, now: now, lease: 600, limit: 20)
                    if batch.isEmpty { break }
                    if batch.count > 20 { collected.problem("\(owner) got \(batch.count) rows in one batch of 20") }
                    for row in batch {
                        guard let id = row.id else {
                            collected.problem("\(owner) got a row without an id")
                            continue
                        }
                        collected.claims.withLock { $0[owner, default: []].append(id) }
                        if try !store.markSent(outboxId: id, owner: owner, at: now) {
                            collected.problem("\(owner) could not mark row \(id) sent")
                        }
                    }
                }
            } catch {
                collected.problem("\(owner): \(error)")
            }
        }

        let problems = collected.problems.withLock { $0 }
        #expect(problems.isEmpty)
        let claimed = collected.claims.withLock { $0.values.flatMap { $0 } }
        #expect(claimed.count == 500, "each row claimed once")
        #expect(Set(claimed).count == 500, "no row claimed twice")
        for store in stores {
            #expect(try store.outbox(status: .sent).count == 500)
            #expect(try store.outbox(status: .pending).isEmpty)
        }
    }
}
