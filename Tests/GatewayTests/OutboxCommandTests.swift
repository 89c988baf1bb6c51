import Foundation
import HelpdeskStore
import MailgateTestSupport
import Testing

/// `helpdesk outbox list` and `retry`, against rows put in each state the way a sender would.
@Suite("outbox list and retry", .serialized, .timeLimit(.minutes(5)))
struct OutboxCommandTests {
    typealias Installation = TicketUpdateCommandLineTests.Installation

    static func rows(_ result: CommandLineTests.Result) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stderr)")
    }

    @Test func listShowsTicketAndSubjectInBothForms() throws {
        let install = try Installation()
        try install.ingest(subject: "Second question", messageID: "h2@example.test")
        let json = try Self.rows(try install.run(["outbox", "list", "--json"]))
        #expect(json.count >= 2)
        #expect(Set(json.compactMap { $0["ticket"] as? String }) == ["SUPP-1", "SUPP-2"])
        #expect(json.allSatisfy { ($0["ticket"] as? String == "SUPP-1") == ($0["subject"] as? String == "Help") }, "\(json)")
        #expect(json.first?["recipients"] as? [String] == ["alice@example.test"] && json.first?["status"] as? String == "pending")

        let table = try install.run(["outbox", "list"])
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.split(separator: " ").prefix(5) == ["ID", "STATUS", "EVENT", "TICKET", "SUBJECT"], "\(table.stdout)")
        #expect(lines.dropFirst().allSatisfy { $0.contains("SUPP-1  Help") || $0.contains("SUPP-2  Second question") }, "\(table.stdout)")
        #expect(lines.count == json.count + 1)
    }

    @Test func retryMakesFailedRowsDueAndLeavesSentAndClaimedOnes() throws {
        let install = try Installation()
        let database = try install.database()
        // A running sender holds every row; it gives one up for good and sends another.
        let claimed = try database.claimDueOutbox(mailbox: nil, owner: "runner", now: Date(), lease: 300, limit: 10).compactMap(\.id).sorted()
        try #require(claimed.count >= 3, "an acknowledgement and a notice per agent")
        let (failed, sent, held) = (claimed[0], claimed[1], claimed[2])
        try database.markAttemptFailed(outboxId: failed, owner: "runner", error: "550 5.1.1 no such user", retryAt: nil)
        try database.markSent(outboxId: sent, owner: "runner", at: Date())

        let listed = try Self.rows(try install.run(["outbox", "list", "--json", "--status", "failed"]))
        #expect(listed.map { $0["id"] as? Int } == [Int(failed)] && listed.first?["attempts"] as? Int == 1)

        let byFailed = try install.run(["outbox", "retry", "--failed"])
        #expect(byFailed.status == 0, "\(byFailed.stderr)")
        #expect(byFailed.stdout.hasPrefix("outbox retry: 1 row(s) made due now"), "\(byFailed.stdout)")
        let retried = try #require(try database.outbox(status: nil).first { $0.id == failed })
        #expect(retried.status == .pending && retried.attempts == 1 && retried.nextAttemptAt <= Date(), "attempts kept, due now")

        let bySent = try install.run(["outbox", "retry", "\(sent)"])
        #expect(bySent.status == 1 && bySent.stderr.contains("sent already"), "\(bySent.stderr)")
        #expect(try database.outbox(status: .sent).compactMap(\.id) == [sent])

        let byHeld = try install.run(["outbox", "retry", "\(held)"])
        #expect(byHeld.status == 0, "\(byHeld.stderr)")
        #expect(byHeld.stdout.contains("0 row(s)") && byHeld.stdout.contains("being sent by a running sender, left alone: \(held)"), "\(byHeld.stdout)")
        #expect(try database.outbox(status: nil).first { $0.id == held }?.claimedBy == "runner")

        // Given up on once more, then retried by its id; the ticket form names the sent row and goes on.
        #expect(try database.claimDueOutbox(mailbox: nil, owner: "runner2", now: Date(), lease: 300, limit: 10).compactMap(\.id) == [failed])
        try database.markAttemptFailed(outboxId: failed, owner: "runner2", error: "550 5.1.1 no such user", retryAt: nil)
        let byId = try install.run(["outbox", "retry", "\(failed)"])
        #expect(byId.status == 0 && byId.stdout.hasPrefix("outbox retry: 1 row(s) made due now"), "\(byId.stdout)\(byId.stderr)")
        let byTicket = try install.run(["outbox", "retry", "--ticket", "SUPP-1"])
        #expect(byTicket.status == 0, "\(byTicket.stderr)")
        #expect(byTicket.stdout.contains("already due: \(failed)") && byTicket.stdout.contains("sent already, not sent again: \(sent)"), "\(byTicket.stdout)")

        let unknown = try install.run(["outbox", "retry", "999"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no outbox row 999"), "\(unknown.stderr)")
        let noTicket = try install.run(["outbox", "retry", "--ticket", "SUPP-9"])
        #expect(noTicket.status == 1 && noTicket.stderr.contains("no ticket SUPP-9"), "\(noTicket.stderr)")
    }
}
