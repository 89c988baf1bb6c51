import Foundation
import GRDB
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import MailTransport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` in the middle of a backlog: every message is recorded exactly once in the end, and
/// every one is flagged on the server, whatever batch the poll was in when it died.
@Suite("A poll killed mid-backlog", .serialized, .timeLimit(.minutes(10)))
struct PollCrashTests {
    /// A poll's first transaction takes up to about 420 messages (read windows of 8, 16, 32, 64,
    /// 100 …, up to `MailboxPoller.transactionSize`), so after two kills, each after one commit,
    /// more than a transaction's worth is left: the second poll cannot finish before its kill.
    static let count = 1_300

    @Test func killedTwiceLosesNothingAndDuplicatesNothing() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        try servers.deliverBacklog(Self.count, tag: "backlog")
        let arguments = ["poll", "--once", "--no-send", "--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path,
                         "--database", fixture.databasePath]
        let environment = fixture.environment.merging(["HELPDESK_DATA_DIR": fixture.dataDirectory]) { $1 }
        // PostgreSQL's database exists from the start: one reader for the whole test.
        let reader: (any TicketStore)? = fixture.store.kind == .postgres ? try fixture.store.open() : nil

        // Killed once the first transaction is committed, then once the next poll has committed
        // one of its own: mid-batch, mid-flags, or between, whatever the timing gives.
        var killedAt: [Int] = []
        for _ in 0..<2 {
            let threshold = (killedAt.last ?? 0) + 1
            let poll = try CommandLineTests.start(arguments, environment: environment)
            let deadline = Date(timeIntervalSinceNow: 120)
            var recorded = 0
            while recorded < threshold, poll.wait(seconds: 0) == nil, Date() < deadline {
                usleep(2_000)
                recorded = (try? Self.recordedCount(fixture, reader: reader)) ?? 0
            }
            try #require(recorded >= threshold, "no commit seen (\(recorded) recorded, exit \(String(describing: poll.wait(seconds: 0)))): \(poll.stderr)")
            poll.signal(SIGKILL)
            let status = poll.wait(seconds: 10)
            try #require(status == 128 + SIGKILL, "the poll ended on its own before the kill (\(String(describing: status))): \(poll.stderr)")
            killedAt.append(try Self.recordedCount(fixture, reader: reader))
        }
        #expect(killedAt.allSatisfy { $0 < Self.count }, "killed before the end: \(killedAt)")

        let finish = try CommandLineTests.helpdesk(arguments, environment: environment)
        #expect(finish.status == 0, "\(finish.stderr)")
        // The summary says how long the poll took and at what rate.
        #expect(finish.stdout.contains(" s (") && finish.stdout.contains(" msg/s)"), "\(finish.stdout)")

        let store = try reader ?? fixture.store.open()
        let inbound = try store.inboundMessages()
        #expect(inbound.count == Self.count)
        #expect(Set(inbound.compactMap(\.uid)).count == Self.count)
        let tickets = try store.tickets()
        #expect(tickets.count == Self.count, "one ticket per request, none twice")
        let comments = try tickets.flatMap { try store.comments(ticketId: $0.id ?? 0) }
        #expect(comments.count == Self.count)
        #expect(Set(comments.compactMap(\.messageId)).count == Self.count)
        // Every acknowledgement queued once (sent or withheld later by the loop caps).
        #expect(try store.outbox().filter { $0.event == "ticket_created" }.count == Self.count)
        #expect(try store.cursor(mailbox: "support")?.lastUid == inbound.compactMap(\.uid).max())
        let client = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        #expect(try client.search("UNKEYWORD $Helpdesk-Processed").isEmpty, "every recorded message is flagged")
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        return configuration
    }

    /// Messages recorded so far by the poll that is writing the store (0 before it exists).
    static func recordedCount(_ fixture: GatewayFixture, reader: (any TicketStore)?) throws -> Int {
        if let reader { return try reader.inboundMessages().count }
        // A read-only look, so the test never creates or migrates the file the poll is writing.
        let path = fixture.databasePath
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        return try DatabaseQueue(path: path, configuration: readOnly).read { db in
            guard try db.tableExists("inbound_message") else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbound_message") ?? 0
        }
    }
}
