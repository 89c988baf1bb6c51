import Foundation
@testable import Gateway
import HelpdeskStore
import Logging
import Synchronization
import Testing
import MailgateTestSupport

/// Raw messages stay for `keep_raw_messages`, then go; attachments stay.
@Suite("Raw message retention")
struct RetentionTests {
    /// A clock the test moves.
    final class Clock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(days: Double) { time.withLock { $0 = $0.addingTimeInterval(days * 86_400) } }
    }

    /// A pipe-only installation (no IMAP, no passwords) in a temp directory.
    /// `store` is the caller's, so the database lives as long as the test.
    func gateway(in directory: TemporaryDirectory, store: FixtureStore, keep: String, clock: Clock) throws -> HelpdeskGateway {
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
        try """
            address: support@example.test
            key: SUPP
            smtp:
              url: smtp://127.0.0.1:1
            keep_raw_messages: \(keep)
            """.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
        let settings = GatewaySettings(
            configDirectory: directory.path("mailboxes"), templatesDirectory: RepoPaths.templates.path,
            databasePath: store.location, dataDirectory: directory.path("data"), environment: store.environment)
        return try HelpdeskGateway(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: { clock.now })
    }

    func message(_ id: Int) -> [UInt8] {
        Array("""
            From: alice@example.test\r
            To: support@example.test\r
            Subject: Request \(id)\r
            Message-ID: <r\(id)@example.test>\r
            Content-Type: multipart/mixed; boundary=b\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            Please look.\r
            --b\r
            Content-Type: text/plain; name=log.txt\r
            Content-Disposition: attachment; filename=log.txt\r
            \r
            same log every time\r
            --b--\r

            """.utf8)
    }

    @Test func rawMessagesGoAfterTheirRetentionAttachmentsStay() throws {
        let directory = try TemporaryDirectory()
        let clock = Clock()
        let store = try FixtureStore(kind: .selected, directory: directory)
        let gateway = try gateway(in: directory, store: store, keep: "7d", clock: clock)
        _ = try gateway.ingest(mailbox: "support", raw: message(1))
        clock.advance(days: 5)
        _ = try gateway.ingest(mailbox: "support", raw: message(2))
        let digests = try gateway.database.inboundMessages().map(\.sha256)
        #expect(digests.allSatisfy { gateway.data.messages.contains($0) })

        clock.advance(days: 3)  // the first is 8 days old, the second 3
        #expect(try gateway.pruneRawMessages(dryRun: true) == PruneSummary(messages: 1, files: 0))
        #expect(gateway.data.messages.contains(digests[0]), "a dry run deletes nothing")
        #expect(try gateway.pruneRawMessages() == PruneSummary(messages: 1, files: 1))
        #expect(!gateway.data.messages.contains(digests[0]))
        #expect(gateway.data.messages.contains(digests[1]))
        #expect(try gateway.database.inboundMessages().map(\.rawKept) == [false, true])
        #expect(try gateway.pruneRawMessages() == PruneSummary(messages: 0, files: 0), "nothing twice")

        let attachment = try #require(try gateway.database.attachments(ticketId: 1).values.first?.first)
        #expect(try gateway.data.attachments.read(attachment.sha256) == Array("same log every time".utf8))
    }

    @Test("a pack no message was recorded from goes a day after it was written, not before")
    func packsNobodyRecordedGoAfterADay() throws {
        let directory = try TemporaryDirectory()
        let clock = Clock()
        let store = try FixtureStore(kind: .selected, directory: directory)
        let gateway = try gateway(in: directory, store: store, keep: "forever", clock: clock)
        // A batch read, then the poll stopped before recording it: nothing names its pack.
        let orphan = gateway.data.packs.writer(at: clock.now)
        let place = try orphan.append(message(1))
        orphan.close()
        let path = try #require(gateway.data.packs.path(for: place.pack))

        clock.advance(days: 0.9)
        #expect(try gateway.pruneRawMessages() == PruneSummary(messages: 0, files: 0), "a poll may still be recording it")
        #expect(FileManager.default.fileExists(atPath: path))
        clock.advance(days: 0.2)
        #expect(try gateway.pruneRawMessages(dryRun: true) == PruneSummary())
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try gateway.pruneRawMessages() == PruneSummary(messages: 0, files: 1))
        #expect(!FileManager.default.fileExists(atPath: path))
        // Files that are not packs are left alone, even named like one.
        for stray in ["notes.txt", "2024notes.pack"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: gateway.data.packs.root + "/" + stray))
        }
        clock.advance(days: 2)
        #expect(try gateway.pruneRawMessages() == PruneSummary(messages: 0, files: 0))
        #expect(FileManager.default.fileExists(atPath: gateway.data.packs.root + "/notes.txt"))
        #expect(FileManager.default.fileExists(atPath: gateway.data.packs.root + "/2024notes.pack"))
    }

    @Test func messagesKeptAsideOutliveTheRetention() throws {
        let directory = try TemporaryDirectory()
        let clock = Clock()
        let store = try FixtureStore(kind: .selected, directory: directory)
        let gateway = try gateway(in: directory, store: store, keep: "0", clock: clock)
        var big = message(1)
        big += Array(repeating: UInt8(ascii: "x"), count: MailboxConfig.defaultMaximumMessageSize)
        guard case .quarantined = try gateway.ingest(mailbox: "support", raw: big) else {
            Issue.record("an oversize message must be kept aside")
            return
        }
        let digest = try #require(try gateway.database.inboundMessages().first?.sha256)
        clock.advance(days: 365)
        #expect(try gateway.pruneRawMessages() == PruneSummary(messages: 0, files: 0))
        #expect(try gateway.data.messages.read(digest) == big, "the only copy of a piped message stays")
    }

    @Test func zeroKeepsNothingAndForeverKeepsAll() throws {
        let clock = Clock()
        let (first, second) = (try TemporaryDirectory(), try TemporaryDirectory())  // alive for the whole test
        let firstStore = try FixtureStore(kind: .selected, directory: first)
        let none = try gateway(in: first, store: firstStore, keep: "0", clock: clock)
        _ = try none.ingest(mailbox: "support", raw: message(1))
        #expect(try none.database.inboundMessages().map(\.rawKept) == [false])
        #expect(!none.data.messages.contains(try #require(try none.database.inboundMessages().first?.sha256)))

        let secondStore = try FixtureStore(kind: .selected, directory: second)
        let all = try gateway(in: second, store: secondStore, keep: "forever", clock: clock)
        _ = try all.ingest(mailbox: "support", raw: message(1))
        clock.advance(days: 10_000)
        #expect(try all.pruneRawMessages() == PruneSummary(messages: 0, files: 0))
        #expect(try all.database.inboundMessages().map(\.rawKept) == [true])
    }
}
