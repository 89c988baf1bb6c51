import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import Logging
import MailTransport
import MailgateTestSupport
import Testing

@Suite("Outbox dispatch on a real MTA", .serialized, .timeLimit(.minutes(2)))
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
        MailRenderer(templates: try TemplateLibrary.load(directory: templates), mailboxes: [mailbox], secrets: [:])
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
