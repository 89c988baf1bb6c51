import Foundation
import MailgateTestSupport
import Testing

/// `helpdesk tickets list` and `show`: filters, columns, order, tags, unknown queues.
@Suite("tickets list and show", .serialized, .timeLimit(.minutes(5)))
struct TicketListCommandTests {
    typealias Installation = TicketUpdateCommandLineTests.Installation

    /// Three tickets over two queues, created in this order: SUPP-1 (dana, high, billing), SALES-1
    /// (untouched), SUPP-2 (billing and vip); `billing` has a mailbox file and no tickets.
    static func installation() throws -> Installation {
        let install = try Installation(queues: [("support", "SUPP"), ("sales", "SALES"), ("billing", "BILL")], firstTicket: false)
        try install.ingest(mailbox: "support", subject: "Printer", messageID: "p1@example.test")
        try install.ingest(mailbox: "sales", subject: "Quote", messageID: "q1@example.test")
        try install.ingest(mailbox: "support", subject: "Invoice", messageID: "i1@example.test")
        for update in [["SUPP-1", "--assign", "dana", "--priority", "high", "--tag", "+billing"], ["SUPP-2", "--tag", "+billing", "--tag", "+VIP"]] {
            let result = try install.run(["tickets", "update"] + update)
            guard result.status == 0 else { throw HarnessError("update failed: \(result.stderr)") }
        }
        return install
    }

    static func keys(_ result: CommandLineTests.Result) throws -> [String] {
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stderr)")
        return rows.compactMap { $0["key"] as? String }
    }

    @Test func filtersFindTheirTicketsOldestFirst() throws {
        let install = try Self.installation()
        let examples: [(options: [String], keys: [String])] = [
            ([], ["SUPP-1", "SALES-1", "SUPP-2"]),  // by creation time, not by queue and number
            (["--queue", "support"], ["SUPP-1", "SUPP-2"]),
            (["--queue", "billing"], []),  // a mailbox file and no tickets: known, empty
            (["--tag", "billing"], ["SUPP-1", "SUPP-2"]),
            (["--tag", "billing", "--tag", "vip"], ["SUPP-2"]),
            (["--assignee", "dana"], ["SUPP-1"]),
            (["--assignee", "dana@example.test"], ["SUPP-1"]),
            (["--assignee", "none"], ["SALES-1", "SUPP-2"]),
            (["--priority", "high"], ["SUPP-1"]),
            (["--priority", "HIGH", "--queue", "sales"], []),
            (["--status", "new", "--queue", "sales"], ["SALES-1"]),
        ]
        for example in examples {
            let result = try install.run(["tickets", "list", "--json"] + example.options)
            #expect(result.status == 0, "\(example.options): \(result.stderr)")
            #expect(try Self.keys(result) == example.keys, "\(example.options)")
        }
    }

    @Test func theTableHasAssigneeAndAgeAndTheJSONTags() throws {
        let install = try Self.installation()
        let table = try install.run(["tickets", "list"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ") == ["KEY", "STATUS", "PRIORITY", "ASSIGNEE", "AGE", "REQUESTER", "SUBJECT"], "\(table.stdout)")
        let first = try #require(lines.dropFirst().first).split(separator: " ").map(String.init)
        #expect(first.prefix(4) == ["SUPP-1", "new", "high", "dana@example.test"], "\(table.stdout)")
        // Made seconds ago: the age is in seconds, never `0m`.
        #expect(first.count > 4 && first[4].hasSuffix("s") && Int(first[4].dropLast()) != nil, "\(table.stdout)")
        #expect(lines.dropFirst(2).first?.split(separator: " ").dropFirst(3).first == "-", "unassigned: \(table.stdout)")

        let json = try install.run(["tickets", "list", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["tags"] as? [String] ?? ["missing"] } == [["billing"], [], ["billing", "vip"]])
    }

    @Test func showPrintsTheTags() throws {
        let install = try Self.installation()
        let text = try install.run(["tickets", "show", "SUPP-2"])
        #expect(text.stdout.split(separator: "\n").contains("tags: billing, vip"), "\(text.stdout)")
        let none = try install.run(["tickets", "show", "SALES-1"])
        #expect(none.stdout.split(separator: "\n").contains("tags: -"), "\(none.stdout)")
        let json = try install.run(["tickets", "show", "SUPP-2", "--json"])
        let ticket = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(ticket["tags"] as? [String] == ["billing", "vip"])
    }

    @Test func anUnknownQueueIsAnErrorNamingTheKnownOnes() throws {
        let install = try Self.installation()
        // A queue with tickets and no file any more is still known.
        try FileManager.default.removeItem(atPath: install.directory.path("mailboxes/sales.yaml"))
        let result = try install.run(["tickets", "list", "--queue", "suport"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("'suport'") && result.stderr.contains("known queues: billing, sales, support"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try Self.keys(try install.run(["tickets", "list", "--json", "--queue", "sales"])) == ["SALES-1"])
    }
}
