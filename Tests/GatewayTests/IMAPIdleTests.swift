import Foundation
import HelpdeskStore
import MailgateTestSupport
#if canImport(Glibc)
import Glibc
#endif
import MailTransport
import Synchronization
import Testing

/// IMAP IDLE against the real Dovecot: news arrives as it is delivered, and the connection can
/// wait again and again.
@Suite("IMAP IDLE", .serialized, .timeLimit(.minutes(5)))
struct IMAPIdleTests {
    static let message = "From: alice@example.test\r\nTo: support@example.test\r\nSubject: Idle\r\nMessage-ID: <idle-%@@example.test>\r\n\r\nHello.\r\n"

    @Test func newMailEndsTheWaitAndTheConnectionWaitsAgain() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let idle = try IMAPIdleConnection(endpoint: servers.imapEndpoint(user: "support"))
        #expect(idle.supportsIdle)

        // Nothing arrives: the deadline ends the wait.
        #expect(try idle.wait(until: Date().addingTimeInterval(0.5), shouldStop: { false }) == .timedOut)

        // Mail delivered while it waits ends the wait long before its 20 s deadline.
        for round in 1...2 {
            // MailServers is not Sendable: the sending thread gets only what it needs.
            let port = servers.smtpPort
            let message = String(format: Self.message, "\(round)")
            Thread {
                Thread.sleep(forTimeInterval: 0.3)
                try? SMTPClient(endpoint: ServerEndpoint(baseURL: "smtp://127.0.0.1:\(port)", security: .none, connectTimeout: 5, transferTimeout: 30))
                    .send(from: "alice@example.test", to: ["support@example.test"], message: Array(message.utf8))
            }.start()
            let started = Date()
            #expect(try idle.wait(until: started.addingTimeInterval(20), shouldStop: { false }) == .newMail, "round \(round)")
            #expect(Date().timeIntervalSince(started) < 15, "woken by the mail, not the deadline")
        }

        // A stop request is heard within the check interval.
        let stop = Mutex(false)
        Thread { Thread.sleep(forTimeInterval: 0.2); stop.withLock { $0 = true } }.start()
        #expect(try idle.wait(until: Date().addingTimeInterval(20), checkEvery: 0.1, shouldStop: { stop.withLock { $0 } }) == .stopped)
    }

    @Test func aWrongPasswordIsRefusedWithTheServersWords() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        var endpoint = servers.imapEndpoint(user: "support")
        endpoint.password = "wrong"
        // Both connections that talk IMAP directly (IMAPWire) log in through libcurl.
        #expect {
            _ = try IMAPIdleConnection(endpoint: endpoint)
        } throws: { error in
            "\(error)".contains("AUTHENTICATIONFAILED") && !"\(error)".contains("wrong")
        }
        #expect {
            _ = try IMAPBulkReader(endpoint: endpoint)
        } throws: { error in
            "\(error)".contains("AUTHENTICATIONFAILED") && !"\(error)".contains("wrong")
        }
    }

    @Test(arguments: [("* 3 EXISTS", true), ("* 12 exists", true), ("* 3 RECENT", false), ("* 2 EXPUNGE", false), ("* OK Still here", false), ("+ idling", false)])
    func newsIsAnExistsLine(line: String, news: Bool) {
        #expect(IMAPIdleConnection.isNews(line) == news)
    }
}

/// The daemon in IDLE: mail is acknowledged as it arrives, not at the next poll.
@Suite("helpdesk run in IMAP IDLE", .serialized, .timeLimit(.minutes(5)))
struct RunInIdleTests {
    @Test func aRequestIsAcknowledgedWithoutWaitingForThePollInterval() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        let global = ["--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path, "--database", fixture.databasePath,
                      "--data-dir", fixture.dataDirectory]
        // Polls every 10 minutes at the latest: only IDLE can bring the request in during the test.
        let daemon = try CommandLineTests.start(["run", "--interval", "600", "--full-poll-interval", "600"] + global, environment: [:])
        defer { _ = try? daemon.finish(seconds: 0) }
        // The first poll, then the IDLE connection's own first poll; after that it waits in IDLE.
        #expect(RunningGatewayTests.eventually { (try? Self.polls(fixture)) ?? 0 >= 1 }, "\(daemon.stderr)")
        Thread.sleep(forTimeInterval: 1)

        let sent = Date()
        try servers.send(from: "alice@example.test", to: ["support@example.test"], WalkingSkeletonTests.request)
        try servers.waitForMessages(user: "alice", count: 1, timeout: 60)
        #expect(Date().timeIntervalSince(sent) < 60, "acknowledged in IDLE, not at a poll 10 minutes later")

        // status judges an IDLE mailbox by its full-poll interval, not the plain one.
        let status = try CommandLineTests.helpdesk(["status", "--json"] + global)
        #expect(status.status == 0, "\(status.stdout)")
        #expect(status.stdout.contains("\"intervalSeconds\" : 600"), "\(status.stdout)")
        daemon.signal(SIGTERM)
        #expect(try daemon.finish(seconds: 15) == 0, "a stop is heard while waiting in IDLE")
        #expect(!daemon.stderr.contains("IMAP IDLE stopped"), "\(daemon.stderr)")
    }

    static func polls(_ fixture: GatewayFixture) throws -> Int {
        try fixture.store.open().pollStates().count
    }
}
