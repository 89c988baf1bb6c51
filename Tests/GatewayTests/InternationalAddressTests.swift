import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import MailTransport
import MIME
import Testing

/// Requesters with international addresses, on the real test servers. The test MTA (OpenSMTPD
/// 6.8) does not offer SMTPUTF8; it takes `anna@xn--bcher-kva.example.test`, which is
/// `anna@bücher.example.test` written as an A-label.
@Suite("International addresses, on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct InternationalAddressTests {
    static let anna = "anna@xn--bcher-kva.example.test"

    /// A request from `from` (an RFC 6532 UTF-8 header, sent as raw 8-bit bytes).
    static func request(_ desk: HelpDesk, from: String, subject: String) throws {
        try desk.sendRaw(from: "alice", rcpt: "support@example.test", user: "support", """
            From: \(from)
            To: support@example.test
            Subject: \(subject)
            Message-ID: <\(UUID().uuidString.lowercased())@client.example.test>
            Content-Type: text/plain; charset=utf-8

            Bitte helfen.
            """)
    }

    static func acknowledgement(_ desk: HelpDesk, ticket key: String) throws -> OutboxRecord {
        let ticketId = try desk.ticket(key).id
        return try #require(try desk.database.outbox().last { $0.event == MailEvent.ticketCreated.rawValue && $0.ticketId == ticketId })
    }

    @Test func aRequesterAtAnIDNDomainGetsTheAcknowledgementAtItsALabel() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try Self.request(desk, from: "Anna <anna@bücher.example.test>", subject: "Drucker druckt nicht")
        try desk.cycle()
        #expect(try desk.participants("SUPP-1").contains("anna@bücher.example.test"))
        #expect(try Self.acknowledgement(desk, ticket: "SUPP-1").status == .sent)

        let acknowledgement = try #require(try desk.inbox(Self.anna, count: 1).first)
        #expect(acknowledgement.to.map(\.address) == [Self.anna], "the To header names the A-label")
        #expect(acknowledgement.subject?.contains("SUPP-1") == true, "\(acknowledgement.subject ?? "-")")
    }

    @Test func aRequesterWithANonASCIILocalPartIsAClearFailure() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try Self.request(desk, from: "Jörg <jörg@bücher.example.test>", subject: "Rechnung")
        let polled = try desk.gateway.pollOnce()
        #expect(polled.compactMap(\.error).isEmpty)
        #expect(try desk.participants("SUPP-1").contains("jörg@bücher.example.test"), "the request is a ticket")

        let summary = try desk.gateway.dispatchOutbox()
        #expect(summary.failed == 1 && summary.retrying == 0, "\(summary)")
        let acknowledgement = try Self.acknowledgement(desk, ticket: "SUPP-1")
        #expect(acknowledgement.status == .failed)
        #expect(acknowledgement.attempts == 1)
        #expect(acknowledgement.lastError == """
            jörg@bücher.example.test has a non-ASCII local part and 127.0.0.1:\(desk.servers.smtpPort) does not offer SMTPUTF8 \
            (RFC 6531); it cannot be sent there without changing the address: ask the requester for another address, or send \
            through a server that offers SMTPUTF8
            """)
        // Final: another run does not try again.
        #expect(try desk.gateway.dispatchOutbox().failed == 0)
        #expect(try Self.acknowledgement(desk, ticket: "SUPP-1").attempts == 1)

        // Nothing was offered to the MTA for that address: no envelope names it, in either form.
        let log = try String(contentsOfFile: desk.servers.directory.path("smtpd.log"), encoding: .utf8)
        #expect(log.contains("support@example.test"), "the request itself is in the log")
        #expect(!log.contains("bcher-kva") && !log.contains("bücher"), "\(log)")
    }
}

/// SMTPUTF8 offered. The real test MTA lacks the extension (its EHLO says 8BITMIME
/// ENHANCEDSTATUSCODES SIZE DSN HELP) and no other server here offers it, so a scripted SMTP peer
/// announces it and records what libcurl writes.
@Suite("International addresses, on a scripted SMTP peer", .serialized, .timeLimit(.minutes(5)))
struct InternationalAddressPeerTests {
    static func client(_ peer: ScriptedSMTPServer) throws -> SMTPClient {
        try SMTPClient(endpoint: ServerEndpoint(baseURL: "smtp://127.0.0.1:\(peer.port)", security: .none, connectTimeout: 5, transferTimeout: 10))
    }

    static func message(to address: Address) -> [UInt8] {
        OutgoingMessage(from: Address(name: "Support", address: "support@example.test"), to: [address], subject: "Ihre Anfrage",
                        textBody: "Hallo\n", messageID: "\(UUID().uuidString)@example.test", date: Date()).rendered()
    }

    /// The unfolded header lines of a message.
    static func header(_ bytes: [UInt8]) -> [String] {
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        return head.components(separatedBy: "\r\n").reduce(into: []) { lines, line in
            if line.hasPrefix(" "), let last = lines.popLast() { lines.append(last + line) } else { lines.append(line) }
        }
    }

    @Test func aNonASCIILocalPartGoesOutWithSMTPUTF8() throws {
        let peer = try ScriptedSMTPServer(extensions: ["8BITMIME", "SMTPUTF8"])
        defer { peer.stop() }
        let client = try Self.client(peer)
        try client.send(from: "support@example.test", to: ["jörg@bücher.example"],
                        message: Self.message(to: Address(name: "Jörg", address: "jörg@bücher.example")))
        // Then an ASCII one on the same client: the NOOP probe left nothing behind.
        try client.send(from: "support@example.test", to: ["ann@example.test"], message: Self.message(to: Address(address: "ann@example.test")))

        let commands = peer.commands
        let rcpt = try #require(commands.first { $0.hasPrefix("RCPT TO:") })
        // libcurl (7.88, libidn2) writes what we give it: the A-label (recorded in the report).
        #expect(rcpt == "RCPT TO:<jörg@xn--bcher-kva.example>" || rcpt == "RCPT TO:<jörg@bücher.example>", "\(rcpt)")
        #expect(rcpt == "RCPT TO:<jörg@xn--bcher-kva.example>", "\(rcpt)")
        let mails = commands.filter { $0.hasPrefix("MAIL FROM:") }
        #expect(mails == ["MAIL FROM:<support@example.test> SMTPUTF8", "MAIL FROM:<support@example.test>"])
        // The probe came first, and its connection carried both messages.
        let noop = try #require(commands.firstIndex(of: "NOOP"))
        #expect(noop < (commands.firstIndex { $0.hasPrefix("MAIL FROM:") } ?? 0), "\(commands)")
        #expect(commands.filter { $0 == "NOOP" }.count == 1)
        #expect(peer.accepted == 1)

        let sent = try #require(peer.messages.first)
        let to = try #require(Self.header(sent).first { $0.hasPrefix("To: ") })
        #expect(to.hasSuffix(" <jörg@bücher.example>"), "UTF-8 (RFC 6532) with the U-label: \(to)")
        #expect(peer.messages.count == 2)
    }

    @Test func anASCIILocalPartAtAnIDNDomainNeedsNoExtension() throws {
        let peer = try ScriptedSMTPServer(extensions: ["8BITMIME"])
        defer { peer.stop() }
        try Self.client(peer).send(from: "support@example.test", to: ["anna@bücher.example"],
                                   message: Self.message(to: Address(address: "anna@bücher.example")))
        let commands = peer.commands
        #expect(commands.contains("MAIL FROM:<support@example.test>"))
        #expect(commands.contains("RCPT TO:<anna@xn--bcher-kva.example>"))
        #expect(!commands.contains("NOOP"))
        let sent = try #require(peer.messages.first)
        #expect(Self.header(sent).contains("To: anna@xn--bcher-kva.example"))
    }

    @Test func withoutSMTPUTF8NothingIsOfferedForANonASCIILocalPart() throws {
        let peer = try ScriptedSMTPServer(extensions: ["8BITMIME", "SIZE 1000000"])
        defer { peer.stop() }
        let client = try Self.client(peer)
        let error = try #require(throws: TransportError.self) {
            try client.send(from: "support@example.test", to: ["jörg@bücher.example"], message: Self.message(to: Address(address: "jörg@bücher.example")))
        }
        #expect(error.kind == .unsupported && !error.isTransient)
        #expect(error.description.hasPrefix("jörg@bücher.example has a non-ASCII local part and 127.0.0.1:\(peer.port) does not offer SMTPUTF8"))
        #expect(!peer.commands.contains { $0.hasPrefix("MAIL") || $0.hasPrefix("RCPT") }, "\(peer.commands)")
        // The client goes on with what the server can take.
        try client.send(from: "support@example.test", to: ["ann@example.test"], message: Self.message(to: Address(address: "ann@example.test")))
        #expect(peer.messages.count == 1)
    }

    @Test func aDomainIDNARefusesIsAPermanentFailureBeforeAnyConnection() throws {
        let peer = try ScriptedSMTPServer(extensions: ["SMTPUTF8"])
        defer { peer.stop() }
        let error = try #require(throws: TransportError.self) {
            try Self.client(peer).send(from: "support@example.test", to: ["anna@bü cher.example"], message: Array("x\r\n".utf8))
        }
        #expect(error.kind == .unsupported && !error.isTransient)
        #expect(error.description.contains("anna@bü cher.example has a domain that is not a valid internationalized domain name"))
        #expect(peer.accepted == 0)
    }
}
