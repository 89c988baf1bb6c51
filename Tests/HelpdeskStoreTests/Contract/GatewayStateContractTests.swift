import Foundation
import GRDB
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

// What a running gateway records about itself (each mailbox's last poll) and the counts `status`
// and the health endpoints read back, run against every backend in `StoreBackend.all`. The
// states are reached through the real rules (MailgateTestSupport), as the gateway reaches them.

@Suite("Store contract: mailbox polls")
struct PollStateContractTests {
    typealias C = Contract

    static func report(
        _ mailbox: String = "support", at seconds: TimeInterval, duration: TimeInterval = 1, error: String? = nil, unrecorded: Int? = nil,
        interval: TimeInterval? = 60
    ) -> PollReport {
        PollReport(mailbox: mailbox, at: C.at(seconds), duration: duration, error: error, unrecorded: unrecorded, interval: interval)
    }

    static func state(_ store: any TicketStore, _ mailbox: String = "support") throws -> PollState {
        try #require(try store.pollStates().first { $0.mailbox == mailbox })
    }

    @Test("a store never polled has no poll states and empty health", arguments: StoreBackend.all)
    func emptyStore(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.pollStates().isEmpty)
        #expect(try store.health(at: C.t0) == StoreHealth())
    }

    @Test("a failure keeps the last success; a later success keeps the last error and its time", arguments: StoreBackend.all)
    func successAndFailureKeepEachOther(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try store.recordPoll(Self.report(at: 10, duration: 2, unrecorded: 5))
        #expect(try Self.state(store) == PollState(
            mailbox: "support", lastAttemptAt: C.at(10), lastSuccessAt: C.at(10), lastFailed: false, lastError: nil, lastErrorAt: nil,
            duration: 2, unrecorded: 5, interval: 60))

        try store.recordPoll(Self.report(at: 70, duration: 0.5, error: "IMAP: LOGIN refused"))
        #expect(try Self.state(store) == PollState(
            mailbox: "support", lastAttemptAt: C.at(70), lastSuccessAt: C.at(10), lastFailed: true, lastError: "IMAP: LOGIN refused",
            lastErrorAt: C.at(70), duration: 0.5, unrecorded: 5, interval: 60))

        // A second failure replaces the error and its time; the success stays.
        try store.recordPoll(Self.report(at: 130, error: "connection reset"))
        var state = try Self.state(store)
        #expect(state.lastSuccessAt == C.at(10) && state.lastFailed)
        #expect(state.lastError == "connection reset" && state.lastErrorAt == C.at(130))

        try store.recordPoll(Self.report(at: 190, duration: 3, unrecorded: 0))
        state = try Self.state(store)
        #expect(state == PollState(
            mailbox: "support", lastAttemptAt: C.at(190), lastSuccessAt: C.at(190), lastFailed: false, lastError: "connection reset",
            lastErrorAt: C.at(130), duration: 3, unrecorded: 0, interval: 60), "the success clears lastFailed, not the error")
    }

    @Test("a first poll that fails has no success yet", arguments: StoreBackend.all)
    func aFirstFailureHasNoSuccess(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try store.recordPoll(Self.report(at: 10, error: "timeout"))
        let state = try Self.state(store)
        #expect(state.lastSuccessAt == nil && state.lastFailed && state.lastError == "timeout" && state.lastErrorAt == C.at(10))
        #expect(state.lastAttemptAt == C.at(10))
    }

    /// (first poll's unrecorded, the next poll's, what is stored after both)
    static let unrecordedCases: [(Int?, Int?, Int?)] = [
        (5, nil, 5),  // unknown this time: the last known count stays
        (5, 0, 0),  // zero is a count, not "unknown"
        (5, 2, 2),
        (nil, 3, 3),
        (nil, nil, nil),
    ]

    @Test("an unknown unrecorded count (nil) keeps the last known one", arguments: StoreBackend.all, unrecordedCases)
    func unrecordedCountKeepsTheLastKnown(backend: StoreBackend, counts: (Int?, Int?, Int?)) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try store.recordPoll(Self.report(at: 10, unrecorded: counts.0))
        try store.recordPoll(Self.report(at: 70, unrecorded: counts.1))
        #expect(try Self.state(store).unrecorded == counts.2)
        // A failed poll that could not count keeps it too.
        try store.recordPoll(Self.report(at: 130, error: "timeout", unrecorded: nil))
        #expect(try Self.state(store).unrecorded == counts.2)
    }

    /// (first poll's interval, the next poll's, what is stored after both)
    static let intervalCases: [(TimeInterval?, TimeInterval?, TimeInterval?)] = [
        (60, nil, nil),  // a one-off poll after the daemon's: no interval to judge by
        (nil, 30, 30),
        (60, 120, 120),
        (nil, nil, nil),
    ]

    @Test("the interval is the last poll's, nil included", arguments: StoreBackend.all, intervalCases)
    func intervalIsTheLastPolls(backend: StoreBackend, intervals: (TimeInterval?, TimeInterval?, TimeInterval?)) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try store.recordPoll(Self.report(at: 10, interval: intervals.0))
        #expect(try Self.state(store).interval == intervals.0)
        try store.recordPoll(Self.report(at: 70, interval: intervals.1))
        #expect(try Self.state(store).interval == intervals.2)
    }

    @Test("each mailbox has its own poll state", arguments: StoreBackend.all)
    func mailboxesAreSeparate(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try store.recordPoll(Self.report("support", at: 10, unrecorded: 1, interval: 60))
        try store.recordPoll(Self.report("sales", at: 20, error: "refused", interval: 300))
        try store.recordPoll(Self.report("support", at: 30, unrecorded: 2, interval: 60))
        let states = Dictionary(uniqueKeysWithValues: try store.pollStates().map { ($0.mailbox, $0) })
        #expect(states.count == 2)
        #expect(states["support"]?.lastAttemptAt == C.at(30) && states["support"]?.unrecorded == 2 && states["support"]?.lastFailed == false)
        #expect(states["support"]?.lastError == nil, "sales's error is not support's")
        #expect(states["sales"] == PollState(
            mailbox: "sales", lastAttemptAt: C.at(20), lastSuccessAt: nil, lastFailed: true, lastError: "refused", lastErrorAt: C.at(20),
            duration: 1, unrecorded: nil, interval: 300))
    }
}

@Suite("Store contract: health counts")
struct StoreHealthContractTests {
    typealias C = Contract

    static let hour: TimeInterval = 3600
    /// First response in 1 h, resolution in 8 h, around the clock.
    static let policy = SLAPolicy(
        calendar: .alwaysOpen, targets: [.normal: SLATargets(firstResponse: hour, resolution: 8 * hour)], warningPoint: 0.5)
    /// No agents: a new ticket queues only its acknowledgement.
    static let support = MailboxRules(name: "support", keyPrefix: "SUPP", sla: policy)
    static let sales = MailboxRules(name: "sales", keyPrefix: "SALES")
    static let agent = TicketActor(address: "bob@x.test", role: .agent)

    /// Opens a ticket in `rules`' mailbox at `seconds`, as the gateway does; returns its key.
    @discardableResult
    static func open(_ store: any TicketStore, _ rules: MailboxRules, uid: UInt32, at seconds: TimeInterval, ids: TestMessageIDs) throws -> String {
        let identity = C.identity(uid, mailbox: rules.name, messageID: "\(rules.name)-\(uid)@x.test", at: C.at(seconds))
        let result = try store.ingest(identity, content: C.content(subject: "Question \(uid)"), rules: rules, mailboxes: [support, sales], messageIDs: ids)
        return try #require(result.ticket?.key)
    }

    static func change(_ store: any TicketStore, _ key: String, _ change: TicketChange, rules: MailboxRules, at seconds: TimeInterval) throws {
        try store.update(ticketKey: key, change: change, actor: agent, rules: rules, at: C.at(seconds))
    }

    /// The acknowledgement queued for ticket `key`.
    static func acknowledgement(_ store: any TicketStore, of key: String) throws -> OutboxRecord {
        let id = try C.ticketID(store, key)
        return try #require(try store.outbox(status: nil).first { $0.ticketId == id && $0.event == MailEvent.ticketCreated.rawValue })
    }

    static func quarantine(_ store: any TicketStore, _ mailbox: String, uid: UInt32) throws {
        let identity = C.identity(uid, mailbox: mailbox, messageID: "big-\(mailbox)-\(uid)@x.test", sha: "big-\(mailbox)-\(uid)")
        #expect(try store.recordQuarantine(identity, sender: "alice@x.test", reason: "too large", rawKept: false) { nil } == .quarantined(reason: "too large"))
    }

    @Test("outbox rows count per mailbox and status; the oldest pending is the oldest still pending", arguments: StoreBackend.all)
    func outboxCounts(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        for (uid, seconds) in [(1, 0.0), (2, 60), (3, 120), (4, 180)] as [(UInt32, TimeInterval)] {
            try Self.open(store, Self.sales, uid: uid, at: seconds, ids: ids)
        }
        try Self.open(store, Self.support, uid: 1, at: 30, ids: ids)
        try Self.open(store, Self.support, uid: 2, at: 90, ids: ids)
        try #require(try store.outbox(status: nil).count == 6, "one acknowledgement per ticket")

        let owner = "dispatcher"
        #expect(try store.claimDueOutbox(mailbox: nil, owner: owner, now: C.at(1000), lease: 600, limit: 100).count == 6)
        // sales: the oldest sent, the next given up on, the third failed once and waiting for its
        // retry (still pending), the fourth untouched.
        #expect(try store.markSent(outboxId: try #require(try Self.acknowledgement(store, of: "SALES-1").id), owner: owner, at: C.at(1000)))
        try store.markAttemptFailed(outboxId: try #require(try Self.acknowledgement(store, of: "SALES-2").id), owner: owner, error: "550", retryAt: nil)
        try store.markAttemptFailed(
            outboxId: try #require(try Self.acknowledgement(store, of: "SALES-3").id), owner: owner, error: "421", retryAt: C.at(2000))
        // support: both given up on.
        for key in ["SUPP-1", "SUPP-2"] {
            try store.markAttemptFailed(outboxId: try #require(try Self.acknowledgement(store, of: key).id), owner: owner, error: "550", retryAt: nil)
        }
        try store.releaseClaims(owner: owner)

        let health = try store.health(at: C.at(1000))
        #expect(health.outboxPending == ["sales": 2], "a mailbox with nothing pending is left out")
        #expect(health.outboxFailed == ["sales": 1, "support": 2])
        #expect(health.oldestPendingAt == ["sales": C.at(120)], "SALES-3's row: older ones were sent or given up on")
    }

    @Test("messages kept aside count per mailbox; other inbound messages do not", arguments: StoreBackend.all)
    func keptAsideCounts(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try Self.open(store, Self.support, uid: 1, at: 0, ids: TestMessageIDs())
        try Self.quarantine(store, "support", uid: 2)
        try Self.quarantine(store, "support", uid: 3)
        try Self.quarantine(store, "sales", uid: 1)
        let health = try store.health(at: C.at(60))
        #expect(health.keptAside == ["support": 2, "sales": 1])
        #expect(health.outboxPending == ["support": 1], "the ticket's acknowledgement; no notice was asked for")
    }

    @Test("tickets count per mailbox and status", arguments: StoreBackend.all)
    func ticketCounts(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        for uid in UInt32(1)...3 { try Self.open(store, Self.support, uid: uid, at: TimeInterval(uid), ids: ids) }
        for uid in UInt32(1)...2 { try Self.open(store, Self.sales, uid: uid, at: TimeInterval(uid), ids: ids) }
        try Self.change(store, "SUPP-2", TicketChange(status: .pending), rules: Self.support, at: 100)
        try Self.change(store, "SUPP-3", TicketChange(status: .resolved), rules: Self.support, at: 100)
        try Self.change(store, "SALES-1", TicketChange(status: .open), rules: Self.sales, at: 100)
        let statuses = try store.tickets(status: nil, mailbox: nil).reduce(into: [String: [String: Int]]()) {
            $0[$1.mailbox, default: [:]][$1.status.rawValue, default: 0] += 1
        }
        // What the rules made of the tickets, counted by hand: health must agree with the tickets.
        #expect(try store.health(at: C.at(200)).ticketsByStatus == statuses)
        #expect(statuses == ["support": ["new": 1, "pending": 1, "resolved": 1], "sales": ["open": 1, "new": 1]])
    }

    @Test("a ticket being worked on with a clock past due is breaching now; resolved, pending or not yet due is not", arguments: StoreBackend.all)
    func breachingNow(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        let minute: TimeInterval = 60
        // SUPP-1: first response due at 60 min, never answered, never changed: its stored clock
        // still says "running", so only `now` tells it is past due.
        try Self.open(store, Self.support, uid: 1, at: 0, ids: ids)
        // SUPP-2: first response due at 70 min, resolved at 90 min: breached, but no longer worked on.
        try Self.open(store, Self.support, uid: 2, at: 10 * minute, ids: ids)
        try Self.change(store, "SUPP-2", TicketChange(status: .resolved), rules: Self.support, at: 90 * minute)
        // SUPP-3: pending from its start: the clocks stand still.
        try Self.open(store, Self.support, uid: 3, at: 0, ids: ids)
        try Self.change(store, "SUPP-3", TicketChange(status: .pending), rules: Self.support, at: 1)
        // SUPP-4: first response due at 180 min.
        try Self.open(store, Self.support, uid: 4, at: 120 * minute, ids: ids)
        // SALES-1: no policy, no clock, however old.
        try Self.open(store, Self.sales, uid: 1, at: 0, ids: ids)
        try #require(try store.sla(ticketId: try C.ticketID(store, "SUPP-2")).contains { $0.outcome == .breached },
                     "SUPP-2 breached before it was resolved, so only its status keeps it out")

        #expect(try store.health(at: C.at(60 * minute - 1)).breachingNow.isEmpty, "a second before SUPP-1's due time")
        // At the due time itself, as `dueSLANotices` already calls it a breach.
        #expect(try store.health(at: C.at(60 * minute)).breachingNow == ["support": 1])
        #expect(try store.health(at: C.at(150 * minute)).breachingNow == ["support": 1])
        // SUPP-1 now has both clocks past due and still counts once; SUPP-4 joins it.
        #expect(try store.health(at: C.at(9 * Self.hour)).breachingNow == ["support": 2])
    }

    @Test("a breach already recorded counts while the ticket is worked on", arguments: StoreBackend.all)
    func aRecordedBreachCounts(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try Self.open(store, Self.support, uid: 1, at: 0, ids: TestMessageIDs())
        // A change after the due time stores the clock as breached rather than running.
        try Self.change(store, "SUPP-1", TicketChange(status: .open), rules: Self.support, at: 2 * Self.hour)
        try #require(try store.sla(ticketId: try C.ticketID(store, "SUPP-1")).contains { $0.outcome == .breached })
        #expect(try store.health(at: C.at(2 * Self.hour)).breachingNow == ["support": 1])
    }

    @Test("a normal database is writable", arguments: StoreBackend.all)
    func checkWritableOnANormalDatabase(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try store.checkWritable()
        // The check writes nothing.
        #expect(try store.pollStates().isEmpty && store.tickets(status: nil, mailbox: nil).isEmpty)
        try store.recordPoll(PollStateContractTests.report(at: 1))
        try store.checkWritable()
        #expect(try store.pollStates().count == 1)
    }
}

/// `checkWritable` against SQLite files that cannot take a write: these need a file, so they are
/// not part of the backend-neutral contract.
@Suite("SQLite: checkWritable", .timeLimit(.minutes(5)))
struct CheckWritableSQLiteTests {
    @Test("a database file that cannot be written is not writable")
    func aReadOnlyDatabaseIsNotWritable() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("helpdesk.sqlite")
        // Created and migrated while writable, and kept open: its non-empty WAL lets GRDB open
        // the read-only file below without a write of its own (what a process without write
        // permission sees while the daemon runs).
        let writer = try HelpdeskDatabase(path: path)
        try writer.recordPoll(PollReport(mailbox: "support", at: Contract.t0, duration: 1, error: nil, unrecorded: nil, interval: 60))
        guard let undo = Unwritable.make(path) else {
            try Test.cancel("no way to make a file read-only for this process here")
        }
        // The writer's WAL and the folder must outlive the read-only spell, which must end
        // before the folder is removed.
        defer { withExtendedLifetime((directory, writer)) { undo() } }

        let database = try HelpdeskDatabase(path: path)
        #expect(try database.pollStates().count == 1, "it still reads")
        #expect(throws: (any Error).self, "a real write fails: the database is read-only") {
            try database.recordPoll(PollReport(mailbox: "sales", at: Contract.t0, duration: 1, error: nil, unrecorded: nil, interval: 60))
        }
        // SQLite quietly makes BEGIN IMMEDIATE a read transaction on a read-only database, so
        // taking the write lock alone proves nothing here.
        #expect(throws: (any Error).self, "so the check must fail too") { try database.checkWritable() }
    }

    @Test("a database another connection holds the write lock of is not writable (after the busy timeout)")
    func aLockedDatabaseIsNotWritable() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("helpdesk.sqlite")
        defer { withExtendedLifetime(directory) {} }
        let database = try HelpdeskDatabase(path: path)
        try database.checkWritable()

        // Another process's long write, as SQLite sees it: a connection inside BEGIN IMMEDIATE.
        // (GRDB refuses a transaction left open across accesses unless told it is on purpose.)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: configuration)
        try other.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let started = Date()
        #expect(throws: (any Error).self) { try database.checkWritable() }
        // The whole busy timeout was waited: the check asked for the write lock, it did not give up at once.
        #expect(Date().timeIntervalSince(started) >= 1)
        try other.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try database.checkWritable()
    }
}
