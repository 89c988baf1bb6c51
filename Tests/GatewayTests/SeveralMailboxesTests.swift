import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import Logging
import MIME
import Testing
import MailgateTestSupport

/// Two mailboxes, one whose IMAP server accepts the connection and then never answers: the
/// other one's requests must still be acknowledged.
@Suite("Several mailboxes, each on its own threads", .serialized, .timeLimit(.minutes(5)))
struct SeveralMailboxesTests {
    static let request = """
        From: Alice Example <alice@example.test>
        To: support@example.test
        Subject: VPN drops every hour
        Message-ID: <vpn-1@client.example.test>
        Date: Tue, 24 Nov 2026 09:12:00 +0100

        Since Monday the VPN disconnects every hour.
        """

    /// An installation with `support` on the real servers and `stalled` on `stalling`.
    struct Installation {
        let directory: TemporaryDirectory
        let store: FixtureStore
        let gateway: HelpdeskGateway

        init(servers: MailServers, stalling: StallingServer, stalledTimeout: Int) throws {
            directory = try TemporaryDirectory(prefix: "mailgate-several")
            store = try FixtureStore(kind: .selected, directory: directory)
            try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
            for (name, key, imapPort, timeout) in [("support", "SUPP", servers.imapPort, 30), ("stalled", "STAL", stalling.port, stalledTimeout)] {
                let yaml = """
                    address: \(name)@example.test
                    key: \(key)
                    imap:
                      url: imap://127.0.0.1:\(imapPort)/INBOX
                      username: \(name)@example.test
                      password_file: \(servers.passwordFile)
                      timeout: \(timeout)
                    smtp:
                      url: smtp://127.0.0.1:\(servers.smtpPort)
                    agents:
                      - email: bob@example.test
                    """
                try yaml.write(toFile: directory.path("mailboxes/\(name).yaml"), atomically: true, encoding: .utf8)
            }
            let settings = GatewaySettings(
                configDirectory: directory.path("mailboxes"), templatesDirectory: RepoPaths.templates.path,
                databasePath: store.location, dataDirectory: directory.path("data"), environment: store.environment)
            gateway = try HelpdeskGateway(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }
    }

    @Test func aHangingMailboxDoesNotDelayAcknowledgementsOfAnother() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let stalling = try StallingServer()
        defer { stalling.stop() }
        let installation = try Installation(servers: servers, stalling: stalling, stalledTimeout: 60)
        try servers.send(from: "alice@example.test", to: ["support@example.test"], Self.request)
        try servers.waitForMessages(user: "support", count: 1)

        let gateway = installation.gateway
        let shutdown = ShutdownSignal()
        let running = DispatchGroup()
        running.enter()
        Thread {
            gateway.run(interval: 0.2, shutdown: shutdown)
            running.leave()
        }.start()
        // Also on a failed expectation: the stuck poller returns once the listener is closed.
        defer {
            shutdown.request()
            stalling.stop()
            _ = running.wait(timeout: .now() + 60)
        }

        try stalling.waitForConnections(2)
        try servers.waitForMessages(user: "alice", count: 1, timeout: 20)
        // A first poll opens its reading connection beside the first one: two per attempt.
        #expect(stalling.accepted == 2, "the stalled poller is still in its first attempt")
        let ack = Message.parse(try #require(try servers.messages(user: "alice").first))
        #expect(ack.subject?.contains("[SUPP-1]") == true)

        shutdown.request()
        stalling.stop()
        #expect(running.wait(timeout: .now() + 30) == .success, "run returns once every thread has stopped")
        #expect(try gateway.database.tickets().map(\.key) == ["SUPP-1"])
    }

    @Test func pollOnceReportsEveryMailboxInConfigurationOrder() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let stalling = try StallingServer()
        defer { stalling.stop() }
        let installation = try Installation(servers: servers, stalling: stalling, stalledTimeout: 2)
        try servers.send(from: "alice@example.test", to: ["support@example.test"], Self.request)
        try servers.waitForMessages(user: "support", count: 1)

        let summaries = try installation.gateway.pollOnce()
        #expect(summaries.map(\.mailbox) == ["stalled", "support"])
        #expect(summaries.first?.error != nil)
        #expect(summaries.last?.error == nil)
        #expect(summaries.last?.fetched == 1)
        #expect(summaries.last?.ticketsCreated == 1)
        let dispatched = try installation.gateway.dispatchOutbox()
        // Whatever the new ticket queued (the acknowledgement, maybe agent notices) went out.
        #expect(dispatched == DispatchSummary(sent: try installation.gateway.database.outbox().count))
        try servers.waitForMessages(user: "alice", count: 1)
    }
}
