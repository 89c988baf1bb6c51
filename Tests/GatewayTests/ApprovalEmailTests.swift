import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import MIME
import Testing

/// Issue 19 on real servers: requests that need a manager's yes wait for it, and only the
/// approver's answer to their signed request decides.
@Suite("Approvals by email on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct ApprovalEmailTests {
    static let approvals = """
        assignment: round_robin
        approvals:
          remind_after: 1d
          expire_after: 3d
          rules:
            - name: hardware
              keywords: [laptop, monitor]
              approvers: manager
            - name: refunds
              keywords: [refund]
              chain: [carol@example.test, frank@example.test]
            - name: purchases
              tags: [purchase]
              approvers: manager
        """

    /// A desk whose support mailbox signs reply addresses and holds hardware and refund requests;
    /// everyone at example.test has carol as their manager.
    static func desk() throws -> HelpDesk {
        var secretLine = ""
        let desk = try HelpDesk(agents: ["bob", "dana"]) { fixture in
            secretLine = "reply_token_secret_file: \(try fixture.writeSecret())"
            try """
                organizations:
                  - name: Example
                    domains: [example.test]
                    managers: [carol@example.test]
                """.write(toFile: fixture.directory.path("mailboxes/organizations.yaml"), atomically: true, encoding: .utf8)
        }
        try desk.fixture.addMailbox("support", key: "SUPP", agents: ["bob", "dana"], extra: secretLine + "\n" + approvals)
        return desk
    }

    /// `person`'s answer to the request `request`, sent where its Reply-To points (or to `to`).
    static func answer(_ desk: HelpDesk, from person: String, to address: String? = nil, answering request: Message, _ body: String) throws {
        let target = address ?? request.replyTo.first?.address ?? "support@example.test"
        try desk.sendRaw(from: person, rcpt: target, user: "support", AgentEmailTests.reply(from: person, to: target, answering: request, body: body))
        try desk.cycle()
    }

    static func subjects(_ messages: [Message]) -> [String] { messages.map { $0.subject ?? "" } }

    @Test func theManagerApprovesByReplyingAndTheTicketIsAssigned() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "New laptop", body: "Mine is five years old.\n")
        try desk.cycle()
        #expect(try desk.ticket("SUPP-1").status == .pendingApproval)
        #expect(try desk.ticket("SUPP-1").assignee == nil)
        let request = try #require(try desk.inbox("carol", count: 1).first)
        #expect(request.subject?.contains("Approval needed") == true && request.textBody?.contains("Mine is five years old.") == true)
        let signed = try #require(request.replyTo.first?.address)
        #expect(signed.hasPrefix("support+"))
        // The agents hear nothing while it waits.
        #expect(try desk.servers.messages(user: "bob").isEmpty)
        #expect(try desk.servers.messages(user: "dana").isEmpty)

        // The requester forges a yes from her own address: recorded, nothing decided.
        let ack = try #require(try desk.inbox("alice", count: 1).first)
        try Self.answer(desk, from: "alice", to: "support@example.test", answering: ack, "#approve\n")
        // And someone sends "#approve" as carol without her signed address.
        try Self.answer(desk, from: "carol", to: "support@example.test", answering: request, "#approve\n")
        #expect(try desk.ticket("SUPP-1").status == .pendingApproval)
        let refusals = try desk.database.history(ticketId: try desk.ticket("SUPP-1").id ?? 0).filter { $0.kind == .approval && $0.toValue == "refused" }
        #expect(refusals.count == 2)
        #expect(refusals.first?.note?.contains("alice@example.test is not an approver") == true, "\(refusals.first?.note ?? "")")
        #expect(refusals.last?.note?.contains("signed") == true, "\(refusals.last?.note ?? "")")

        try Self.answer(desk, from: "carol", answering: request, "#approve\n\nFine, order the 14-inch one.\n")
        let ticket = try desk.ticket("SUPP-1")
        #expect(ticket.status == .open && ticket.assignee == "bob@example.test")
        let told = try desk.inbox("alice", count: 2)
        #expect(told.last?.subject?.contains("Approved") == true, "\(Self.subjects(told))")
        #expect(try desk.inbox("bob", count: 1).first?.subject?.contains("SUPP-1") == true)
        let history = try desk.database.history(ticketId: ticket.id ?? 0)
        #expect(history.contains { $0.kind == .approval && $0.toValue == "approved" && $0.actor == "carol@example.test" })
        #expect(try desk.comments("SUPP-1").last?.body.contains("order the 14-inch one") == true)
        #expect(try desk.comments("SUPP-1").last?.visibility == .internal)
        let shown = try CommandLineTests.helpdesk(["tickets", "show", "SUPP-1"] + AttachmentAndPipeTests.global(desk.fixture))
        #expect(shown.stdout.contains("approval hardware: approved by carol@example.test"), "\(shown.stdout)\(shown.stderr)")
    }

    @Test func aRejectedRequestTellsTheRequesterWhy() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "A second monitor")
        try desk.cycle()
        let request = try #require(try desk.inbox("carol", count: 1).first)
        let waiting = try CommandLineTests.helpdesk(["tickets", "show", "SUPP-1", "--json"] + AttachmentAndPipeTests.global(desk.fixture))
        #expect(waiting.stdout.contains("\"waiting_for\" : [\n      \"carol@example.test\""), "\(waiting.stdout)")
        try Self.answer(desk, from: "carol", answering: request, "#reject No budget this quarter.\n")
        #expect(try desk.ticket("SUPP-1").status == .cancelled)
        let told = try #require(try desk.inbox("alice", count: 2).last)
        #expect(told.subject?.contains("Not approved") == true)
        #expect(told.textBody?.contains("No budget this quarter.") == true, "\(told.textBody ?? "")")
    }

    @Test func aChainOfTwoApproversDecidesInOrder() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Refund for order 77")
        try desk.cycle()
        let first = try #require(try desk.inbox("carol", count: 1).first)
        #expect(try desk.servers.messages(user: "frank").isEmpty, "frank is asked after carol")
        try Self.answer(desk, from: "carol", answering: first, "#approve\n")
        #expect(try desk.ticket("SUPP-1").status == .pendingApproval)
        let second = try #require(try desk.inbox("frank", count: 1).first)
        #expect(second.textBody?.contains("approver 2 of 2") == true, "\(second.subject ?? "") \(second.textBody ?? "")")
        // Carol's address is not frank's: her yes again changes nothing.
        try Self.answer(desk, from: "carol", answering: first, "#approve\n")
        #expect(try desk.ticket("SUPP-1").status == .pendingApproval)
        try Self.answer(desk, from: "frank", answering: second, "#approve\n")
        #expect(try desk.ticket("SUPP-1").status == .open)
    }

    @Test func anAgentsTagHoldsTheTicketForTheManager() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Printer paper", body: "Two boxes of A4, please.\n")
        try desk.cycle()
        #expect(try desk.ticket("SUPP-1").status == .new)
        let notice = try #require(try desk.inbox("bob", count: 1).first)
        try Self.answer(desk, from: "bob", answering: notice, "#tag +purchase\n")
        let history = try desk.database.history(ticketId: try desk.ticket("SUPP-1").id ?? 0).map { "\($0.kind) \($0.toValue ?? "")" }
        let comments = try desk.comments("SUPP-1").map { "\($0.authorAddress) \($0.visibility) \($0.unverified) \($0.body)" }
        let outbox = try desk.database.outbox().map(\.event)
        #expect(try desk.ticket("SUPP-1").status == .pendingApproval, "\(history) \(comments) \(outbox) \(notice.subject ?? "")")
        let request = try #require(try desk.inbox("carol", count: 1).first)
        #expect(request.textBody?.contains("Two boxes of A4, please.") == true, "\(request.textBody ?? "")")
        try Self.answer(desk, from: "carol", answering: request, "#approve\n")
        #expect(try desk.ticket("SUPP-1").status == .open)
    }

    @Test func theReminderAndTheExpiryFireOnce() throws {
        let desk = try Self.desk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "New laptop")
        try desk.cycle()
        _ = try desk.inbox("carol", count: 1)
        desk.clock.advance(25 * 3_600)
        #expect(try desk.gateway.checkSLA().approvalReminders == 1)
        #expect(try desk.gateway.checkSLA().approvalReminders == 0, "once")
        try desk.cycle()
        let reminder = try #require(try desk.inbox("carol", count: 2).last)
        #expect(reminder.subject?.hasPrefix("[SUPP-1] Reminder: Approval needed") == true, "\(reminder.subject ?? "")")
        desk.clock.advance(2 * 86_400)
        #expect(try desk.gateway.checkSLA().approvalsExpired == 1)
        #expect(try desk.gateway.checkSLA().approvalsExpired == 0, "once")
        try desk.cycle()
        #expect(try desk.ticket("SUPP-1").status == .cancelled)
        #expect(try desk.inbox("alice", count: 2).last?.subject?.contains("Approval expired") == true)
        #expect(try desk.inbox("carol", count: 3).last?.subject?.contains("Approval expired") == true)
        // A yes after the expiry decides nothing.
        try Self.answer(desk, from: "carol", answering: reminder, "#approve\n")
        #expect(try desk.ticket("SUPP-1").status == .cancelled)
    }
}
