import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import Logging
import MailTransport
import MIME
import Synchronization
import MailgateTestSupport
import Testing

@Suite("Outbox dispatch on a real MTA", .serialized, .timeLimit(.minutes(5)))
struct OutboxDispatcherTests {
    /// A new ticket per recipient, each with its acknowledgement waiting in the outbox.
    func queue(_ database: HelpdeskDatabase, recipients: [String], now: Date) throws {
        let rules = MailboxRules(name: "support", keyPrefix: "SUPP")
        for (index, recipient) in recipients.enumerated() {
            let identity = InboundIdentity(mailbox: "support", uidValidity: 1, uid: UInt32(index + 1), messageID: "in-\(index)@t",
                                           sha256: "\(index)", size: 1, receivedAt: now)
            let content = InboundContent(requesterAddress: recipient, requesterName: nil, subject: "s\(index)", body: "b",
                                         followUp: .init(referencedMessageIDs: [], subjectKeys: []), autoReplySuppression: nil)
            _ = try database.ingest(identity, content: content, rules: rules)
        }
    }

    static let mailbox = try! MailboxConfig.parse(yaml: ConfigTests.valid, file: "mailboxes/support.yaml")

    static func renderer(templates: String = RepoPaths.templates.path) throws -> MailRenderer {
        MailRenderer(templates: try TemplateLibrary.load(directory: templates, mailboxes: [mailbox.name]), mailboxes: [mailbox], secrets: [:])
    }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func drainsEveryBatchAndRecordsPermanentRefusals() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let database = try HelpdeskDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try queue(database, recipients: ["alice@example.test", "erin@example.test", "nobody@elsewhere.example", "frank@example.test", "alice@example.test"], now: now)
        let dispatcher = OutboxDispatcher(
            store: database, endpoints: ["support": servers.smtpEndpoint], renderer: try Self.renderer(), schedule: .standard,
            logger: Self.quiet, now: { now })
        let summary = try dispatcher.dispatchDue(batchSize: 2)
        #expect(summary == DispatchSummary(sent: 4, retrying: 0, failed: 1))
        #expect(try database.outbox(status: .failed).first?.recipients == "nobody@elsewhere.example")
        #expect(try database.outbox(status: .failed).first?.lastError?.contains("550") == true)
        try servers.waitForMessages(user: "alice", count: 2)
        #expect(try dispatcher.dispatchDue(batchSize: 2) == DispatchSummary())
    }

    @Test func mailOfARemovedMailboxWaitsInsteadOfFailing() throws {
        let database = try HelpdeskDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try queue(database, recipients: ["alice@example.test", "erin@example.test"], now: now)
        let dispatcher = OutboxDispatcher(
            store: database, endpoints: [:], renderer: try Self.renderer(), schedule: .standard, logger: Self.quiet, now: { now })
        #expect(try dispatcher.dispatchDue() == DispatchSummary(sent: 0, retrying: 1, failed: 0))
        #expect(try database.outbox().map(\.status) == [.pending, .pending])
        #expect(try database.outbox().first?.lastError?.contains("no SMTP settings") == true)
    }

    @Test func serverDownKeepsMailForLaterWithBackoff() throws {
        let database = try HelpdeskDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try queue(database, recipients: ["alice@example.test", "erin@example.test"], now: now)
        let port = try FreePorts.allocate(1)[0]
        let down = ServerEndpoint(baseURL: "smtp://127.0.0.1:\(port)", security: .none, connectTimeout: 2, transferTimeout: 5)
        let dispatcher = OutboxDispatcher(
            store: database, endpoints: ["support": down], renderer: try Self.renderer(), schedule: .standard, logger: Self.quiet, now: { now })
        let summary = try dispatcher.dispatchDue()
        // One attempt finds the server down; the rest wait for the next run untouched.
        #expect(summary == DispatchSummary(sent: 0, retrying: 1, failed: 0))
        let rows = try database.outbox()
        #expect(rows.map(\.status) == [.pending, .pending])
        #expect(rows.map(\.attempts) == [1, 0])
        #expect(rows.first?.nextAttemptAt == now.addingTimeInterval(60))
        #expect(try database.claimDueOutbox(mailbox: nil, owner: "check", now: now, lease: 60, limit: 10).count == 1)
    }
}

/// Takes every message handed to it and remembers its Message-ID, from any thread.
final class RecordingSubmitter: MailSubmitter, Sendable {
    let sent = Mutex<[String]>([])

    func send(from: String, to recipients: [String], message: [UInt8]) throws(TransportError) {
        let id = Message.parse(message).messageID ?? "?"
        sent.withLock { $0.append(id) }
    }
}

/// Passes mail on; its first send waits (up to a minute) until the other dispatcher's has come.
final class MeetingSubmitter: MailSubmitter, Sendable {
    let inner: RecordingSubmitter
    let meeting: DispatchGroup
    let arrived = Mutex(false)

    init(inner: RecordingSubmitter, meeting: DispatchGroup) {
        self.inner = inner
        self.meeting = meeting
    }

    func send(from: String, to recipients: [String], message: [UInt8]) throws(TransportError) {
        let first = arrived.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            meeting.leave()
            _ = meeting.wait(timeout: .now() + 60)
        }
        try inner.send(from: from, to: recipients, message: message)
    }
}

@Suite("Outbox claims and rendering at the edge", .serialized, .timeLimit(.minutes(5)))
struct OutboxClaimTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func twoDispatchersRacingOnFiveHundredRowsSendEachOnce() throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-race")
        let path = directory.url.appendingPathComponent("helpdesk.sqlite").path
        let seed = try HelpdeskDatabase(path: path)
        try OutboxDispatcherTests().queue(seed, recipients: (0..<500).map { "r\($0)@example.test" }, now: Self.now)
        let submitter = RecordingSubmitter()
        let renderer = try OutboxDispatcherTests.renderer()
        let summaries = Mutex<[DispatchSummary]>([])
        // Two stores on one file, one per thread: two processes, as `helpdesk run` beside a cron
        // `outbox flush`. Small batches, so the two interleave claim by claim.
        // Each holds its first send until the other has one in hand too, so both take part
        // however the threads are scheduled (a loaded machine once let one drain all 500).
        let meeting = DispatchGroup()
        meeting.enter()
        meeting.enter()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let meet = MeetingSubmitter(inner: submitter, meeting: meeting)
            let summary = (try? OutboxDispatcher(
                store: try HelpdeskDatabase(path: path), renderer: renderer, connect: { _ in meet }, schedule: .standard,
                logger: OutboxDispatcherTests.quiet, now: { Self.now }
            ).dispatchDue(batchSize: 25)) ?? DispatchSummary(failed: -1)
            summaries.withLock { $0.append(summary) }
        }
        let sent = submitter.sent.withLock { $0 }
        #expect(sent.count == 500)
        #expect(Set(sent).count == 500, "a row went out twice")
        #expect(Set(sent) == Set(try seed.outbox(status: nil).map(\.messageId)))
        #expect(summaries.withLock { $0.map(\.sent).reduce(0, +) } == 500)
        #expect(summaries.withLock { $0.allSatisfy { $0.sent > 0 } }, "both took part: \(summaries.withLock { $0 })")
        #expect(try seed.outbox(status: .sent).count == 500)
        #expect(try seed.outbox(status: nil).allSatisfy { $0.claimedBy == nil })
    }

    @Test func aRowWhoseClaimWasTakenOverMeanwhileIsNotSentAgain() throws {
        let database = try HelpdeskDatabase.inMemory()
        try OutboxDispatcherTests().queue(database, recipients: ["a@example.test", "b@example.test", "c@example.test"], now: Self.now)
        let clock = TestClock()
        // Each send takes 4 of the lease's 5 minutes: by the third row its claim from the start of
        // the batch has run out, and another sender took it meanwhile (during the second send).
        let slow = TakeoverSubmitter { count in
            clock.advance(4 * 60)
            if count == 2 { _ = try? database.claimDueOutbox(mailbox: nil, owner: "other sender", now: clock.now(), lease: 600, limit: 10) }
        }
        let dispatcher = OutboxDispatcher(
            store: database, renderer: try OutboxDispatcherTests.renderer(), connect: { _ in slow }, schedule: .standard,
            logger: OutboxDispatcherTests.quiet, now: clock.now)
        #expect(try dispatcher.dispatchDue(batchSize: 10) == DispatchSummary(sent: 2))
        #expect(slow.sent.withLock { $0 }.count == 2, "the row the other sender holds was left to it")
        let rows = try database.outbox(status: .pending)
        #expect(rows.count == 1 && rows.allSatisfy { $0.claimedBy == "other sender" })
        #expect(try database.outbox(status: .sent).count == 2, "the row renewed before its send stayed ours")
    }

    static let renderDelays: [(age: TimeInterval, delay: TimeInterval)] = [
        (0, 60), (300, 60), (600, 60), (1_800, 180), (36_000, 3_600), (30 * 86_400, 3_600),
    ]

    @Test(arguments: renderDelays)
    func aBrokenTemplateIsTriedLessOftenAsTheMailAges(row: (age: TimeInterval, delay: TimeInterval)) {
        #expect(OutboxDispatcher.renderRetryDelay(age: row.age) == row.delay)
    }

    @Test func aBrokenTemplateKeepsTheMailWaitingUntilItIsFixed() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let database = try HelpdeskDatabase.inMemory()
        try OutboxDispatcherTests().queue(database, recipients: ["alice@example.test"], now: Self.now)
        let templates = try TemporaryDirectory(prefix: "mailgate-templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: RepoPaths.templates.path) {
            try FileManager.default.copyItem(at: RepoPaths.templates.appendingPathComponent(name), to: templates.url.appendingPathComponent(name))
        }
        let acknowledgement = templates.url.appendingPathComponent("ticket_created.mustache")
        let good = try String(contentsOf: acknowledgement, encoding: .utf8)
        // Passes the check (the sample reopens its ticket), but real mail for a new ticket renders
        // without a Subject: found only when that mail is rendered.
        try "Subject: {{#reopened}}[{{ticket.key}}]{{/reopened}}\n\nHello\n".write(to: acknowledgement, atomically: true, encoding: .utf8)
        var clock = Self.now
        func dispatcher() throws -> OutboxDispatcher {
            let at = clock
            return OutboxDispatcher(
                store: database, endpoints: ["support": servers.smtpEndpoint], renderer: try OutboxDispatcherTests.renderer(templates: templates.url.path),
                schedule: .standard, logger: OutboxDispatcherTests.quiet, now: { at })
        }
        #expect(try dispatcher().dispatchDue() == DispatchSummary(unrendered: 1))
        let waiting = try #require(try database.outbox(status: nil).first)
        #expect(waiting.status == .pending && waiting.attempts == 0 && waiting.message == nil)
        #expect(waiting.isWaitingForTemplate, "`outbox list` shows it as pending (template)")
        #expect(waiting.lastError?.contains("ticket_created.mustache") == true, "\(waiting.lastError ?? "")")
        #expect(waiting.nextAttemptAt == Self.now.addingTimeInterval(OutboxDispatcher.renderRetry))
        #expect(try dispatcher().dispatchDue() == DispatchSummary(), "not tried again before its time")

        try good.write(to: acknowledgement, atomically: true, encoding: .utf8)
        clock = Self.now.addingTimeInterval(OutboxDispatcher.renderRetry)
        #expect(try dispatcher().dispatchDue() == DispatchSummary(sent: 1))
        try servers.waitForMessages(user: "alice", count: 1)
        let delivered = Message.parse(try #require(try servers.messages(user: "alice").first))
        #expect(delivered.messageID == waiting.messageId, "delivered under the Message-ID fixed when it was decided")
        #expect(delivered.subject == "[SUPP-1] s0")
        let sent = try #require(try database.outbox(status: .sent).first)
        #expect(sent.lastError == nil)
        #expect(sent.message.map { Message.parse([UInt8]($0)).messageID } == waiting.messageId, "the bytes sent are kept with the row")
        #expect(try database.outbox(status: nil).allSatisfy { !$0.isWaitingForTemplate })
    }
}

/// Records Message-IDs like `RecordingSubmitter`, and runs `during` inside each send with its number.
final class TakeoverSubmitter: MailSubmitter, Sendable {
    let sent = Mutex<[String]>([])
    private let during: @Sendable (Int) -> Void

    init(during: @escaping @Sendable (Int) -> Void) { self.during = during }

    func send(from: String, to recipients: [String], message: [UInt8]) throws(TransportError) {
        let count = sent.withLock { list in
            list.append(Message.parse(message).messageID ?? "?")
            return list.count
        }
        during(count)
    }
}
