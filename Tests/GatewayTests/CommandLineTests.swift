import Foundation
import MailTransport
import MIME
import Testing
import MailgateTestSupport

/// The `helpdesk` executable as admins and scripts use it: names, exit codes, output.
@Suite("helpdesk command line", .serialized, .timeLimit(.minutes(5)))
struct CommandLineTests {
    /// The executable `swift build` put next to the tests (`HELPDESK_BIN` overrides).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["HELPDESK_BIN"] { return URL(fileURLWithPath: path) }
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("helpdesk").path) {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("helpdesk")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func helpdesk(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let child = try start(arguments, environment: environment)
        let status = try child.finish(seconds: 60)
        return Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    static func start(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw HarnessError("helpdesk executable not found at \(binary.path); run `swift build` first or set HELPDESK_BIN")
        }
        return try ChildProcess(binary.path, arguments, environment: TestStoreKind.childEnvironment.merging(environment) { $1 })
    }

    @Test func templatesCheckNamesFileAndLine() throws {
        let directory = try TemporaryDirectory()
        try "Subject: [{{ticket.key}}]\n\nHello {{/oops}}\n".write(toFile: directory.path("ticket_created.mustache"), atomically: true, encoding: .utf8)
        let result = try Self.helpdesk(["templates", "check", "--templates", directory.url.path, "--config-dir", directory.url.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ticket_created.mustache:3:"), "\(result.stderr)")
        let good = try Self.helpdesk(["templates", "check", "--templates", RepoPaths.templates.path, "--config-dir", RepoPaths.root.appendingPathComponent("mailboxes").path])
        #expect(good.status == 0, "\(good.stderr)")
    }

    @Test func missingPasswordVariableIsNamed() throws {
        let directory = try TemporaryDirectory()
        let result = try Self.helpdesk(
            ["poll", "--once", "--config-dir", RepoPaths.root.appendingPathComponent("mailboxes").path,
             "--templates", RepoPaths.templates.path, "--database", directory.path("db.sqlite")],
            environment: ["SUPPORT_IMAP_PASSWORD": ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains("SUPPORT_IMAP_PASSWORD is not set"), "\(result.stderr)")
    }

    @Test func runAcknowledgesAndStopsCleanlyOnSIGTERM() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        let global = ["--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path, "--database", fixture.databasePath,
                      "--data-dir", fixture.dataDirectory]
        let daemon = try Self.start(["run", "--interval", "0.5"] + global, environment: [:])
        try servers.send(from: "alice@example.test", to: ["support@example.test"], WalkingSkeletonTests.request)
        // The daemon, not the test, must poll, record and send for the acknowledgement to arrive.
        try servers.waitForMessages(user: "alice", count: 1, timeout: 30)
        daemon.signal(SIGTERM)
        #expect(try daemon.finish(seconds: 15) == 0, "helpdesk run exits 0 on SIGTERM")
        #expect(daemon.stderr.contains("gateway stopped"))

        let list = try Self.helpdesk(["tickets", "list", "--json"] + global)
        #expect(list.status == 0, "\(list.stderr)")
        let tickets = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(tickets.count == 1)
        #expect(tickets.first?["key"] as? String == "SUPP-1")
        #expect(tickets.first?["status"] as? String == "new")
        #expect(tickets.first?["requester"] as? String == "alice@example.test")
        #expect(tickets.first?["subject"] as? String == "Printer on floor 3 is jammed")

        let show = try Self.helpdesk(["tickets", "show", "SUPP-1", "--json"] + global)
        let ticket = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let comments = try #require(ticket["comments"] as? [[String: Any]])
        #expect((comments.first?["body"] as? String)?.contains("paper jam") == true)

        let missing = try Self.helpdesk(["tickets", "show", "SUPP-99"] + global)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no ticket SUPP-99"))
    }
}
