import Foundation
@testable import Gateway
import HelpdeskStore
import Logging
import MailgateTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A mailbox that logs in with OAuth2 on real servers: Dovecot checks every bearer token at the
/// test provider's introspection endpoint, for IMAPS and for SMTP submission with STARTTLS.
@Suite("OAuth2 on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct OAuth2MailTests {
    /// Certificates, the test provider, the mail servers and an installation using them.
    final class Setup {
        let certificates: TestCertificates
        let provider: OAuthTestServer
        let servers: MailServers
        let directory: TemporaryDirectory
        let store: FixtureStore

        init(expiresIn: Int = 3600, lifetime: Int? = nil, rotate: Bool = false) throws {
            certificates = try TestCertificates()
            provider = try OAuthTestServer(
                refreshTokens: ["rt-support": "support@example.test"], expiresIn: expiresIn, lifetime: lifetime, rotate: rotate)
            servers = try MailServers(tls: certificates, oauth: provider.introspectionURL)
            directory = try TemporaryDirectory(prefix: "mailgate-oauth")
            store = try FixtureStore(kind: .selected, directory: directory)
            try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
            try "rt-support\n".write(toFile: directory.path("support.refresh"), atomically: true, encoding: .utf8)
        }

        /// The OAuth2 lines of a server section; `refreshToken: false` leaves the token to `oauth authorize`.
        func oauth(refreshToken: Bool, extra: [String]) -> String {
            var lines = ["username: support@example.test", "ca_file: \(certificates.caFile)", "auth: oauth2",
                         "token_url: \(provider.tokenURL)", "client_id: \(provider.clientID)", "scope: mail"]
            if refreshToken { lines.append("refresh_token_file: \(directory.path("support.refresh"))") }
            return (lines + extra).map { "  " + $0 }.joined(separator: "\n")
        }

        /// support.yaml over IMAPS and submission (STARTTLS), both with the same OAuth2 login.
        func writeSupport(refreshToken: Bool = true, extra: [String] = []) throws {
            let yaml = [
                "address: support@example.test", "key: SUPP", "imap:", "  url: imaps://127.0.0.1:\(servers.imapsPort)/INBOX",
                oauth(refreshToken: refreshToken, extra: extra),
                "smtp:", "  url: smtp://127.0.0.1:\(servers.submissionPort)", "  starttls: true",
                oauth(refreshToken: refreshToken, extra: extra),
                "agents:", "  - email: bob@example.test",
            ].joined(separator: "\n")
            try yaml.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
        }

        /// sales.yaml with a password, over IMAPS too: a mailbox the provider's troubles must not touch.
        func writeSales() throws {
            let yaml = """
                address: sales@example.test
                key: SALES
                imap:
                  url: imaps://127.0.0.1:\(servers.imapsPort)/INBOX
                  username: sales@example.test
                  password_file: \(servers.passwordFile)
                  ca_file: \(certificates.caFile)
                smtp:
                  url: smtp://127.0.0.1:\(servers.smtpPort)
                agents:
                  - email: bob@example.test
                """
            try yaml.write(toFile: directory.path("mailboxes/sales.yaml"), atomically: true, encoding: .utf8)
        }

        var settings: GatewaySettings {
            GatewaySettings(configDirectory: directory.path("mailboxes"), templatesDirectory: RepoPaths.templates.path,
                            databasePath: store.location, dataDirectory: directory.path("data"), environment: store.environment)
        }

        func gateway() throws -> HelpdeskGateway {
            try HelpdeskGateway(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }

        var cliOptions: [String] {
            ["--config-dir", directory.path("mailboxes"), "--templates", RepoPaths.templates.path,
             "--database", store.location, "--data-dir", directory.path("data")]
        }

        func request(_ subject: String, to user: String = "support") throws {
            try servers.send(from: "alice@example.test", to: ["\(user)@example.test"], """
                From: Alice <alice@example.test>
                To: \(user)@example.test
                Subject: \(subject)
                Message-ID: <\(UUID().uuidString)@example.test>

                Please help.
                """)
            try servers.waitForMessages(user: user, count: 1)
        }
    }

    @Test func aMailboxReadsAndAnswersWithTokensAndARotatedTokenSurvivesARestart() throws {
        let setup = try Setup(rotate: true)
        try setup.writeSupport()
        try setup.request("Printer on fire")
        let gateway = try setup.gateway()
        let polled = try gateway.pollOnce()
        #expect(polled.map(\.error) == [nil])
        #expect(polled.first?.ticketsCreated == 1)
        let sent = try gateway.dispatchOutbox()
        // The acknowledgement to Alice and the new-ticket notice to Bob.
        #expect(sent.sent == 2 && sent.failed == 0 && sent.retrying == 0)
        // The MTA delivers after it has accepted: wait for it rather than race it.
        try setup.servers.waitForMessages(user: "alice", count: 1)
        let ack = try #require(try setup.servers.messages(user: "alice").first)
        #expect(String(decoding: ack, as: UTF8.self).contains("SUPP-1"))
        // IMAP and SMTP share one login: one token, fetched once for both.
        #expect(try setup.provider.stats()["refresh_token"] == 1)
        #expect(try setup.provider.stats()["introspection", default: 0] >= 2)

        // The provider rotated the refresh token and spent the configured one: a restart works
        // only because the new one was kept in the database.
        let kept = try #require(try gateway.database.refreshToken(key: "support/imap"))
        #expect(kept.token != "rt-support")
        let restarted = try setup.gateway()
        try setup.request("Second request")
        #expect(try restarted.pollOnce().map(\.error) == [nil])
        #expect(try setup.provider.stats()["refresh_token"] == 2)
    }

    @Test("either token mechanism logs in, as sasl_mechanism says (Microsoft's servers offer only XOAUTH2)", arguments: ["xoauth2", "oauthbearer"])
    func eachTokenMechanismLogsIn(mechanism: String) throws {
        let setup = try Setup()
        try setup.writeSupport(extra: ["sasl_mechanism: \(mechanism)"])
        try setup.request("Via \(mechanism)")
        let gateway = try setup.gateway()
        #expect(try gateway.pollOnce().map(\.error) == [nil])
        #expect(try gateway.dispatchOutbox().sent == 2)
        // Dovecot's log names the mechanism of each login it accepted; the gateway's are the ones
        // over TLS (the test's own mailbox checks log in with a password, in clear on loopback).
        let log = try String(contentsOfFile: setup.servers.directory.path("dovecot.log"), encoding: .utf8)
        let logins = log.split(separator: "\n").filter { $0.contains("Login: user=<support@example.test>") && $0.contains(", TLS, ") }
        #expect(logins.count >= 2 && logins.allSatisfy { $0.contains("method=\(mechanism.uppercased())") }, "\(logins)")
    }

    @Test func tokensThatLapseMidRunAreReplacedWithoutLosingAPoll() throws {
        // The provider says an hour but its tokens stop working after 2 s: only the server's
        // refusal can tell, and each refusal must cost one refresh and no failed poll or send.
        let setup = try Setup(expiresIn: 3600, lifetime: 2)
        try setup.writeSupport()
        let gateway = try setup.gateway()
        for round in 1...4 {
            try setup.servers.send(from: "alice@example.test", to: ["support@example.test"], """
                From: alice@example.test
                To: support@example.test
                Subject: Round \(round)
                Message-ID: <round-\(round)@example.test>

                Still broken.
                """)
            try setup.servers.waitForMessages(user: "support", count: round)
            let polled = try gateway.pollOnce()
            #expect(polled.map(\.error) == [nil], "round \(round)")
            #expect(polled.first?.ticketsCreated == 1, "round \(round)")
            #expect(try gateway.dispatchOutbox().sent == 2, "round \(round)")
            // Past the token's 2 s life: the next round's logins need a new one.
            Thread.sleep(forTimeInterval: 2)
        }
        // The first round fetched a token; each later round found it lapsed and fetched one more.
        let stats = try setup.provider.stats()
        #expect(stats["refresh_token", default: 0] == 4, "\(stats)")
    }

    @Test func aTokenRevokedBeforeItsTimeIsRenewedOnceWhenTheServerRefusesIt() throws {
        let setup = try Setup()
        try setup.writeSupport()
        let gateway = try setup.gateway()
        #expect(try gateway.pollOnce().map(\.error) == [nil])
        try setup.provider.revokeAccessTokens()
        try setup.request("After the revocation")
        let polled = try gateway.pollOnce()
        #expect(polled.map(\.error) == [nil])
        #expect(polled.first?.ticketsCreated == 1)
        #expect(try setup.provider.stats()["refresh_token"] == 2)
    }

    @Test func aRevokedRefreshTokenIsAClearErrorInStatusAndOtherMailboxesGoOn() throws {
        let setup = try Setup()
        try setup.writeSupport()
        try setup.writeSales()
        try setup.provider.revoke(refreshToken: "rt-support")
        try setup.request("For support")
        try setup.request("For sales", to: "sales")
        let polled = try setup.gateway().pollOnce()
        let support = try #require(polled.first { $0.mailbox == "support" })
        let sales = try #require(polled.first { $0.mailbox == "sales" })
        #expect(sales.error == nil && sales.ticketsCreated == 1)
        let error = try #require(support.error)
        #expect(error.contains("invalid_grant (The refresh token has been revoked.)"), "\(error)")
        #expect(error.contains("run `helpdesk oauth authorize --mailbox support`"), "\(error)")
        #expect(!error.contains("rt-support"))

        let status = try CommandLineTests.helpdesk(["status"] + setup.cliOptions)
        #expect(status.status == 1)
        #expect(status.stdout.contains("helpdesk oauth authorize --mailbox support"), "\(status.stdout)")
    }

    @Test func signingInWithADeviceCodeKeepsTheTokenAndPollsWorkWithIt() throws {
        let setup = try Setup()
        try setup.writeSupport(refreshToken: false, extra: ["device_url: \(setup.provider.base)/devicecode"])
        let before = try CommandLineTests.helpdesk(["poll", "--once"] + setup.cliOptions)
        #expect(before.status != 0)
        #expect(before.stderr.contains("there is no refresh token yet; run `helpdesk oauth authorize --mailbox support`"), "\(before.stderr)")

        let signIn = try CommandLineTests.start(["oauth", "authorize", "--mailbox", "support"] + setup.cliOptions, environment: [:])
        #expect(RunningGatewayTests.eventually { signIn.stdout.contains("enter the code WDJB-MJHT") }, "\(signIn.stdout)\(signIn.stderr)")
        try setup.provider.approveDevices(as: "support@example.test")
        #expect(try signIn.finish(seconds: 30) == 0, "\(signIn.stderr)")
        #expect(signIn.stdout.contains("Signed in: support@example.test logged in to imaps://127.0.0.1:\(setup.servers.imapsPort)"), "\(signIn.stdout)")

        try setup.request("After signing in")
        let after = try CommandLineTests.helpdesk(["poll", "--once"] + setup.cliOptions)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(try setup.provider.stats()["urn:ietf:params:oauth:grant-type:device_code", default: 0] >= 2)
    }

    @Test func signingInWithAPastedCodeUsesPKCEAndKeepsTheToken() throws {
        let setup = try Setup()
        try setup.writeSupport(refreshToken: false, extra: ["authorize_url: \(setup.provider.base)/authorize"])
        let fifo = setup.directory.path("stdin")
        try #require(mkfifo(fifo, 0o600) == 0)
        // Opened for reading and writing first, which does not block on Linux: the child's open
        // for reading then finds a writer at once (posix_spawn waits for the child to start).
        let descriptor = open(fifo, O_RDWR)
        try #require(descriptor >= 0)
        let writer = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        let signIn = try ChildProcess(CommandLineTests.binary.path, ["oauth", "authorize", "--mailbox", "support"] + setup.cliOptions,
                                      environment: setup.store.environment, stdin: fifo)
        var address: String?
        #expect(RunningGatewayTests.eventually {
            address = signIn.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix(setup.provider.base + "/authorize?") }
            return address != nil
        }, "\(signIn.stdout)\(signIn.stderr)")
        let redirect = try setup.provider.redirect(from: try #require(address))
        #expect(redirect.hasPrefix("http://localhost?code="))
        writer.write(Data((redirect + "\n").utf8))
        try writer.close()
        #expect(try signIn.finish(seconds: 30) == 0, "\(signIn.stderr)")
        #expect(signIn.stdout.contains("Signed in"), "\(signIn.stdout)")
        #expect(try setup.provider.stats()["authorization_code"] == 1)
        let kept = try setup.store.open().refreshToken(key: "support/imap")
        #expect(kept?.token.hasPrefix("rt-") == true)
    }
}
