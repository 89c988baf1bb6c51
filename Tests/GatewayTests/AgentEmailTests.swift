import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

/// Issue 5 on real servers: agents run tickets from their mail client, and nobody else can.
@Suite("Agents by email on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct AgentEmailTests {
    /// A desk whose support mailbox signs reply addresses, with agents bob and dana.
    static func desk(extra: String = "", agents: [String] = ["bob", "dana"]) throws -> HelpDesk {
        var secretLine = ""
        let desk = try HelpDesk(extra: extra, agents: agents) { fixture in
            secretLine = "reply_token_secret_file: \(try fixture.writeSecret())"
        }
        // The secret file exists only once the fixture does: add the line now.
        try desk.fixture.addMailbox("support", key: "SUPP", agents: agents, extra: secretLine + "\n" + extra)
        return desk
    }

    /// Bob's reply to `notification`, sent where its Reply-To points (or to `to`).
    static func reply(from agent: String, to address: String, answering notification: Message, body: String) -> String {
        """
        From: \(agent.capitalized) <\(agent)@example.test>
        To: \(address)
        Subject: Re: \(notification.subject ?? "")
        Message-ID: <\(UUID().uuidString.lowercased())@agent.example.test>
        In-Reply-To: <\(notification.messageID ?? "")>
        References: <\(notification.messageID ?? "")>
        Content-Type: text/plain; charset=utf-8

        \(body)
        """
    }

    @Test func anAgentAssignsAndAnswersFromTheirMailClient() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        let request = try desk.send(from: "alice", subject: "Laptop will not boot", body: "Black screen since this morning.\n")
        try desk.cycle()
        let ack = try desk.lastSent(to: "alice")
        let notification = try #require(try desk.inbox("bob", count: 1).first)
        let replyTo = try #require(notification.replyTo.first?.address)
        #expect(replyTo.hasPrefix("support+"), "notifications carry a signed reply address: \(replyTo)")

        try desk.sendRaw(from: "bob", rcpt: replyTo, user: "support", Self.reply(from: "bob", to: replyTo, answering: notification, body: """
            #assign dana
            #status pending
            #priority high

            Have you tried holding the power button for ten seconds?

            On Tue, 24 Nov 2026 at 09:12, Alice <alice@example.test> wrote:
            > Black screen since this morning.
            """))
        try desk.cycle()

        let ticket = try desk.ticket("SUPP-1")
        #expect(ticket.status == .pending)
        #expect(ticket.assignee == "dana@example.test")
        #expect(ticket.priority == .high)
        #expect(ticket.firstResponseAt != nil)
        let history = try desk.database.history(ticketId: try #require(ticket.id))
        #expect(history.map(\.kind) == [.created, .status, .assignee, .priority])
        #expect(history.dropFirst().allSatisfy { $0.actor == "bob@example.test" && $0.actorRole == .agent })
        #expect(history.first { $0.kind == .status }?.toValue == "pending")

        // Alice got Bob's words, without the commands and without her own quoted text.
        let answer = try #require(try desk.inbox("alice", count: 2).last)
        #expect(answer.subject?.contains("[SUPP-1]") == true)
        let text = try #require(answer.textBody)
        #expect(text.contains("holding the power button"))
        #expect(!text.contains("#assign") && !text.contains("> Black screen"), "\(text)")
        #expect(text.contains("Bob, Example Support"), "signed with the agent's configured name: \(text)")
        // In her thread (under our acknowledgement of her request), and a person's answer, not a robot's.
        #expect(answer.inReplyTo == [ack])
        #expect(answer.references == [request, ack])
        #expect(answer.autoSubmitted == nil)
        // Dana was told the ticket is hers, with a reply address signed for her.
        let assigned = try #require(try desk.inbox("dana", count: 2).last)
        #expect(assigned.subject?.contains("Assigned to you") == true, "\(assigned.subject ?? "-")")
        #expect(assigned.replyTo.first?.address.hasPrefix("support+") == true)
        #expect(assigned.replyTo.first?.address != replyTo)
    }

    @Test func aForgedAgentChangesNothingAndTheRealAgentIsTold() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Refund please")
        try desk.cycle()
        let notification = try #require(try desk.inbox("bob", count: 1).first)
        // Mallory (erin's account) writes as bob, to the plain support address: no signed token,
        // no DMARC; and asks for answers at her own address.
        try desk.sendRaw(from: "erin", rcpt: "support@example.test", user: "support", "Reply-To: erin@example.test\n" + Self.reply(
            from: "bob", to: "support@example.test", answering: notification, body: "#assign dana\n#status resolved\n\nRefund approved, send your card number.\n"))
        try desk.cycle()

        let ticket = try desk.ticket("SUPP-1")
        #expect(ticket.status == .new && ticket.assignee == nil)
        #expect(try desk.database.history(ticketId: try #require(ticket.id)).map(\.kind) == [.created])
        let note = try #require(try desk.comments("SUPP-1").last)
        #expect(note.visibility == .internal && note.unverified && note.authorRole == .agent)
        #expect(try desk.database.outbox().filter { $0.event == "agent_reply" }.isEmpty, "nothing forged goes to the requester")
        let told = try #require(try desk.inbox("bob", count: 2).last)
        #expect(told.subject?.contains("Not applied") == true)
        #expect(told.textBody?.contains("could not be verified") == true)
        #expect(try desk.database.outbox().allSatisfy { !$0.recipientList.contains("erin@example.test") }, "the forger hears nothing")
    }

    @Test func anInvalidCommandChangesNothingAndIsRejected() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Printer")
        try desk.cycle()
        let notification = try #require(try desk.inbox("bob", count: 1).first)
        let replyTo = try #require(notification.replyTo.first?.address)
        try desk.sendRaw(from: "bob", rcpt: replyTo, user: "support", Self.reply(
            from: "bob", to: replyTo, answering: notification, body: "#priority high\n#status pendng\n\nOn it.\n"))
        try desk.cycle()

        let ticket = try desk.ticket("SUPP-1")
        #expect(ticket.status == .new && ticket.priority == .normal, "all or nothing")
        #expect(try desk.comments("SUPP-1").last?.visibility == .internal)
        #expect(try desk.database.outbox().filter { $0.event == "agent_reply" }.isEmpty, "the comment was not published")
        let rejected = try #require(try desk.inbox("bob", count: 2).last)
        let text = try #require(rejected.textBody)
        #expect(text.contains("#status pendng"), "\(text)")
        #expect(text.contains("pendng"))
    }

    @Test func aTokenForOneTicketDoesNotActOnAnother() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "First")
        try desk.send(from: "carol", subject: "Second")
        try desk.cycle()
        let bob = try desk.inbox("bob", count: 2)
        let first = try #require(bob.first { $0.subject?.contains("[SUPP-1]") == true })
        let second = try #require(bob.first { $0.subject?.contains("[SUPP-2]") == true })
        let tokenOfFirst = try #require(first.replyTo.first?.address)
        // Threaded to SUPP-2, sent to SUPP-1's signed address.
        try desk.sendRaw(from: "bob", rcpt: tokenOfFirst, user: "support", Self.reply(
            from: "bob", to: tokenOfFirst, answering: second, body: "#status resolved\n\nDone.\n"))
        try desk.cycle()
        #expect(try desk.ticket("SUPP-2").status == .new)
        #expect(try desk.comments("SUPP-2").last?.unverified == true)
        #expect(try desk.ticket("SUPP-1").status == .new)
    }

    @Test func aTrustedDMARCPassWorksWithoutTheToken() throws {
        let desk = try Self.desk(extra: "authserv_id: mx.example.test")
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "VPN")
        try desk.cycle()
        let notification = try #require(try desk.inbox("bob", count: 1).first)
        let message = "Authentication-Results: mx.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test\n"
            + Self.reply(from: "bob", to: "support@example.test", answering: notification, body: "#take\n#status resolved\n\nFixed the VPN profile.\n")
        try desk.sendRaw(from: "bob", rcpt: "support@example.test", user: "support", message)
        try desk.cycle()
        let ticket = try desk.ticket("SUPP-1")
        #expect(ticket.status == .resolved && ticket.assignee == "bob@example.test")
        #expect(try desk.inbox("alice", count: 2).last?.textBody?.contains("Fixed the VPN profile") == true)
    }

    @Test func roundRobinGivesThreeAgentsThreeTicketsEachAcrossARestart() throws {
        let desk = try Self.desk(extra: "assignment: round_robin", agents: ["bob", "dana", "carol"])
        defer { desk.stop() }
        for index in 1...4 { try desk.send(from: "alice", subject: "Request \(index)") }
        try desk.cycle()
        desk.restart()
        for index in 5...9 { try desk.send(from: "alice", subject: "Request \(index)") }
        try desk.cycle()

        let assignees = try desk.database.tickets().compactMap(\.assignee)
        #expect(assignees.count == 9)
        #expect(Dictionary(grouping: assignees, by: { $0 }).mapValues(\.count)
                == ["bob@example.test": 3, "dana@example.test": 3, "carol@example.test": 3])
        #expect(assignees == Array(repeating: ["bob@example.test", "dana@example.test", "carol@example.test"], count: 3).flatMap { $0 },
                "the pointer continues after the restart instead of starting over")
        // Each agent: "assigned to you" for their three, "new ticket" for the other six.
        let dana = try desk.inbox("dana", count: 9)
        #expect(dana.filter { $0.subject?.contains("Assigned to you") == true }.count == 3)
        #expect(dana.filter { $0.subject?.contains("New ticket") == true }.count == 6)
    }
}
