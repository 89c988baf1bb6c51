import Foundation
import HelpdeskStore
import Testing
import MailgateTestSupport

/// `helpdesk tickets update` and `history`: the admin's path into the same workflow as email.
@Suite("tickets update and history", .serialized, .timeLimit(.minutes(5)))
struct TicketUpdateCommandLineTests {
    /// A pipe-only installation (no servers needed): one mailbox file per queue, each with the
    /// agents bob and dana, and by default one recorded ticket, SUPP-1 "Help" from alice.
    final class Installation {
        let directory: TemporaryDirectory
        let store: FixtureStore
        var global: [String] {
            ["--config-dir", directory.path("mailboxes"), "--templates", RepoPaths.templates.path,
             "--database", store.location, "--data-dir", directory.path("data")]
        }

        /// `queues` are mailbox names and key prefixes; `extra` is added to every mailbox file.
        init(queues: [(name: String, key: String)] = [("support", "SUPP")], extra: String = "", firstTicket: Bool = true) throws {
            directory = try TemporaryDirectory()
            store = try FixtureStore(kind: .selected, directory: directory)
            try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
            for queue in queues {
                try """
                    address: \(queue.name)@example.test
                    key: \(queue.key)
                    smtp:
                      url: smtp://127.0.0.1:1
                    agents:
                      - email: bob@example.test
                        name: Bob
                      - email: dana@example.test
                        name: Dana
                    \(extra)
                    """.write(toFile: directory.path("mailboxes/\(queue.name).yaml"), atomically: true, encoding: .utf8)
            }
            if firstTicket { try ingest(subject: "Help", messageID: "h1@example.test") }
        }

        /// Pipes one message from alice into `mailbox`, as the MTA would.
        func ingest(mailbox: String = "support", subject: String, messageID: String) throws {
            let file = directory.path("\(messageID).eml")
            try "From: alice@example.test\nTo: \(mailbox)@example.test\nSubject: \(subject)\nMessage-ID: <\(messageID)>\n\nPlease.\n"
                .write(toFile: file, atomically: true, encoding: .utf8)
            let ingested = try run(["ingest", "--mailbox", mailbox, file])
            guard ingested.status == 0 else { throw HarnessError("ingest failed: \(ingested.stderr)") }
        }

        /// `helpdesk ARGUMENTS` against this installation.
        func run(_ arguments: [String]) throws -> CommandLineTests.Result {
            try CommandLineTests.helpdesk(arguments + global)
        }

        /// The store the commands use, for what only the gateway's own processes can do (claims, sends).
        func database() throws -> any TicketStore {
            try store.open()
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

    @Test func removalsWithALeadingDashAreValuesNotOptions() throws {
        let install = try Installation()
        let added = try install.run(["tickets", "update", "SUPP-1", "--tag", "+billing", "--cc", "+carol@example.test"])
        #expect(added.status == 0, "\(added.stderr)")
        // The README's form: `--cc -b` must reach the command as a removal, not fail as an unknown option.
        let removed = try install.run(["tickets", "update", "SUPP-1", "--tag", "-billing", "--cc", "-carol@example.test"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("tag -billing") && removed.stdout.contains("participant -carol@example.test"), "\(removed.stdout)")
    }

    @Test func helpNamesTheDefaultActorOnce() throws {
        let help = try CommandLineTests.helpdesk(["tickets", "update", "--help"])
        #expect(help.status == 0)
        // Words only: the help is wrapped to the terminal's width, maybe inside the phrase.
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.components(separatedBy: "(default: admin)").count == 2, "exactly one: \(help.stdout)")
        #expect(text.contains("--status <status>") && text.contains("on_hold"), "the values are listed: \(help.stdout)")
    }
}
