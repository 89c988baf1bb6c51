import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import MailgateTestSupport
import MIME
import Testing

/// `helpdesk run` as an operator sees and steers it, on the real test servers: status, metrics
/// and health endpoints, the heartbeat and JSON logs, the one-gateway-per-database lock, reload.
@Suite("a running gateway", .serialized, .timeLimit(.minutes(5)))
struct RunningGatewayTests {
    static func helpdesk(_ arguments: [String]) throws -> CommandLineTests.Result {
        try CommandLineTests.helpdesk(arguments)
    }

    /// GET on loopback: status, body and content type; nil while nothing answers.
    static func get(_ port: Int, _ path: String) -> (status: Int, body: String, type: String?)? {
        LoopbackHTTP.request(URL(string: "http://127.0.0.1:\(port)\(path)")!, timeout: 5).map {
            ($0.status, String(decoding: $0.body, as: UTF8.self), $0.contentType)
        }
    }

    /// Polls `condition` every 100 ms for up to `seconds`.
    static func eventually(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        repeat {
            if try condition() { return true }
            usleep(100_000)
        } while Date() < deadline
        return false
    }

    /// The port the daemon serves on, from its "serving" log line (it was started with port 0,
    /// so no other test can take the port between choosing and binding it).
    static func servedPort(_ daemon: ChildProcess) throws -> Int {
        var port: Int?
        _ = eventually {
            guard let line = daemon.stderr.split(separator: "\n").first(where: { $0.contains("serving /metrics") }),
                  let range = line.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return false }
            port = Int(line[range].split(separator: ":").last ?? "")
            return port != nil
        }
        return try #require(port, "no 'serving' line: \(daemon.stderr)")
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func statusMetricsAndHealthOfARunningGateway() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        let global = ["--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path, "--database", fixture.databasePath,
                      "--data-dir", fixture.dataDirectory]
        let daemon = try CommandLineTests.start(
            ["run", "--interval", "0.5", "--full-poll-interval", "1", "--heartbeat", "1", "--listen", "127.0.0.1:0", "--log-format", "json"] + global,
            environment: [:])
        defer { _ = try? daemon.finish(seconds: 0) }
        let port = try Self.servedPort(daemon)
        try servers.send(from: "alice@example.test", to: ["support@example.test"], WalkingSkeletonTests.request)
        try servers.waitForMessages(user: "alice", count: 1, timeout: 30)

        #expect(Self.eventually { Self.get(port, "/readyz")?.status == 200 }, "\(daemon.stderr)")
        #expect(Self.get(port, "/healthz")?.status == 200)
        // The acknowledgement reached the MTA just now; its metrics follow the send at once.
        let scrape = try #require(Self.get(port, "/metrics"))
        #expect(scrape.type?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(Self.get(port, "/nothing")?.status == 404)
        let metrics = scrape.body
        for line in [
            #"mailgate_messages_ingested_total{mailbox="support",outcome="ticket_created"} 1"#,
            #"mailgate_acknowledgement_seconds_count{mailbox="support"} 1"#,
        ] {
            #expect(metrics.contains(line), "\(line) not in:\n\(metrics)")
        }
        #expect(metrics.contains(#"mailgate_poll_duration_seconds_count{mailbox="support"}"#))
        // The acknowledgement, and Bob's new-ticket notice unless it is still on its way.
        #expect(metrics.contains(#"mailgate_outbox_sent_total{mailbox="support"} "#))
        #expect(metrics.contains(#"mailgate_acknowledgement_seconds_bucket{mailbox="support",le="+Inf"} 1"#))

        // Healthy means polled within 3 intervals (3 s in IDLE here): give a busy machine a few tries.
        var status = try Self.helpdesk(["status", "--json"] + global)
        for _ in 0..<10 where status.status != 0 { status = try Self.helpdesk(["status", "--json"] + global) }
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
        let report = try Self.json(status.stdout)
        #expect(report["healthy"] as? Bool == true)
        let mailbox = try #require((report["mailboxes"] as? [[String: Any]])?.first)
        #expect(mailbox["name"] as? String == "support")
        #expect(mailbox["lastPollFailed"] as? Bool == false)
        #expect(mailbox["unrecordedOnServer"] as? Int == 0)
        #expect((mailbox["tickets"] as? [String: Int])?["new"] == 1)
        #expect(mailbox["outboxPending"] is Int)
        #expect(mailbox["lastSuccessAgeSeconds"] is Int, "whole seconds in JSON")
        // The running instance holds the mailbox's lease and the housekeeping.
        #expect((mailbox["workedBy"] as? String)?.contains(":\(daemon.pid):") == true, "\(status.stdout)")
        #expect((report["housekeepingBy"] as? String)?.contains(":\(daemon.pid):") == true, "\(status.stdout)")
        let text = try Self.helpdesk(["status"] + global)
        #expect(text.stdout.contains("worked by:    \(ProcessInfo.processInfo.hostName):\(daemon.pid)"), "\(text.stdout)")

        // A second gateway on the same database is refused, naming the first.
        let second = try Self.helpdesk(["run", "--interval", "0.5"] + global)
        #expect(second.status == 1)
        #expect(second.stderr.contains("pid \(daemon.pid)"), "\(second.stderr)")
        #expect(second.stderr.contains(ProcessInfo.processInfo.hostName))

        #expect(Self.eventually { daemon.stderr.contains("heartbeat") }, "a heartbeat every second")
        daemon.signal(SIGTERM)
        #expect(try daemon.finish(seconds: 15) == 0)
        // Every log line is one JSON object; the heartbeat counted the work.
        let lines = daemon.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        var heartbeats = 0
        for line in lines {
            let object = try #require(try? Self.json(String(line)), "not JSON: \(line)")
            #expect(object["level"] is String && object["time"] is String)
            if object["message"] as? String == "heartbeat" { heartbeats += 1 }
        }
        #expect(heartbeats >= 1, "\(daemon.stderr)")

        // Stopped: once three intervals pass without a poll, status says so and exits 1.
        #expect(try Self.eventually(10) { try Self.helpdesk(["status"] + global).status == 1 })
        let stale = try Self.helpdesk(["status"] + global)
        #expect(stale.stdout.contains("UNHEALTHY"))
        #expect(stale.stdout.contains("no successful poll for"), "\(stale.stdout)")
    }

    @Test func notReadyWhileNoPollSucceedsAndABusyPortIsRefused() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        try Self.useWrongPassword(fixture)
        let global = ["--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path]
        let daemon = try CommandLineTests.start(
            ["run", "--interval", "0.5", "--listen", "0", "--database", fixture.databasePath, "--data-dir", fixture.dataDirectory] + global,
            environment: [:])
        defer { _ = try? daemon.finish(seconds: 0) }
        let port = try Self.servedPort(daemon)
        // Polls run and fail: alive (healthz) but not ready, saying why.
        #expect(Self.eventually { daemon.stderr.contains("poll failed") }, "\(daemon.stderr)")
        #expect(Self.get(port, "/healthz")?.status == 200)
        let ready = try #require(Self.get(port, "/readyz"))
        #expect(ready.status == 503)
        #expect(ready.body.contains("not ready: support: no successful poll ever"), "\(ready.body)")
        let metrics = try #require(Self.get(port, "/metrics")).body
        #expect(metrics.contains(#"mailgate_poll_errors_total{mailbox="support"} "#), "\(metrics)")

        // Another gateway (its own database) asking for the same port stops at once, saying so.
        let other = try Self.helpdesk(["run", "--listen", "127.0.0.1:\(port)", "--database", fixture.directory.path("other.sqlite")] + global)
        #expect(other.status == 1)
        #expect(other.stderr.contains("cannot serve on 127.0.0.1:\(port)"), "\(other.stderr)")

        daemon.signal(SIGTERM)
        #expect(try daemon.finish(seconds: 15) == 0)
    }

    /// Points support.yaml at a password file with the wrong password.
    static func useWrongPassword(_ fixture: GatewayFixture) throws {
        let wrong = fixture.directory.path("wrong-password")
        try Data("not-the-password".utf8).write(to: URL(fileURLWithPath: wrong))
        let file = fixture.directory.path("mailboxes/support.yaml")
        let yaml = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: fixture.servers.passwordFile, with: wrong)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: file))
    }

    @Test func aFailedPollShowsTheServersWords() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        try Self.useWrongPassword(fixture)
        let global = ["--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path, "--database", fixture.databasePath,
                      "--data-dir", fixture.dataDirectory]

        #expect(try Self.helpdesk(["poll", "--once"] + global).status == 1)
        let status = try Self.helpdesk(["status", "--json"] + global)
        #expect(status.status == 1, "a failed last poll is unhealthy")
        let mailbox = try #require((try Self.json(status.stdout)["mailboxes"] as? [[String: Any]])?.first)
        #expect(mailbox["lastPollFailed"] as? Bool == true)
        let error = try #require(mailbox["lastError"] as? String)
        #expect(error.contains("AUTHENTICATIONFAILED"), "Dovecot's own words: \(error)")
        #expect(!error.contains("not-the-password"))
        let text = try Self.helpdesk(["status"] + global)
        #expect(text.stdout.contains("PROBLEM: the last poll failed"), "\(text.stdout)")

        // Status answers whatever else is broken: no templates, and mailbox files that no longer
        // load (which it reports, with the mailboxes the store knows).
        let noTemplates = try Self.helpdesk(["status", "--templates", "/nonexistent"] + global)
        #expect(noTemplates.stdout.contains("AUTHENTICATIONFAILED"), "\(noTemplates.stderr)")
        let file = fixture.directory.path("mailboxes/support.yaml")
        try Data((try String(contentsOfFile: file, encoding: .utf8) + "\nmax_message_size: lots\n").utf8).write(to: URL(fileURLWithPath: file))
        let broken = try Self.helpdesk(["status"] + global)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("the mailbox files do not load"), "\(broken.stdout)")
        #expect(broken.stdout.contains("max_message_size"), "\(broken.stdout)")
        #expect(broken.stdout.contains("support:"), "\(broken.stdout)")
    }

    @Test func reloadTakesAGoodSetAndRefusesABrokenOne() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers, agents: ["bob"], extra: "assignment: round_robin")
        let templates = fixture.directory.path("templates")
        try FileManager.default.copyItem(atPath: RepoPaths.templates.path, toPath: templates)
        let global = ["--config-dir", fixture.configDirectory, "--templates", templates, "--database", fixture.databasePath,
                      "--data-dir", fixture.dataDirectory]
        let daemon = try CommandLineTests.start(["run", "--interval", "0.5"] + global, environment: [:])
        defer { _ = try? daemon.finish(seconds: 0) }
        let requester = "alice"

        func request(_ number: Int) throws -> Message {
            let message = WalkingSkeletonTests.request.replacingOccurrences(of: "Message-ID: <", with: "Message-ID: <\(number)-")
            try servers.send(from: "\(requester)@example.test", to: ["support@example.test"], message)
            try servers.waitForMessages(user: requester, count: number, timeout: 30)
            return Message.parse(try servers.messages(user: requester)[number - 1])
        }
        func assignee(_ key: String) throws -> String? {
            let show = try Self.helpdesk(["tickets", "show", key, "--json"] + global)
            return try Self.json(show.stdout)["assignee"] as? String
        }

        #expect(try request(1).subject?.hasPrefix("[SUPP-1]") == true)
        #expect(try assignee("SUPP-1") == "bob@example.test")

        // A good set: a new subject line, and Dana instead of Bob.
        let file = (templates as NSString).appendingPathComponent("ticket_created.mustache")
        let original = try String(contentsOfFile: file, encoding: .utf8)
        try Data(original.replacingOccurrences(of: "Subject: [{{ticket.key}}]", with: "Subject: [{{ticket.key}}] Received:").utf8)
            .write(to: URL(fileURLWithPath: file))
        try fixture.addMailbox("support", key: "SUPP", agents: ["dana"], extra: "assignment: round_robin")
        let reload = try Self.helpdesk(["reload"] + global)
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(Self.eventually { daemon.stderr.contains("configuration reloaded") }, "\(daemon.stderr)")
        #expect(try request(2).subject?.hasPrefix("[SUPP-2] Received:") == true)
        #expect(try assignee("SUPP-2") == "dana@example.test")

        // A broken set: `helpdesk reload` refuses to send it, and SIGHUP straight to the gateway
        // is refused by the gateway, which keeps the set it has.
        // The strict check runs here as on start: a misspelt value is enough.
        try Data(original.replacingOccurrences(of: "{{requester.name}}", with: "{{requester.nmae}}").utf8).write(to: URL(fileURLWithPath: file))
        let refused = try Self.helpdesk(["reload"] + global)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("ticket_created.mustache:3:7: unknown value 'requester.nmae'; did you mean 'requester.name'?"), "\(refused.stderr)")
        daemon.signal(SIGHUP)
        #expect(Self.eventually { daemon.stderr.contains("reload refused") }, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("unknown value 'requester.nmae'"))
        #expect(try request(3).subject?.hasPrefix("[SUPP-3] Received:") == true, "the running set stays")
        #expect(try assignee("SUPP-3") == "dana@example.test")

        daemon.signal(SIGTERM)
        #expect(try daemon.finish(seconds: 15) == 0)
        try Data(original.utf8).write(to: URL(fileURLWithPath: file))
        let nobody = try Self.helpdesk(["reload"] + global)
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("no `helpdesk run` is using"), "\(nobody.stderr)")
    }
}
