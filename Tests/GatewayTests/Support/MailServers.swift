import Foundation
import MailTransport
#if canImport(Glibc)
import Glibc
import MailgateTestSupport
#endif

/// A private Dovecot + OpenSMTPD pair on free loopback ports, started by `scripts/mailservers.sh`
/// and stopped when the value goes away (or by `stop()`).
final class MailServers {
    let directory: TemporaryDirectory
    let imapPort: Int
    let smtpPort: Int
    let lmtpPort: Int
    /// With `tls`: IMAPS, SMTP submission with STARTTLS, and SMTPS (Dovecot's submission service,
    /// relaying to OpenSMTPD; login required); 0 without.
    let imapsPort: Int
    let submissionPort: Int
    let smtpsPort: Int
    let certificates: TestCertificates?
    let password: String
    private var running = true

    /// `tls`: also serve TLS with these certificates (see `mailservers.sh --tls`); `tlsMax`: "1.1"
    /// to offer nothing newer; `oauth`: an introspection URL for bearer-token logins (needs `tls`).
    init(tls certificates: TestCertificates? = nil, tlsMax: String? = nil, oauth: String? = nil) throws {
        directory = try TemporaryDirectory(prefix: "mailgate-servers")
        self.certificates = certificates
        // A port found free can be taken (by another test's server or an outgoing connection)
        // before the server binds it; then start again on other ports.
        var attempt = 0
        var ports: [Int]
        while true {
            attempt += 1
            ports = try FreePorts.allocate(certificates == nil ? 3 : 6)
            var tlsArguments: [String] = []
            if let certificates {
                tlsArguments = ["--tls", certificates.directory.url.path, "--imaps-port", "\(ports[3])",
                                "--submission-port", "\(ports[4])", "--smtps-port", "\(ports[5])"]
                if let tlsMax { tlsArguments += ["--tls-max", tlsMax] }
                if let oauth { tlsArguments += ["--oauth", oauth] }
            }
            do {
                try Self.script(["start", "--dir", directory.url.path, "--imap-port", "\(ports[0])",
                                 "--smtp-port", "\(ports[1])", "--lmtp-port", "\(ports[2])"] + tlsArguments)
                break
            } catch where attempt < 3 {
                FileHandle.standardError.write(Data("MailServers: start attempt \(attempt) failed, retrying on other ports: \(error)\n".utf8))
                _ = try? Self.script(["stop", "--dir", directory.url.path])
            }
        }
        (imapPort, smtpPort, lmtpPort) = (ports[0], ports[1], ports[2])
        (imapsPort, submissionPort, smtpsPort) = certificates == nil ? (0, 0, 0) : (ports[3], ports[4], ports[5])
        password = try String(contentsOfFile: directory.path("password"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { stop() }

    func stop() {
        guard running else { return }
        running = false
        _ = try? Self.script(["stop", "--dir", directory.url.path])
    }

    var passwordFile: String { directory.path("password") }

    /// `user` is a name in example.test, or a whole address (`anna@xn--bcher-kva.example.test`).
    func imapEndpoint(user: String, folder: String = "INBOX") -> ServerEndpoint {
        ServerEndpoint(baseURL: "imap://127.0.0.1:\(imapPort)", path: folder, username: Self.login(user),
                       password: password, security: .none, connectTimeout: 5, transferTimeout: 30)
    }

    var smtpEndpoint: ServerEndpoint {
        ServerEndpoint(baseURL: "smtp://127.0.0.1:\(smtpPort)", security: .none, connectTimeout: 5, transferTimeout: 30)
    }

    /// Sends a message through the MTA, as a requester's mail client would.
    func send(from: String, to: [String], _ message: String) throws {
        let crlf = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        try SMTPClient(endpoint: smtpEndpoint).send(from: from, to: to, message: Array(crlf.utf8))
    }

    /// Delivers `count` requests from alice to support@ (Message-IDs `<tag-N@client.example.test>`,
    /// N from 1) and waits until all are in the INBOX: a backlog to poll.
    func deliverBacklog(_ count: Int, tag: String) throws {
        // One SMTP connection for all: OpenSMTPD slows a client that opens hundreds.
        let smtp = try SMTPClient(endpoint: smtpEndpoint)
        for index in 1...count {
            let message = "From: Alice <alice@example.test>\r\nTo: support@example.test\r\nSubject: Request \(index)\r\n"
                + "Message-ID: <\(tag)-\(index)@client.example.test>\r\n\r\nRequest number \(index).\r\n"
            try smtp.send(from: "alice@example.test", to: ["support@example.test"], message: Array(message.utf8))
        }
        try waitForMessages(user: "support", count: count, timeout: 120)
    }

    /// Waits (bounded) until `user`'s INBOX holds at least `count` messages; returns the status.
    @discardableResult
    func waitForMessages(user: String, count: Int, timeout: Double = 20) throws -> MailboxStatus {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var last: MailboxStatus?
        while Date() < deadline {
            last = try IMAPClient(endpoint: imapEndpoint(user: user)).status()
            if let last, last.messages >= count { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw HarnessError("\(Self.login(user)) has \(last?.messages ?? -1) messages after \(timeout) s, expected \(count); see \(directory.path("smtpd.log")) and \(directory.path("dovecot.log"))")
    }

    /// Every message in `user`'s INBOX, in UID order.
    func messages(user: String) throws -> [[UInt8]] {
        let client = try IMAPClient(endpoint: imapEndpoint(user: user))
        let status = try client.status()
        return try client.uids(after: 0, below: status.uidNext).map { try client.fetch(uid: $0) }
    }

    /// The IMAP login of a user name or address.
    static func login(_ user: String) -> String { user.contains("@") ? user : "\(user)@example.test" }

    @discardableResult
    static func script(_ arguments: [String]) throws -> String {
        let child = try ChildProcess("/bin/bash", [RepoPaths.scripts.appendingPathComponent("mailservers.sh").path] + arguments)
        let status = try child.finish(seconds: 60)
        guard status == 0 else {
            throw HarnessError("mailservers.sh \(arguments.first ?? "") failed (\(status)):\n\(child.stdout)\(child.stderr)")
        }
        return child.stdout + child.stderr
    }
}

/// Throwaway CA and server certificates from `scripts/test-certificates.sh`: `valid` (for
/// 127.0.0.1 and localhost), `wrong-host`, `expired` and `unknown-ca`, served by `MailServers(tls:)`
/// on 127.0.0.1, .2, .3 and .4.
final class TestCertificates: Sendable {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "mailgate-certs")
        let child = try ChildProcess("/bin/bash", [RepoPaths.scripts.appendingPathComponent("test-certificates.sh").path, directory.url.path])
        let status = try child.finish(seconds: 60)
        guard status == 0 else { throw HarnessError("test-certificates.sh failed (\(status)):\n\(child.stdout)\(child.stderr)") }
    }

    /// The test CA that signed every certificate but `unknown-ca`: what `ca_file:` names.
    var caFile: String { directory.path("ca.pem") }
    /// The CA that signed `unknown-ca`, trusted by nobody.
    var otherCAFile: String { directory.path("other-ca.pem") }
}

/// A test-harness failure with the text that explains it.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
