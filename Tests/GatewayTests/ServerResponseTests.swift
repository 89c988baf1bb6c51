import Foundation
import MailTransport
import Testing

/// IMAP and SMTP failures quote the real server's own line (Dovecot, OpenSMTPD), never a password.
@Suite("Server replies in transport errors", .serialized, .timeLimit(.minutes(5)))
struct ServerResponseTests {
    /// Fails the test when any text meant for an operator shows a password.
    static func expectNoPassword(_ error: TransportError, _ passwords: [String]) {
        for text in [error.message, error.description, String(describing: error), String(reflecting: error), error.serverReply ?? ""] {
            for password in passwords {
                #expect(!text.contains(password), "password in: \(text)")
            }
        }
    }

    /// Dovecot 2.3.19 answers without a `[NONEXISTENT]` code here; its words, timings removed.
    @Test func missingFolderGivesDovecotsOwnLine() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let client = try IMAPClient(endpoint: servers.imapEndpoint(user: "support", folder: "Nosuch"))
        // STATUS (no SELECT) and SEARCH (SELECT first, which libcurl reports as "Select failed").
        let status = #expect(throws: TransportError.self) { try client.status() }
        let search = #expect(throws: TransportError.self) { try client.search("ALL") }
        for error in [status, search].compactMap({ $0 }) {
            #expect(error.serverReply == "NO Mailbox doesn't exist: Nosuch", "\(error)")
            #expect(error.message.contains("failed: NO Mailbox doesn't exist: Nosuch (libcurl: "), "\(error)")
            Self.expectNoPassword(error, [servers.password])
        }
        // The kinds callers rely on stay as libcurl's code decides them.
        #expect(status?.kind == .rejected)
    }

    @Test func wrongPasswordGivesDovecotsAuthenticationFailedLine() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let wrong = "Wr0ng-\(UUID().uuidString)"
        var endpoint = servers.imapEndpoint(user: "support")
        endpoint.password = wrong
        let client = try IMAPClient(endpoint: endpoint)
        let error = try #require(#expect(throws: TransportError.self) { try client.status() })
        #expect(error.kind == .authentication)
        #expect(error.message.contains("[AUTHENTICATIONFAILED]"), "\(error)")
        #expect(error.serverReply?.hasPrefix("NO [AUTHENTICATIONFAILED]") == true, "\(error.serverReply ?? "nil")")
        Self.expectNoPassword(error, [wrong, servers.password, Data(wrong.utf8).base64EncodedString()])

        // The right password on the same server still works: the line came from the refusal.
        #expect(try IMAPClient(endpoint: servers.imapEndpoint(user: "support")).status().uidValidity > 0)
    }

    @Test func refusedRecipientGivesOpenSMTPDsReplyLine() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let message = Array("From: support@example.test\r\nTo: x@elsewhere.test\r\nSubject: t\r\n\r\nhello\r\n".utf8)
        let client = try SMTPClient(endpoint: servers.smtpEndpoint)
        // OpenSMTPD 6.8's exact lines: another domain (it relays nothing), and a user of our
        // domain missing from its virtual table (the `RCPT failed: 524` admins saw before).
        let refusals = [
            ("someone@elsewhere.test", "550 Invalid recipient: <someone@elsewhere.test>"),
            ("nobody-here@example.test", "524 5.2.4 Mailing list expansion problem: <nobody-here@example.test>"),
        ]
        for (recipient, line) in refusals {
            let error = try #require(#expect(throws: TransportError.self) {
                try client.send(from: "support@example.test", to: [recipient], message: message)
            })
            #expect(error.serverReply == line, "\(error)")
            #expect(error.message.contains("failed: \(line) (libcurl: RCPT failed: \(line.prefix(3)))"), "\(error)")
            #expect(error.responseCode == Int(line.prefix(3)), "responseCode is still the code libcurl saw")
            #expect(error.kind == .rejected && !error.isTransient)
        }
        // The same client still delivers to a real address afterwards.
        try client.send(from: "support@example.test", to: ["alice@example.test"], message: message)
        try servers.waitForMessages(user: "alice", count: 1)
    }
}
