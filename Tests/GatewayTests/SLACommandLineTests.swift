import MailgateTestSupport
import Foundation
import MIME
import Testing

/// The SLA service inside `helpdesk run`, on the real clock, and the admin's `sla` commands.
@Suite("helpdesk sla on the command line", .serialized, .timeLimit(.minutes(5)))
struct SLACommandLineTests {
    @Test func runTellsTheAgentOfABreachAndTheReportAndShowSayIt() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers, extra: SLATests.policy("normal: {first_response: 3s, resolution: 1h}"))
        let global = ["--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path,
                      "--database", fixture.databasePath, "--data-dir", fixture.dataDirectory]
        let daemon = try CommandLineTests.start(["run", "--interval", "0.5", "--sla-interval", "0.5"] + global, environment: [:])
        // Never left running when an expectation throws early; a reaped pid is not signalled.
        defer { if daemon.wait(seconds: 0) == nil { daemon.signal(SIGKILL); _ = daemon.wait(seconds: 5) } }
        try servers.send(from: "alice@example.test", to: ["support@example.test"], WalkingSkeletonTests.request)
        // Only the daemon's own SLA service can put the breach into bob's inbox.
        let deadline = Date(timeIntervalSinceNow: 30)
        var subjects: [String] = []
        while Date() < deadline && !subjects.contains(where: { $0.contains("SLA breached") }) {
            Thread.sleep(forTimeInterval: 0.25)
            subjects = try servers.messages(user: "bob").map { Message.parse($0).subject ?? "" }
        }
        daemon.signal(SIGTERM)
        #expect(try daemon.finish(seconds: 15) == 0)
        #expect(subjects.filter { $0.hasPrefix("[SUPP-1] SLA breached: first response") }.count == 1, "\(subjects)")

        let show = try CommandLineTests.helpdesk(["tickets", "show", "SUPP-1"] + global)
        #expect(show.stdout.contains("sla first response (3s): BREACHED"), "\(show.stdout)")
        #expect(show.stdout.contains("sla resolution (1h): due "), "\(show.stdout)")

        let json = try CommandLineTests.helpdesk(["sla", "report", "--json"] + global)
        #expect(json.status == 0, "\(json.stderr)")
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let line = try #require(lines.first)
        #expect(lines.count == 1 && line["mailbox"] as? String == "support" && line["priority"] as? String == "normal")
        #expect(line["tickets"] as? Int == 1 && line["breaching_now"] as? Int == 1)
        let first = try #require(line["first_response"] as? [String: Any])
        #expect(first["judged"] as? Int == 1 && first["met"] as? Int == 0 && first["met_percent"] as? Double == 0)

        let table = try CommandLineTests.helpdesk(["sla", "report"] + global)
        #expect(table.stdout.contains("BREACHING") && table.stdout.contains("0% of 1"), "\(table.stdout)")
        let later = try CommandLineTests.helpdesk(["sla", "report", "--since", "2999-01-01"] + global)
        #expect(later.stdout.hasPrefix("no tickets with SLA targets since 2999-01-01"), "\(later.stdout)")
        let bad = try CommandLineTests.helpdesk(["sla", "report", "--since", "last week"] + global)
        #expect(bad.status != 0 && bad.stderr.contains("not a date"), "\(bad.stderr)")

        // Once more, as cron would: everything was told already.
        let check = try CommandLineTests.helpdesk(["sla", "check"] + global)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("0 warning(s), 0 breach(es)"), "\(check.stdout)")
    }
}
