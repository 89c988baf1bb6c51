import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import Logging
import MailTransport
import Testing

@Suite("Outbox dispatch on a real MTA", .serialized, .timeLimit(.minutes(2)))
struct OutboxDispatcherTests {
    func queue(_ database: HelpdeskDatabase, recipients: [String], now: Date) throws {
        for (index, recipient) in recipients.enumerated() {
            let identity = InboundIdentity(mailbox: "support", uidValidity: 1, uid: UInt32(index + 1), messageID: "in-\(index)@t",
                                           sha256: "\(index)", size: 1, receivedAt: now)
            let content = InboundContent(requesterAddress: recipient, requesterName: nil, subject: "s\(index)", body: "b",
                                         followUp: .init(referencedMessageIDs: [], subjectKeys: []), autoReplySuppression: nil)
            _ = try database.ingest(identity, content: content, keyPrefix: "SUPP") { _ in
                let message = "From: support@example.test\r\nTo: \(recipient)\r\nSubject: ack \(index)\r\nMessage-ID: <out-\(index)@t>\r\n\r\nhi\r\n"
                return [OutboxDraft(event: "ticket_created", envelopeFrom: "support@example.test", recipients: [recipient],
                                    message: Array(message.utf8), messageID: "out-\(index)@t")]
            }
        }
    }

    @Test func drainsEveryBatchAndRecordsPermanentRefusals() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let database = try HelpdeskDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try queue(database, recipients: ["alice@example.test", "erin@example.test", "nobody@elsewhere.example", "frank@example.test", "alice@example.test"], now: now)
        let dispatcher = OutboxDispatcher(
            database: database, endpoints: ["support": servers.smtpEndpoint], schedule: .standard,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: { now })
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
            database: database, endpoints: [:], schedule: .standard,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: { now })
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
            database: database, endpoints: ["support": down], schedule: .standard,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: { now })
        let summary = try dispatcher.dispatchDue()
        // One attempt finds the server down; the rest wait for the next run untouched.
        #expect(summary == DispatchSummary(sent: 0, retrying: 1, failed: 0))
        let rows = try database.outbox()
        #expect(rows.map(\.status) == [.pending, .pending])
        #expect(rows.map(\.attempts) == [1, 0])
        #expect(rows.first?.nextAttemptAt == now.addingTimeInterval(60))
        #expect(try database.dueOutbox(now: now).count == 1)
    }
}
