import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MailTransport
import MIME
import Testing

/// The whole path on real servers: requester mail → OpenSMTPD → LMTP → Dovecot → IMAP → gateway →
/// SQLite → outbox → SMTP → OpenSMTPD → Dovecot → requester's inbox.
@Suite("Walking skeleton on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct WalkingSkeletonTests {
    static let request = """
        From: Alice Example <alice@example.test>
        To: support@example.test
        Subject: Printer on floor 3 is jammed
        Message-ID: <request-1@client.example.test>
        Date: Tue, 24 Nov 2026 09:12:00 +0100
        Content-Type: text/plain; charset=utf-8

        The printer says paper jam but there is no paper.
        """

    static let followUp = """
        From: Alice Example <alice@example.test>
        To: support@example.test
        Subject: Re: [SUPP-1] Printer on floor 3 is jammed
        Message-ID: <request-2@client.example.test>
        Date: Tue, 24 Nov 2026 09:20:00 +0100

        It also smells of smoke now.
        """

    static let outOfOffice = """
        From: Frank Away <ooo@example.test>
        To: support@example.test
        Subject: Out of office
        Message-ID: <ooo-1@client.example.test>
        Auto-Submitted: auto-replied

        I am away until Monday.
        """

    @Test func requestFollowUpAndOutOfOffice() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        // One at a time, so the UIDs follow the order a person would have sent them in.
        try servers.send(from: "alice@example.test", to: ["support@example.test"], Self.request)
        try servers.waitForMessages(user: "support", count: 1)
        try servers.send(from: "alice@example.test", to: ["support@example.test"], Self.followUp)
        try servers.waitForMessages(user: "support", count: 2)
        try servers.send(from: "ooo@example.test", to: ["support@example.test"], Self.outOfOffice)
        try servers.waitForMessages(user: "support", count: 3)

        let gateway = try fixture.gateway()
        let summaries = try gateway.pollOnce()
        #expect(summaries.map(\.error) == [nil])
        #expect(summaries.first?.fetched == 3)
        let dispatched = try gateway.dispatchOutbox()
        // Alice's acknowledgement, and the agent's notifications: two new tickets, one answer.
        #expect(dispatched.sent == 4 && dispatched.retrying == 0 && dispatched.failed == 0)

        let tickets = try gateway.database.tickets()
        #expect(tickets.map(\.key) == ["SUPP-1", "SUPP-2"])
        #expect(tickets.map(\.requesterAddress) == ["alice@example.test", "ooo@example.test"])
        #expect(tickets.first?.subject == "Printer on floor 3 is jammed")
        let comments = try gateway.database.comments(ticketId: try #require(tickets.first?.id))
        #expect(comments.count == 2)
        #expect(comments.last?.body.contains("smells of smoke") == true)
        #expect(try gateway.database.comments(ticketId: try #require(tickets.last?.id)).count == 1)
        #expect(try gateway.database.inboundMessages().last?.autoReply == "Auto-Submitted: auto-replied")

        // Exactly one acknowledgement, to Alice, threaded to her request.
        let outbox = try gateway.database.outbox().filter { $0.event == "ticket_created" }
        #expect(outbox.count == 1)
        #expect(outbox.first?.status == .sent)
        #expect(try gateway.database.outbox().map(\.event).sorted() == ["new_ticket", "new_ticket", "requester_reply", "ticket_created"])
        #expect(try gateway.database.outbox().filter { $0.event != "ticket_created" }.map(\.recipients) == ["bob@example.test", "bob@example.test", "bob@example.test"])
        try servers.waitForMessages(user: "alice", count: 1)
        let inbox = try servers.messages(user: "alice")
        #expect(inbox.count == 1)
        let ack = Message.parse(try #require(inbox.first))
        #expect(ack.subject?.contains("[SUPP-1]") == true)
        #expect(ack.inReplyTo == ["request-1@client.example.test"])
        #expect(ack.references.contains("request-1@client.example.test"))
        #expect(ack.autoSubmitted == "auto-replied")
        #expect(ack.from.first?.address == "support@example.test")
        #expect(ack.to.first?.address == "alice@example.test")
        #expect(ack.messageID == outbox.first?.messageId)
        #expect(ack.textBody?.contains("SUPP-1") == true)
        // The out-of-office sender got nothing.
        #expect(try IMAPClient(endpoint: servers.imapEndpoint(user: "ooo")).status().messages == 0)

        // Every message is marked processed on the server.
        let support = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        #expect(try support.search("UNKEYWORD \(MailboxPoller.processedKeyword)") == [])

        // A second poll changes nothing.
        let again = try gateway.pollOnce()
        #expect(again.first?.fetched == 0)
        #expect(try gateway.dispatchOutbox().sent == 0)
        #expect(try gateway.database.tickets().count == 2)
        #expect(try gateway.database.outbox().count == 4)
        #expect(try gateway.database.comments(ticketId: try #require(tickets.first?.id)).count == 2)
    }

    @Test func crashBeforeFlaggingAndRenumberedFolderMakeNoDuplicates() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        try servers.send(from: "alice@example.test", to: ["support@example.test"], Self.request)
        try servers.waitForMessages(user: "support", count: 1)
        let gateway = try fixture.gateway()
        _ = try gateway.pollOnce()
        let support = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        let status = try support.status()

        // As if the process died after the commit but before the STORE reached the server.
        try support.removeFlags([MailboxPoller.processedKeyword], from: [1])
        #expect(try support.search("UNKEYWORD \(MailboxPoller.processedKeyword)") == [1])
        #expect(try gateway.pollOnce().first?.fetched == 0)
        // A new session: an open one may not see another session's flag change until it syncs.
        let fresh = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        #expect(try fresh.search("UNKEYWORD \(MailboxPoller.processedKeyword)") == [], "the straggler is flagged again")

        // As if the server had renumbered the folder: everything is read again, nothing recorded twice.
        // (Move what we recorded to an older UIDVALIDITY than the server's.)
        try gateway.database.rawSQL("UPDATE inbound_message SET uid_validity = uid_validity - 1")
        try gateway.database.rawSQL("UPDATE mailbox_cursor SET uid_validity = uid_validity - 1")
        let rescan = try gateway.pollOnce()
        #expect(rescan.first?.fetched == 1)
        #expect(rescan.first?.duplicates == 1)
        #expect(try gateway.database.inboundMessages().map(\.outcome) == [.ticketCreated, .duplicate])
        #expect(try gateway.database.cursor(mailbox: "support")?.uidValidity == Int64(status.uidValidity))
        #expect(try gateway.database.tickets().count == 1)
        #expect(try gateway.database.outbox().map(\.event) == ["ticket_created", "new_ticket"])
    }

    @Test func oversizeMessageIsKeptAsideAndRecorded() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers, maximumMessageSize: "4KB")
        let big = Self.request.replacingOccurrences(of: "request-1@", with: "big-1@") + "\n" + String(repeating: "x", count: 76) + String(repeating: "\n" + String(repeating: "y", count: 76), count: 100)
        try servers.send(from: "alice@example.test", to: ["support@example.test"], big)
        try servers.send(from: "erin@example.test", to: ["support@example.test"], Self.outOfOffice.replacingOccurrences(of: "ooo-1@", with: "small-1@").replacingOccurrences(of: "Auto-Submitted: auto-replied\n", with: ""))
        try servers.waitForMessages(user: "support", count: 2)
        let gateway = try fixture.gateway()
        let summary = try #require(try gateway.pollOnce().first)
        #expect(summary.quarantined == 1)
        #expect(summary.ticketsCreated == 1, "the poller goes on with the next message")
        let quarantined = try gateway.database.inboundMessages().filter { $0.outcome == .quarantined }
        #expect(quarantined.count == 1)
        #expect(quarantined.first?.detail?.contains("exceeds max_message_size") == true)
        let support = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        #expect(try support.search("KEYWORD \(MailboxPoller.quarantinedKeyword)").count == 1, "kept on the server, marked")
        #expect(try support.status().messages == 2, "nothing deleted")
    }
}
