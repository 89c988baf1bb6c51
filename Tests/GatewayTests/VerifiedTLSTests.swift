import Foundation
import MailTransport
import MailgateTestSupport
import Testing

/// TLS with certificate checking against real servers: Dovecot (IMAPS, IMAP STARTTLS, and SMTP
/// submission with STARTTLS and SMTPS, relaying to OpenSMTPD) serving throwaway certificates from
/// `scripts/test-certificates.sh`: the valid one on 127.0.0.1, one for another host on
/// 127.0.0.2, an expired one on 127.0.0.3, one from an unknown CA on 127.0.0.4.
@Suite("Verified TLS", .serialized, .timeLimit(.minutes(5)))
struct VerifiedTLSTests {
    /// The four ways in: IMAP and SMTP, each with TLS from the first byte and with STARTTLS.
    enum Way: String, CaseIterable {
        case imaps, imapSTARTTLS, smtps, smtpSTARTTLS

        var isIMAP: Bool { self == .imaps || self == .imapSTARTTLS }

        func port(_ servers: MailServers) -> Int {
            switch self {
            case .imaps: servers.imapsPort
            case .imapSTARTTLS: servers.imapPort
            case .smtps: servers.smtpsPort
            case .smtpSTARTTLS: servers.submissionPort
            }
        }

        /// bob's INBOX for IMAP; for SMTP, the submission service as support@, which needs a login.
        func endpoint(_ servers: MailServers, host: String = "127.0.0.1", caFile: String?) -> ServerEndpoint {
            let scheme = switch self {
            case .imaps: "imaps"
            case .imapSTARTTLS: "imap"
            case .smtps: "smtps"
            case .smtpSTARTTLS: "smtp"
            }
            let security: ServerEndpoint.Security = self == .imaps || self == .smtps ? .implicitTLS : .startTLS
            return ServerEndpoint(baseURL: "\(scheme)://\(host):\(port(servers))", path: isIMAP ? "INBOX" : "",
                                  username: isIMAP ? "bob@example.test" : "support@example.test", password: servers.password,
                                  security: security, connectTimeout: 5, transferTimeout: 30, caFile: caFile)
        }

        /// One IMAP STATUS, or one message to bob.
        func use(_ endpoint: ServerEndpoint, subject: String = "TLS test") throws {
            if isIMAP {
                _ = try IMAPClient(endpoint: endpoint).status()
            } else {
                try SMTPClient(endpoint: endpoint).send(from: "support@example.test", to: ["bob@example.test"],
                                                        message: VerifiedTLSTests.message(subject: subject))
            }
        }
    }

    static func message(subject: String) -> [UInt8] {
        let id = UUID().uuidString.lowercased()
        return Array("From: support@example.test\r\nTo: bob@example.test\r\nSubject: \(subject)\r\nMessage-ID: <\(id)@example.test>\r\n\r\nHello over TLS.\r\n".utf8)
    }

    /// Dovecot's log lines of logins that succeeded (IMAP and submission) at `address`.
    static func logins(_ servers: MailServers, at address: String) throws -> [Substring] {
        let log = try String(contentsOfFile: servers.directory.path("dovecot.log"), encoding: .utf8)
        return log.split(separator: "\n").filter { $0.contains("Login: user=<") && $0.contains("lip=\(address),") }
    }

    @Test func aValidChainWorksForIMAPOverIMAPSAndSTARTTLS() throws {
        let certificates = try TestCertificates()
        let servers = try MailServers(tls: certificates)
        defer { servers.stop() }
        try servers.send(from: "alice@example.test", to: ["bob@example.test"], "Subject: Over TLS\nMessage-ID: <tls-1@example.test>\n\nHello.\n")
        try servers.waitForMessages(user: "bob", count: 1)

        for way in [Way.imaps, .imapSTARTTLS] {
            // By address (IP SAN) and by name (DNS SAN): both are in the certificate.
            for host in ["127.0.0.1", "localhost"] {
                let client = try IMAPClient(endpoint: way.endpoint(servers, host: host, caFile: certificates.caFile))
                let status = try client.status()
                #expect(status.messages == 1, "\(way) \(host)")
                let uids = try client.uids(after: 0, below: status.uidNext)
                #expect(uids.count == 1, "\(way) \(host)")
                let bytes = try client.fetch(uid: try #require(uids.first))
                #expect(String(decoding: bytes, as: UTF8.self).contains("Subject: Over TLS"), "\(way) \(host)")
            }
            // The IDLE connection (CONNECT_ONLY, then TLS records by hand) works over it too.
            let idle = try IMAPIdleConnection(endpoint: way.endpoint(servers, caFile: certificates.caFile))
            #expect(idle.supportsIdle, "\(way)")
            #expect(try idle.wait(until: Date().addingTimeInterval(0.3), shouldStop: { false }) == .timedOut, "\(way)")
            // The same server without ca_file: its CA is nobody's, so checking is really on.
            let error = try #require(throws: TransportError.self) {
                try way.use(way.endpoint(servers, caFile: nil))
            }
            #expect(error.kind == .tls)
            #expect(error.message.contains("is signed by a CA this machine does not trust"), "\(error)")
        }
        #expect(try Self.logins(servers, at: "127.0.0.1").filter { $0.contains("TLS") }.count >= 6, "logged in over TLS")
    }

    @Test func aValidChainWorksForSMTPOverSMTPSAndSTARTTLS() throws {
        let certificates = try TestCertificates()
        let servers = try MailServers(tls: certificates)
        defer { servers.stop() }
        try Way.smtps.use(Way.smtps.endpoint(servers, caFile: certificates.caFile), subject: "Sent over SMTPS")
        try Way.smtpSTARTTLS.use(Way.smtpSTARTTLS.endpoint(servers, caFile: certificates.caFile), subject: "Sent with STARTTLS")
        // Both went through the submission service and OpenSMTPD into bob's mailbox.
        try servers.waitForMessages(user: "bob", count: 2)
        let subjects = try servers.messages(user: "bob").map { String(decoding: $0, as: UTF8.self) }
        #expect(subjects.contains { $0.contains("Subject: Sent over SMTPS") })
        #expect(subjects.contains { $0.contains("Subject: Sent with STARTTLS") })
        #expect(try Self.logins(servers, at: "127.0.0.1").contains { $0.contains("submission-login") })
    }

    /// What each bad certificate's refusal must say, and the advice that goes with it.
    static let badCertificates: [(host: String, says: String, advice: String)] = [
        ("127.0.0.2", "was issued for other.example.test, not 127.0.0.2", "use the host name the certificate names"),
        ("127.0.0.3", "has expired", "renew it on the server"),
        ("127.0.0.4", "is signed by a CA that neither ca_file", "set ca_file: to the certificate of the CA that signed it"),
    ]

    @Test func aWrongHostAnExpiredCertificateAndAnUnknownCAAreEachRefusedSayingWhich() throws {
        let certificates = try TestCertificates()
        let servers = try MailServers(tls: certificates)
        defer { servers.stop() }
        for way in Way.allCases {
            for bad in Self.badCertificates {
                let endpoint = way.endpoint(servers, host: bad.host, caFile: certificates.caFile)
                let error = try #require(throws: TransportError.self, "\(way) \(bad.host)") { try way.use(endpoint) }
                let context = Comment(rawValue: "\(way) \(bad.host): \(error)")
                #expect(error.kind == .tls, context)
                #expect(error.message.contains("the certificate of \(bad.host):\(way.port(servers)) "), context)
                #expect(error.message.contains(bad.says), context)
                #expect(error.message.contains(bad.advice), context)
                for other in Self.badCertificates where other.host != bad.host {
                    #expect(!error.message.contains(other.says), context)
                }
                #expect(!error.message.contains(servers.password), context)
            }
            // Without ca_file the unknown CA is still refused, with the advice to set it.
            let error = try #require(throws: TransportError.self) { try way.use(way.endpoint(servers, host: "127.0.0.4", caFile: nil)) }
            #expect(error.message.contains("is signed by a CA this machine does not trust"), "\(way): \(error)")
            #expect(error.message.contains("set ca_file: to the CA's certificate"), "\(way): \(error)")
        }
        // Refused before any login: no password went to a server that could not prove who it is.
        for bad in Self.badCertificates {
            #expect(try Self.logins(servers, at: bad.host).isEmpty, "\(bad.host)")
        }
        // Nothing was sent either: delivery is asynchronous, so a control message sent after the
        // refused ones must arrive alone.
        try SMTPClient(endpoint: servers.smtpEndpoint).send(from: "support@example.test", to: ["bob@example.test"],
                                                            message: Self.message(subject: "Control after the refusals"))
        try servers.waitForMessages(user: "bob", count: 1)
        Thread.sleep(forTimeInterval: 0.5)
        let inbox = try servers.messages(user: "bob").map { String(decoding: $0, as: UTF8.self) }
        #expect(inbox.count == 1 && inbox.allSatisfy { $0.contains("Control after the refusals") }, "\(inbox.count) messages")
    }

    @Test func aServerWithoutSTARTTLSIsRefusedNeverUsedInClear() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let imap = ServerEndpoint(baseURL: "imap://127.0.0.1:\(servers.imapPort)", path: "INBOX", username: "bob@example.test",
                                  password: servers.password, security: .startTLS, connectTimeout: 5, transferTimeout: 30)
        let imapError = try #require(throws: TransportError.self) { _ = try IMAPClient(endpoint: imap).status() }
        #expect(imapError.kind == .tls)
        #expect(imapError.message.contains("127.0.0.1:\(servers.imapPort) does not offer STARTTLS"), "\(imapError)")
        #expect(imapError.message.contains("never logs in or sends mail in clear"), "\(imapError)")
        #expect(imapError.message.contains("imaps://"), "\(imapError)")
        #expect(try Self.logins(servers, at: "127.0.0.1").isEmpty, "the password was not sent in clear")

        var smtp = servers.smtpEndpoint
        smtp.security = .startTLS
        let smtpError = try #require(throws: TransportError.self) {
            try SMTPClient(endpoint: smtp).send(from: "support@example.test", to: ["bob@example.test"], message: Self.message(subject: "Never in clear"))
        }
        #expect(smtpError.kind == .tls)
        #expect(smtpError.message.contains("127.0.0.1:\(servers.smtpPort) does not offer STARTTLS"), "\(smtpError)")
        #expect(smtpError.message.contains("smtps://"), "\(smtpError)")
        // The same message sent in clear on purpose arrives at once; the refused one never did.
        try SMTPClient(endpoint: servers.smtpEndpoint).send(from: "support@example.test", to: ["bob@example.test"],
                                                            message: Self.message(subject: "Sent in clear on purpose"))
        try servers.waitForMessages(user: "bob", count: 1)
        Thread.sleep(forTimeInterval: 0.5)
        let inbox = try servers.messages(user: "bob").map { String(decoding: $0, as: UTF8.self) }
        #expect(inbox.count == 1)
        #expect(!inbox.contains { $0.contains("Never in clear") })
    }

    @Test func serversOfferingOnlyTLS11AreRefused() throws {
        let certificates = try TestCertificates()
        let servers = try MailServers(tls: certificates, tlsMax: "1.1")
        defer { servers.stop() }
        // An OpenSSL config that allows TLS 1.0 and 1.1 to whoever does not ask for more, so
        // the refusal below is Mailgate's own minimum (CURLOPT_SSLVERSION), not the system's.
        let scratch = try TemporaryDirectory()
        let permissive = scratch.path("openssl.cnf")
        try """
            openssl_conf = init
            [init]
            ssl_conf = ssl
            [ssl]
            system_default = tls
            [tls]
            MinProtocol = TLSv1
            CipherString = DEFAULT@SECLEVEL=0
            """.write(toFile: permissive, atomically: true, encoding: .utf8)

        // Control: with that config a client that does not insist on 1.2 gets in, over TLS 1.1.
        let logout = scratch.path("logout")
        try "a LOGOUT\r\n".write(toFile: logout, atomically: true, encoding: .utf8)
        let client = try ChildProcess("/usr/bin/openssl", ["s_client", "-brief", "-ign_eof", "-connect", "127.0.0.1:\(servers.imapsPort)",
                                                          "-CAfile", certificates.caFile, "-verify_return_error"],
                                      environment: ["OPENSSL_CONF": permissive], stdin: logout)
        #expect(try client.finish(seconds: 20) == 0, "\(client.stderr)")
        #expect(client.stderr.contains("Protocol version: TLSv1.1"), "\(client.stderr)")
        #expect(client.stdout.contains("* OK"), "\(client.stdout)")

        // Mailgate with that same config refuses, IMAP (poll) and SMTP (the acknowledgement) alike.
        let installation = try TLSInstallation(servers: servers, certificates: certificates, caFile: certificates.caFile)
        let poll = try CommandLineTests.helpdesk(["poll", "--once"] + installation.global, environment: ["OPENSSL_CONF": permissive])
        #expect(poll.status == 1, "\(poll.stderr)")
        #expect(poll.stderr.contains("offers TLS 1.2 or later, which Mailgate needs") || poll.stderr.contains("older than 1.2"), "\(poll.stderr)")
        #expect(try Self.logins(servers, at: "127.0.0.1").isEmpty, "\(poll.stderr)")

        // And in this process, with the system's OpenSSL config, on every way in.
        for way in Way.allCases {
            let error = try #require(throws: TransportError.self) { try way.use(way.endpoint(servers, caFile: certificates.caFile)) }
            #expect(error.kind == .tls, "\(way): \(error)")
            #expect(error.message.contains("TLS 1.2"), "\(way): \(error)")
        }
    }

    @Test func caFileInTheMailboxConfigIsUsedByPollAndSend() throws {
        let certificates = try TestCertificates()
        let servers = try MailServers(tls: certificates)
        defer { servers.stop() }
        try servers.send(from: "alice@example.test", to: ["support@example.test"], WalkingSkeletonTests.request)
        try servers.waitForMessages(user: "support", count: 1)

        // Without ca_file the private CA is unknown: the poll fails and says what to set.
        let without = try TLSInstallation(servers: servers, certificates: certificates, caFile: nil)
        let refused = try CommandLineTests.helpdesk(["poll", "--once"] + without.global)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("is signed by a CA this machine does not trust"), "\(refused.stderr)")
        #expect(refused.stderr.contains("set ca_file:"), "\(refused.stderr)")

        // With it: IMAP over STARTTLS reads the request, the acknowledgement leaves over SMTPS.
        let with = try TLSInstallation(servers: servers, certificates: certificates, caFile: certificates.caFile)
        let poll = try CommandLineTests.helpdesk(["poll", "--once"] + with.global)
        #expect(poll.status == 0, "\(poll.stderr)")
        try servers.waitForMessages(user: "alice", count: 1)
        let acknowledgement = String(decoding: try #require(try servers.messages(user: "alice").first), as: UTF8.self)
        #expect(acknowledgement.contains("SUPP-1"), "\(acknowledgement)")
        #expect(try Self.logins(servers, at: "127.0.0.1").contains { $0.contains("imap-login") && $0.contains("TLS") })
        #expect(try Self.logins(servers, at: "127.0.0.1").contains { $0.contains("submission-login") && $0.contains("TLS") })
    }
}

/// A gateway installation whose support mailbox reads over IMAP STARTTLS and sends over SMTPS
/// (the submission service, with login), both with `ca_file:` when given.
struct TLSInstallation {
    let directory: TemporaryDirectory
    let global: [String]

    init(servers: MailServers, certificates: TestCertificates, caFile: String?) throws {
        directory = try TemporaryDirectory(prefix: "mailgate-tls-install")
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
        let ca = caFile.map { "\n  ca_file: \($0)" } ?? ""
        let yaml = """
            address: support@example.test
            key: SUPP
            imap:
              url: imap://127.0.0.1:\(servers.imapPort)/INBOX
              starttls: true
              username: support@example.test
              password_file: \(servers.passwordFile)\(ca)
            smtp:
              url: smtps://127.0.0.1:\(servers.smtpsPort)
              username: support@example.test
              password_file: \(servers.passwordFile)\(ca)
            agents:
              - email: bob@example.test
                name: Bob
            """
        try yaml.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
        global = ["--config-dir", directory.path("mailboxes"), "--templates", RepoPaths.templates.path,
                  "--database", directory.path("helpdesk.sqlite"), "--data-dir", directory.path("data")]
    }
}
