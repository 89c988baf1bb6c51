import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

/// `helpdesk suppressions list` and `remove`, against pauses a bounce left in the database.
@Suite("suppressions list and remove", .serialized, .timeLimit(.minutes(5)))
struct SuppressionCommandTests {
    typealias Installation = TicketUpdateCommandLineTests.Installation

    /// SUPP-1 from alice, whose acknowledgement bounced an hour ago (paused for 30 more days),
    /// and carol, whose pause ended yesterday; the acknowledgement's outbox id.
    static func installation() throws -> (install: Installation, outboxId: Int64) {
        let install = try Installation()
        let database = try install.database()
        let ack = try #require(try database.outbox(status: nil).first { $0.event == MailEvent.ticketCreated.rawValue })
        let outboxId = try #require(ack.id)
        let now = Date()
        let pauses = [
            Suppression(address: "alice@example.test", since: now.addingTimeInterval(-3_600), until: now.addingTimeInterval(30 * 86_400),
                        status: "5.1.1", diagnostic: "550 5.1.1 <alice@example.test>: no such user", outboxId: outboxId, ticketId: ack.ticketId),
            Suppression(address: "carol@example.test", since: now.addingTimeInterval(-100 * 86_400), until: now.addingTimeInterval(-86_400),
                        status: "5.2.1", diagnostic: "mailbox disabled", outboxId: nil, ticketId: nil),
        ]
        let identity = InboundIdentity(mailbox: "support", uidValidity: nil, uid: nil, messageID: "dsn@mx.example.test", sha256: "dsn", size: 100, receivedAt: now)
        let result = try database.recordBounce(identity, sender: "mailer-daemon@mx.example.test", match: .none, summary: "test pauses") { _ in
            BouncePlan(suppressions: pauses)
        }
        try #require(result == .bounce(outboxId: nil, ticketKey: nil))
        try #require(try database.suppressions(at: now).map(\.address) == ["alice@example.test"])
        return (install, outboxId)
    }

    @Test func listShowsOnlyThePausesHoldingNow() throws {
        let (install, outboxId) = try Self.installation()
        let table = try install.run(["suppressions", "list"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(table.stdout)")
        #expect(lines.first?.split(separator: " ").prefix(6) == ["ADDRESS", "SINCE", "UNTIL", "STATUS", "OUTBOX", "DIAGNOSTIC"], "\(table.stdout)")
        let row = try #require(lines.last)
        #expect(row.hasPrefix("alice@example.test") && row.contains("5.1.1") && row.contains(" \(outboxId) ") && row.contains("no such user"), "\(row)")
        #expect(!table.stdout.contains("carol@example.test"), "an ended pause is not listed")

        let json = try install.run(["suppressions", "list", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stdout)")
        #expect(rows.count == 1)
        let alice = try #require(rows.first)
        #expect(alice["address"] as? String == "alice@example.test" && alice["status"] as? String == "5.1.1")
        #expect(alice["outbox_id"] as? Int == Int(outboxId), "\(alice)")
        #expect(alice["diagnostic"] as? String == "550 5.1.1 <alice@example.test>: no such user")
        let format = ISO8601DateFormatter()
        let since = try #require((alice["since"] as? String).flatMap(format.date(from:)), "\(alice)")
        let until = try #require((alice["until"] as? String).flatMap(format.date(from:)), "\(alice)")
        #expect(since < Date() && until > Date().addingTimeInterval(29 * 86_400))
    }

    @Test func removeLiftsAPauseOnce() throws {
        let (install, _) = try Self.installation()
        let removed = try install.run(["suppressions", "remove", "Alice@Example.test"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout == "alice@example.test: pause lifted; automatic mail goes to it again\n", "\(removed.stdout)")
        #expect(try install.database().suppressions(at: Date()).isEmpty)

        let listed = try install.run(["suppressions", "list"])
        #expect(listed.status == 0 && listed.stdout == "no address is paused\n", "\(listed.stdout)\(listed.stderr)")
        let json = try install.run(["suppressions", "list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any])?.isEmpty == true, "\(json.stdout)")

        let again = try install.run(["suppressions", "remove", "alice@example.test"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("alice@example.test is not paused") && again.stderr.contains("helpdesk suppressions list"), "\(again.stderr)")
        #expect(again.stdout.isEmpty, "\(again.stdout)")
    }

    @Test func removeNeedsAnAddress() throws {
        let (install, _) = try Self.installation()
        let missing = try install.run(["suppressions", "remove"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("address"), "\(missing.stderr)")
        #expect(try install.database().suppressions(at: Date()).count == 1, "nothing removed")
    }
}
