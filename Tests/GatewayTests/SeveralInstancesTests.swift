import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HelpdeskCore
import HelpdeskPostgres
import HelpdeskStore
import MailgateTestSupport
import MailTransport
import Testing

/// Two `helpdesk run` instances on one PostgreSQL database and the real test mail servers: one is
/// killed with SIGKILL while requests arrive, and the other takes over its mailboxes.
@Suite("several instances on one PostgreSQL database", .serialized, .timeLimit(.minutes(10)))
struct SeveralInstancesTests {
    static let requesters = ["alice", "carol", "erin", "frank"]
    static let lease = 6.0

    /// A plain request with a Message-ID of its own, from one of the requesters.
    static func request(_ index: Int, to mailbox: String) -> (sender: String, messageID: String, bytes: [UInt8]) {
        let sender = "\(requesters[index % requesters.count])@example.test"
        let messageID = "failover-\(index)@client.example.test"
        let text = """
            From: Requester \(index) <\(sender)>\r
            To: \(mailbox)@example.test\r
            Subject: Request number \(index)\r
            Message-ID: <\(messageID)>\r
            Date: Tue, 01 Dec 2026 10:00:00 +0000\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Please help with request \(index).\r

            """
        return (sender, messageID, Array(text.utf8))
    }

    /// The Message-IDs the acknowledgements in `user`'s INBOX answer.
    static func answered(_ servers: MailServers, user: String) throws -> [String] {
        try servers.messages(user: user).compactMap { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let header = text.components(separatedBy: "\r\n\r\n").first ?? ""
            let unfolded = header.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
            guard let line = unfolded.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("in-reply-to:") }),
                  let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close
            else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    @Test func theSurvivorTakesOverAndEveryMessageIsRecordedOnce() throws {
        let count = Int(ProcessInfo.processInfo.environment["MAILGATE_FAILOVER_MESSAGES"] ?? "") ?? 1000
        let began = Date()
        func phase(_ what: String) { print("failover: \(String(format: "%6.1f", Date().timeIntervalSince(began))) s: \(what)") }
        let servers = try MailServers()
        defer { servers.stop() }
        let postgres = try PostgresTestServer.shared()
        let database = try postgres.makeDatabase()
        defer { database.drop() }
        // Automatic mail to the four requesters is capped per address by default: lift the caps.
        let caps = "loop_caps:\n  per_recipient: [100000 per 1d]\n  per_ticket: [100 per 1d]"
        let fixture = try GatewayFixture(servers: servers, agents: ["bob"], extra: caps)
        try fixture.addMailbox("sales", key: "SALES", agents: ["dana"], extra: caps)
        let url = "postgres://mailgate@127.0.0.1:\(postgres.port)/\(database.settings.database)"
        let environment = ["MAILGATE_DATABASE_PASSWORD_FILE": postgres.passwordFile]
        // Each instance has a data directory of its own here (one host); in production they share one.
        func start(_ name: String) throws -> ChildProcess {
            try CommandLineTests.start(
                ["run", "--interval", "0.5", "--full-poll-interval", "2", "--lease-seconds", "\(Self.lease)", "--heartbeat", "600",
                 "--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path, "--database", url,
                 "--data-dir", fixture.directory.path("data-\(name)")],
                environment: environment)
        }
        let watcher = try PostgresStore(settings: database.settings, maxConnections: 1)
        defer { watcher.close() }
        func holders() throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try watcher.leases().filter { $0.isHeld(at: Date()) }.map { ($0.name, $0.holder) })
        }
        func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            repeat {
                if try condition() { return true }
                usleep(100_000)
            } while Date() < deadline
            return false
        }

        let first = try start("a")
        defer { _ = try? first.finish(seconds: 0) }
        let mailboxes = ["mailbox:support", "mailbox:sales"]
        #expect(try eventually(30) { try mailboxes.allSatisfy { try holders()[$0]?.contains(":\(first.pid):") == true } }, "\(first.stderr)")
        phase("first instance holds both mailboxes")
        let second = try start("b")
        defer { _ = try? second.finish(seconds: 0) }

        // Requests arrive, half for each mailbox; the first instance is killed a third of the way in.
        let smtp = try SMTPClient(endpoint: servers.smtpEndpoint)
        var requests: [(sender: String, messageID: String)] = []
        var killedAt: Date?
        for index in 0..<count {
            let mailbox = index % 2 == 0 ? "support" : "sales"
            let request = Self.request(index, to: mailbox)
            try smtp.send(from: request.sender, to: ["\(mailbox)@example.test"], message: request.bytes)
            requests.append((request.sender, request.messageID))
            if killedAt == nil, index >= count / 3 {
                // Mid-way: only once the first instance has recorded some of them.
                _ = try eventually(60) { try watcher.tickets().count >= count / 6 }
                first.signal(SIGKILL)
                _ = first.wait(seconds: 10)
                killedAt = Date()
            }
        }
        let killed = try #require(killedAt)
        phase("\(count) requests sent")
        let recordedBeforeKill = try watcher.tickets().count
        let tookOver = try eventually(Self.lease * 4) { try mailboxes.allSatisfy { try holders()[$0]?.contains(":\(second.pid):") == true } }
        let heldThen = try holders()
        #expect(tookOver, "the survivor did not take the mailboxes over: \(heldThen)\n\(second.stderr)")
        let takeover = Date().timeIntervalSince(killed)
        if tookOver { print("failover: instance killed after \(recordedBeforeKill) of \(count) tickets; the survivor held both mailboxes \(String(format: "%.1f", takeover)) s later (lease \(Self.lease) s)") }

        // Everything is recorded once, and every requester gets an acknowledgement.
        #expect(try eventually(150) { try watcher.inboundMessages().count >= count }, "\(second.stderr.suffix(4000))")
        phase("every request recorded")
        let inbound = try watcher.inboundMessages()
        #expect(inbound.count == count, "one inbound row per message")
        #expect(Set(inbound.map { "\($0.mailbox)/\($0.uid ?? 0)" }).count == count)
        #expect(inbound.allSatisfy { $0.outcome == .ticketCreated }, "\(Dictionary(grouping: inbound, by: \.outcome).mapValues(\.count))")
        let tickets = try watcher.tickets()
        #expect(tickets.count == count, "no ticket duplicated, none missing")
        #expect(Set(tickets.map(\.key)) == Set((1...count / 2).map { "SUPP-\($0)" } + (1...count / 2).map { "SALES-\($0)" }), "numbers without gaps")
        let expected = Set(requests.map(\.messageID))
        var answered: [String] = []
        #expect(try eventually(180) {
            answered = try Self.requesters.flatMap { try Self.answered(servers, user: $0) }
            return expected.isSubset(of: Set(answered))
        }, "\(expected.subtracting(answered).count) requests got no acknowledgement")
        phase("every request acknowledged")
        // A mail on the wire when its sender was killed is sent again by the survivor (at least
        // once, with the same Message-ID): report how many, they are not errors.
        let repeated = answered.count - Set(answered).count
        print("failover: \(Set(answered).count) requests acknowledged, \(repeated) acknowledgement(s) sent twice across the kill")
        #expect(repeated <= 10, "more repeats than mail in flight at the kill")

        second.signal(SIGTERM)
        let stopped = try second.finish(seconds: 30)
        #expect(stopped == 0, "\(second.stderr.suffix(3000))")
        // A clean stop gives its leases back at once.
        let left = try holders()
        #expect(left.isEmpty, "\(left)")
    }
}
