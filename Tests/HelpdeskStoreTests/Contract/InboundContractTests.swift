import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Store contract: each message is recorded once")
struct IdempotencyContractTests {
    typealias C = Contract

    @Test("the same mailbox, UIDVALIDITY and UID is already recorded, and the rules are not asked", arguments: StoreBackend.all)
    func theSameUIDIsRecordedOnce(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try C.ingest(store, C.identity(5, messageID: "m@x.test"), C.content(), ids: TestMessageIDs())
        var asked = false
        // Even with other bytes and another Message-ID: the UID is the key.
        let again = try store.record(C.identity(5, messageID: "other@x.test", sha: "ff"), C.content(), lookup: InboundLookup(keyPrefix: "SUPP")) { _ in
            asked = true
            throw Contract.Unexpected()
        }
        #expect(again == .alreadyRecorded)
        #expect(!asked)
        #expect(try store.tickets(status: nil, mailbox: nil).count == 1)
        #expect(try store.inboundMessages(mailbox: nil).count == 1)
        #expect(try store.outbox(status: nil).count == 1)
        // Under another UIDVALIDITY the same UID is another message.
        #expect(try store.recordedUIDs(mailbox: "support", uidValidity: 7, among: [5]) == [5])
        #expect(try store.recordedUIDs(mailbox: "support", uidValidity: 8, among: [5]).isEmpty)
        #expect(try store.recordedUIDs(mailbox: "sales", uidValidity: 7, among: [5]).isEmpty)
    }

    @Test("the same Message-ID from the same sender is a duplicate, wherever it arrives", arguments: StoreBackend.all)
    func theSameMessageFromTheSameSenderIsADuplicate(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try C.ingest(store, C.identity(1, messageID: "m@x.test"), C.content(), ids: TestMessageIDs())
        var asked = 0
        let copies = [
            C.identity(4, mailbox: "sales", messageID: "m@x.test", sha: "other-bytes"),
            C.identity(nil, messageID: "m@x.test", sha: "pipe-bytes"),
            C.identity(2, messageID: "m@x.test", validity: 8),
        ]
        // The poller starts over under a new UIDVALIDITY before it reads again.
        try store.resetCursor(mailbox: "support", uidValidity: 8, at: C.t0)
        for copy in copies {
            let result = try store.record(copy, C.content(), lookup: InboundLookup(keyPrefix: "SUPP")) { _ in
                asked += 1
                throw Contract.Unexpected()
            }
            #expect(result == .duplicate(ticketKey: "SUPP-1"))
        }
        #expect(asked == 0)
        #expect(try store.tickets(status: nil, mailbox: nil).count == 1)
        #expect(try store.comments(ticketId: try C.ticketID(store, "SUPP-1")).count == 1)
        #expect(try store.outbox(status: nil).count == 1)
        let rows = try store.inboundMessages(mailbox: nil)
        #expect(rows.count == 4)
        #expect(rows.filter { $0.outcome == .ticketCreated }.count == 1 && rows.filter { $0.outcome == .duplicate }.count == 3)
        #expect(rows.allSatisfy { $0.ticketId == rows.first?.ticketId }, "a duplicate names the ticket of its first copy")
        // The cursor moves on for a duplicate, in its own mailbox and UIDVALIDITY.
        let sales = try #require(try store.cursor(mailbox: "sales"))
        #expect(sales.uidValidity == 7 && sales.lastUid == 4)
        let support = try #require(try store.cursor(mailbox: "support"))
        #expect(support.uidValidity == 8 && support.lastUid == 2)
        #expect(try store.recordedUIDs(mailbox: "sales", uidValidity: 7, among: [3, 4]) == [4])
    }

    @Test("the same Message-ID from another sender is not a duplicate", arguments: StoreBackend.all)
    func aMessageIDFromAnotherSenderIsNotADuplicate(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "m@x.test"), C.content(), ids: ids)
        let reused = try C.ingest(store, C.identity(2, messageID: "m@x.test"), C.content(from: "mallory@x.test", subject: "Other"), ids: ids)
        #expect(reused.ticket?.key == "SUPP-2")
        #expect(try C.ingest(store, C.identity(3, messageID: "m@x.test"), C.content(from: "mallory@x.test", subject: "Other"), ids: ids)
                == .duplicate(ticketKey: "SUPP-2"))
        #expect(try C.ingest(store, C.identity(4, messageID: "m@x.test"), C.content(), ids: ids) == .duplicate(ticketKey: "SUPP-1"))
    }

    @Test("without a Message-ID the bytes decide", arguments: StoreBackend.all)
    func withoutAMessageIDTheBytesDecide(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: nil, sha: "abc"), C.content(), ids: ids)
        #expect(try C.ingest(store, C.identity(2, messageID: nil, sha: "abc"), C.content(), ids: ids) == .duplicate(ticketKey: "SUPP-1"))
        #expect(try C.ingest(store, C.identity(nil, messageID: nil, sha: "abc"), C.content(), ids: ids) == .duplicate(ticketKey: "SUPP-1"))
        #expect(try C.ingest(store, C.identity(3, messageID: nil, sha: "def"), C.content(), ids: ids).ticket?.key == "SUPP-2")
        #expect(try store.cursor(mailbox: "support")?.lastUid == 3)
    }

    @Test("the cursor is the highest UID recorded, whatever became of the message", arguments: StoreBackend.all)
    func theCursorNeverGoesBack(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        #expect(try store.cursor(mailbox: "support") == nil)
        try C.ingest(store, C.identity(1, messageID: "a@x.test"), C.content(), ids: ids)
        try C.ingest(store, C.identity(4, messageID: "a@x.test"), C.content(), ids: ids)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 4, "a duplicate moves it")
        #expect(try C.ingest(store, C.identity(1, messageID: "a@x.test"), C.content(), ids: ids) == .alreadyRecorded)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 4, "an old UID seen again does not move it back")
        #expect(try store.recordedUIDs(mailbox: "support", uidValidity: 7, among: [1, 2, 3, 4, 5]) == [1, 4])
        // A pipe message has no UID and leaves the cursor alone.
        try C.ingest(store, C.identity(nil, messageID: "p@x.test"), C.content(subject: "Pipe"), ids: ids)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 4)
        // A new UIDVALIDITY starts over.
        try store.resetCursor(mailbox: "support", uidValidity: 9, at: C.at(10))
        let reset = try #require(try store.cursor(mailbox: "support"))
        #expect(reset.uidValidity == 9 && reset.lastUid == 0)
        try C.ingest(store, C.identity(2, messageID: "b@x.test", validity: 9), C.content(subject: "After"), ids: ids)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 2)
    }
}

@Suite("Store contract: recording is all or nothing")
struct RecordAtomicityContractTests {
    typealias C = Contract

    @Test("a decision that throws leaves nothing: no ticket, no inbound row, no cursor, no mail", arguments: StoreBackend.all)
    func aThrowingDecisionLeavesNothing(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "m1@x.test"), C.content(), ids: ids)
        #expect(throws: Contract.Unexpected.self) {
            try store.record(C.identity(2, messageID: "m2@x.test"), C.content(subject: "Second"), lookup: InboundLookup(keyPrefix: "SUPP")) { _ in
                throw Contract.Unexpected()
            }
        }
        #expect(throws: Contract.Unexpected.self) {
            try store.record(C.identity(1, mailbox: "sales", messageID: "s1@x.test"), C.content(subject: "Quote"), lookup: InboundLookup(keyPrefix: "SALES")) { _ in
                throw Contract.Unexpected()
            }
        }
        #expect(try store.tickets(status: nil, mailbox: nil).map(\.key) == ["SUPP-1"])
        #expect(try store.comments(ticketId: try C.ticketID(store, "SUPP-1")).count == 1)
        #expect(try store.inboundMessages(mailbox: nil).map(\.messageId) == ["m1@x.test"])
        #expect(try store.outbox(status: nil).count == 1)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 1)
        #expect(try store.cursor(mailbox: "sales") == nil)
        #expect(try store.recordedUIDs(mailbox: "support", uidValidity: 7, among: [2]).isEmpty)
        // Nothing was used up: the message is recorded in full when it comes again.
        let again = try C.ingest(store, C.identity(2, messageID: "m2@x.test"), C.content(subject: "Second"), ids: ids)
        #expect(again.ticket?.key == "SUPP-2")
        #expect(try store.cursor(mailbox: "support")?.lastUid == 2)
    }

    /// The plan is written part by part; the last part fails (two outgoing messages can never share
    /// a Message-ID: replies thread by it). What was written before must go too.
    @Test("a plan the store cannot write in full leaves nothing", arguments: StoreBackend.all)
    func aPlanThatFailsHalfwayLeavesNothing(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "m1@x.test"), C.content(), ids: ids)
        let taken = try #require(try store.outbox(status: nil).first?.messageId)
        var plan = RecordingContractTests.handMadePlan()
        plan.ticket.ticket.number = 2
        plan.ticket.ticket.key = "SUPP-2"
        plan.ticket.mail[plan.ticket.mail.count - 1].messageID = taken
        #expect(throws: (any Error).self) {
            try store.record(C.identity(2, messageID: "m2@x.test"), C.content(), lookup: InboundLookup(keyPrefix: "SUPP")) { _ in plan }
        }
        #expect(try store.ticket(key: "SUPP-2") == nil)
        #expect(try store.tickets(status: nil, mailbox: nil).count == 1)
        #expect(try store.outbox(status: nil).map(\.messageId) == [taken])
        #expect(try store.inboundMessages(mailbox: nil).count == 1)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 1)
        let first = try C.ticketID(store, "SUPP-1")
        #expect(try store.history(ticketId: first).map(\.kind) == [.created])
        #expect(try store.comments(ticketId: first).count == 1)
        #expect(try store.participants(ticketId: first, includingRemoved: true).map(\.address) == ["alice@x.test"])
    }
}

@Suite("Store contract: messages kept aside")
struct QuarantineContractTests {
    typealias C = Contract

    static func notice(_ messageID: String) -> PlannedMail {
        PlannedMail(
            intent: .messageTooLarge(to: C.alice, reason: "too large", size: 99_000_000, limit: 25_000_000), messageID: messageID,
            mailbox: "support", answering: MailThread(parent: "big@x.test"), facts: MailFacts(ticket: nil, subject: "Big"))
    }

    @Test("a message kept aside is recorded once, its sender told once, and the cursor moves", arguments: StoreBackend.all)
    func aMessageKeptAsideIsRecordedOnce(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        var asked = 0
        let notice = { () -> PlannedMail? in
            asked += 1
            return Self.notice("notice-\(asked)@x.test")
        }
        let identity = C.identity(9, messageID: "big@x.test", sha: "big")
        #expect(try store.recordQuarantine(identity, sender: "alice@x.test", reason: "too large", rawKept: true, notice: notice) == .quarantined(reason: "too large"))
        #expect(asked == 1)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 9)
        #expect(try store.recordedUIDs(mailbox: "support", uidValidity: 7, among: [8, 9]) == [9])
        #expect(try store.recordQuarantine(identity, sender: "alice@x.test", reason: "too large", rawKept: true, notice: notice) == .alreadyRecorded)
        #expect(asked == 1)
        let rows = try store.inboundMessages(mailbox: nil)
        #expect(rows.map(\.outcome) == [.quarantined])
        #expect(rows.first?.ticketId == nil && rows.first?.rawKept == true)
        let outbox = try store.outbox(status: .pending)
        #expect(try outbox.map { try $0.plannedMail() } == [Self.notice("notice-1@x.test")])
        #expect(outbox.map(\.ticketId) == [nil] && outbox.map(\.event) == [MailEvent.messageTooLarge.rawValue])
        #expect(outbox.map(\.recipients) == ["alice@x.test"])
        #expect(try store.tickets(status: nil, mailbox: nil).isEmpty)
    }

    @Test("a copy delivered again without a UID is recorded, but its sender is not told again", arguments: StoreBackend.all)
    func aPipeCopyGetsNoSecondNotice(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        var asked: [String] = []
        for identity in [
            C.identity(nil, messageID: "big@x.test", sha: "one"), C.identity(nil, messageID: "big@x.test", sha: "two"),
            C.identity(nil, messageID: nil, sha: "bytes"), C.identity(nil, messageID: nil, sha: "bytes"),
        ] {
            let result = try store.recordQuarantine(identity, sender: "alice@x.test", reason: "too large", rawKept: true) {
                asked.append(identity.sha256)
                return Self.notice("notice-\(asked.count)@x.test")
            }
            #expect(result == .quarantined(reason: "too large"))
        }
        #expect(asked == ["one", "bytes"], "by Message-ID, else by bytes")
        #expect(Set(try store.outbox(status: nil).map(\.messageId)) == ["notice-1@x.test", "notice-2@x.test"])
        let rows = try store.inboundMessages(mailbox: nil)
        #expect(rows.count == 4 && rows.allSatisfy { $0.outcome == .quarantined && $0.ticketId == nil })
        #expect(try store.cursor(mailbox: "support") == nil)
    }

    @Test("a copy of a message already on a ticket is a duplicate, and nobody is told it was kept aside", arguments: StoreBackend.all)
    func aCopyOfATicketsMessageIsADuplicate(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "m@x.test"), C.content(), ids: ids)
        var asked = false
        let result = try store.recordQuarantine(C.identity(3, mailbox: "sales", messageID: "m@x.test"), sender: "alice@x.test", reason: "too large", rawKept: false) {
            asked = true
            return Self.notice("notice@x.test")
        }
        #expect(result == .duplicate(ticketKey: "SUPP-1"))
        #expect(!asked)
        #expect(try store.outbox(status: nil).count == 1, "only the acknowledgement")
        #expect(try store.cursor(mailbox: "sales")?.lastUid == 3)
        #expect(try store.inboundMessages(mailbox: "sales").map(\.outcome) == [.duplicate])
    }

    @Test("a message kept aside at one address still becomes a ticket where it fits", arguments: StoreBackend.all)
    func aMessageKeptAsideIsNoDuplicateOfItself(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        _ = try store.recordQuarantine(C.identity(1, messageID: "big@x.test"), sender: "alice@x.test", reason: "too large", rawKept: false) { nil }
        let result = try C.ingest(store, C.identity(1, mailbox: "sales", messageID: "big@x.test"), C.content(), ids: TestMessageIDs())
        #expect(result.ticket?.key == "SALES-1")
    }
}

@Suite("Store contract: raw message retention")
struct RetentionContractTests {
    typealias C = Contract

    @Test("forgetting raw messages returns only the digests no other row keeps", arguments: StoreBackend.all)
    func forgettingReturnsOnlyUnkeptDigests(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        let month: TimeInterval = 30 * 86_400
        // s1: kept again by a later message with the same bytes. s2: kept by a copy kept aside.
        // s3: not kept at all. s4: kept by nothing else.
        try C.ingest(store, C.identity(1, messageID: "m1@x.test", sha: "s1", at: C.at(1)), C.content(subject: "One", rawKept: true), ids: ids)
        try C.ingest(store, C.identity(2, messageID: "m2@x.test", sha: "s2", at: C.at(2)), C.content(subject: "Two", rawKept: true), ids: ids)
        try C.ingest(store, C.identity(3, messageID: "m3@x.test", sha: "s3", at: C.at(3)), C.content(subject: "Three", rawKept: false), ids: ids)
        try C.ingest(store, C.identity(4, messageID: "m4@x.test", sha: "s4", at: C.at(4)), C.content(subject: "Four", rawKept: true), ids: ids)
        try C.ingest(store, C.identity(5, messageID: "later@x.test", sha: "s1", at: C.at(month)), C.content(subject: "One again", rawKept: true), ids: ids)
        _ = try store.recordQuarantine(C.identity(6, messageID: "big@x.test", sha: "s2", at: C.at(6)), sender: "alice@x.test", reason: "too large", rawKept: true) { nil }
        // A duplicate arriving at another mailbox keeps its own bytes: retention sees them.
        try C.ingest(store, C.identity(1, mailbox: "sales", messageID: "m1@x.test", sha: "s5", at: C.at(7)), C.content(subject: "One", rawKept: true), ids: ids)

        let cutoff = C.at(100)
        let expired = try store.keptRawMessages(mailbox: "support", receivedBefore: cutoff)
        #expect(expired.map(\.sha256).sorted() == ["s1", "s2", "s4"], "kept, old enough, and never a message kept aside (its file is the only copy)")
        #expect(try store.keptRawMessages(mailbox: "sales", receivedBefore: cutoff).map(\.sha256) == ["s5"])
        #expect(try store.forgetRawMessages(ids: expired.compactMap(\.id)) == ["s4"])
        #expect(try store.keptRawMessages(mailbox: "support", receivedBefore: cutoff).isEmpty)
        #expect(try store.forgetRawMessages(ids: []).isEmpty)

        let later = try store.keptRawMessages(mailbox: "support", receivedBefore: C.at(month + 1))
        #expect(later.map(\.sha256) == ["s1"])
        #expect(try store.forgetRawMessages(ids: later.compactMap(\.id)) == ["s1"])
    }

    @Test("a message's place in a pack is kept with it; a pack is unkept once none of its messages is kept", arguments: StoreBackend.all)
    func packsGoWithTheirLastKeptMessage(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        func packed(_ uid: UInt32, _ pack: String, _ offset: Int64) -> InboundIdentity {
            var identity = C.identity(uid, messageID: "p\(uid)@x.test", at: C.at(TimeInterval(uid)))
            identity.rawPack = pack
            identity.rawOffset = offset
            return identity
        }
        try C.ingest(store, packed(1, "p1", 0), C.content(subject: "One", rawKept: true), ids: ids)
        try C.ingest(store, packed(2, "p1", 100), C.content(subject: "Two", rawKept: true), ids: ids)
        try C.ingest(store, packed(3, "p2", 0), C.content(subject: "Three", rawKept: true), ids: ids)
        // A row retention never expires (kept aside) keeps its pack too: the store does not
        // know how a row came to name a pack.
        _ = try store.recordQuarantine(packed(4, "p2", 100), sender: "alice@x.test", reason: "failing", rawKept: true) { nil }
        try C.ingest(store, C.identity(5, messageID: "own-file@x.test", at: C.at(5)), C.content(subject: "Five", rawKept: true), ids: ids)

        let rows = try store.inboundMessages(mailbox: nil)
        #expect(rows.map(\.rawPack) == ["p1", "p1", "p2", "p2", nil])
        #expect(rows.map(\.rawOffset) == [0, 100, 0, 100, nil])
        #expect(try store.unkeptPacks(["p1", "p2", "never-written"]) == ["never-written"])
        #expect(try store.unkeptPacks([]).isEmpty)

        let expired = try store.keptRawMessages(mailbox: "support", receivedBefore: C.at(100))
        #expect(expired.compactMap(\.rawPack) == ["p1", "p1", "p2"])
        _ = try store.forgetRawMessages(ids: expired.compactMap(\.id))
        #expect(try store.unkeptPacks(["p1", "p2"]) == ["p1"], "p2 still holds the message kept aside")
    }
}
