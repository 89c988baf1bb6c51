import Foundation
import Testing
import MailgateTestSupport

/// `helpdesk tickets update` and `history`: the admin's path into the same workflow as email.
@Suite("tickets update and history", .serialized, .timeLimit(.minutes(2)))
struct TicketUpdateCommandLineTests {
    /// A pipe-only installation (no servers needed) with one recorded ticket.
    final class Installation {
        let directory: TemporaryDirectory
        var global: [String] {
            ["--config-dir", directory.path("mailboxes"), "--templates", RepoPaths.templates.path,
             "--database", directory.path("helpdesk.sqlite"), "--data-dir", directory.path("data")]
        }

        init() throws {
            directory = try TemporaryDirectory()
            try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
            try """
                address: support@example.test
                key: SUPP
                smtp:
                  url: smtp://127.0.0.1:1
                agents:
                  - email: bob@example.test
                    name: Bob
                  - email: dana@example.test
                    name: Dana
                """.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
            try "From: alice@example.test\nTo: support@example.test\nSubject: Help\nMessage-ID: <h1@example.test>\n\nPlease.\n"
                .write(toFile: directory.path("request.eml"), atomically: true, encoding: .utf8)
            let ingested = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support", directory.path("request.eml")] + global)
            guard ingested.status == 0 else { throw HarnessError("ingest failed: \(ingested.stderr)") }
        }
    }

    @Test func anUpdateIsAppliedRecordedAndTheAssigneeTold() throws {
        let install = try Installation()
        let result = try CommandLineTests.helpdesk(
            ["tickets", "update", "SUPP-1", "--status", "pending", "--assign", "dana", "--priority", "high", "--tag", "+billing",
             "--cc", "+carol@example.test", "--as", "admin@example.test"] + install.global)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("status new → pending"), "\(result.stdout)")
        #expect(result.stdout.contains("assignee +dana@example.test"))

        let history = try CommandLineTests.helpdesk(["tickets", "history", "SUPP-1", "--json"] + install.global)
        #expect(history.status == 0, "\(history.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["kind"] as? String } == ["created", "status", "assignee", "priority", "tag", "participant"])
        #expect(rows.dropFirst().allSatisfy { $0["actor"] as? String == "admin@example.test" && $0["actor_role"] as? String == "admin" })

        let outbox = try CommandLineTests.helpdesk(["outbox", "list"] + install.global)
        let assignedRows = outbox.stdout.split(separator: "\n").filter { $0.contains("ticket_assigned") }
        #expect(assignedRows.count == 1 && assignedRows.first?.contains("dana@example.test") == true, "\(outbox.stdout)")
    }

    @Test func aRefusedUpdateSaysWhyAndChangesNothing() throws {
        let install = try Installation()
        let result = try CommandLineTests.helpdesk(["tickets", "update", "SUPP-1", "--priority", "urgent", "--assign", "zed"] + install.global)
        #expect(result.status != 0)
        #expect(result.stderr.contains("zed") && result.stderr.contains("bob@example.test"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was changed"))
        let history = try CommandLineTests.helpdesk(["tickets", "history", "SUPP-1"] + install.global)
        #expect(history.stdout.split(separator: "\n").count == 1, "only the creation: \(history.stdout)")
        let nothing = try CommandLineTests.helpdesk(["tickets", "update", "SUPP-1"] + install.global)
        #expect(nothing.status != 0 && nothing.stderr.contains("nothing to change"))
        let unknown = try CommandLineTests.helpdesk(["tickets", "update", "SUPP-9", "--priority", "low"] + install.global)
        #expect(unknown.status != 0 && unknown.stderr.contains("tickets list"))
    }
}
