import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

/// A requester who writes in German gets the German acknowledgement, HTML and text, on the real
/// servers: the language is read from their mail, kept on the ticket, and picks the templates.
@Suite("German requester on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct GermanRequesterTests {
    static let request = """
        From: Erin Müller <erin@example.test>
        To: support@example.test
        Subject: Drucker im 3. Stock klemmt
        Message-ID: <anfrage-1@client.example.test>
        Date: Tue, 24 Nov 2026 09:12:00 +0100
        Content-Language: de-DE
        Content-Type: text/plain; charset=utf-8

        Der Drucker meldet Papierstau, aber es ist kein Papier drin.
        """

    static let english = """
        From: Alice Example <alice@example.test>
        To: support@example.test
        Subject: Printer jammed
        Message-ID: <request-1@client.example.test>
        Accept-Language: fr-CH, en;q=0.8

        The printer is jammed.
        """

    @Test func getsGermanHTMLAndText() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        try servers.send(from: "erin@example.test", to: ["support@example.test"], Self.request)
        try servers.waitForMessages(user: "support", count: 1)
        try servers.send(from: "alice@example.test", to: ["support@example.test"], Self.english)
        try servers.waitForMessages(user: "support", count: 2)

        let gateway = try fixture.gateway()
        #expect(try gateway.pollOnce().map(\.error) == [nil])
        #expect(try gateway.dispatchOutbox().failed == 0)
        let tickets = try gateway.database.tickets()
        #expect(tickets.map(\.language) == ["de-DE", "fr-CH"])

        try servers.waitForMessages(user: "erin", count: 1)
        let german = Message.parse(try #require(try servers.messages(user: "erin").first))
        #expect(german.defects.isEmpty, "\(german.defects)")
        #expect(german.root.contentType.mediaType == "multipart/alternative")
        #expect(german.subject?.hasPrefix("[SUPP-1] ") == true)
        let text = try #require(german.textBody)
        let html = try #require(german.htmlBody)
        #expect(text.contains("Hallo Erin Müller"), "\(text)")
        #expect(text.contains("SUPP-1"))
        #expect(html.contains("<html lang=\"de\">"))
        #expect(html.contains("Hallo Erin Müller"))
        #expect(!html.contains("{{"))

        // No French templates ship: Alice's acknowledgement is the English one.
        try servers.waitForMessages(user: "alice", count: 1)
        let english = Message.parse(try #require(try servers.messages(user: "alice").first))
        #expect(english.textBody?.contains("Hello Alice Example") == true)
        #expect(english.htmlBody?.contains("<html lang=\"en\">") == true)
    }
}
