import ArgumentParser
import Foundation
import HelpdeskCore
import HelpdeskStore

/// What the SLA clocks cost: recording tickets with and without a policy (the clocks are recomputed
/// inside every ingest transaction), then one full recomputation (as at `helpdesk run`'s start and
/// in `helpdesk sla check`) and the due-notice query of every SLA pass, over N open tickets.
struct SLABenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla",
        abstract: "Time SQLite work of the SLA clocks against the same work without a policy."
    )

    @Option(help: "Open tickets to create.")
    var tickets = 10_000

    @Option(help: "Directory for the two database files (default: a new temporary directory, removed after).")
    var directory: String?

    func run() throws {
        let root = directory ?? NSTemporaryDirectory() + "mailgate-sla-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: root) } }

        let berlin = TimeZone(identifier: "Europe/Berlin") ?? .gmt
        let policy = SLAPolicy(
            calendar: BusinessCalendar(timeZone: berlin, hours: try BusinessCalendar.parseHours(["mon-fri 09:00-17:00"]), holidays: ["2026-12-24"]),
            targets: [.normal: SLATargets(firstResponse: 4 * 3600, resolution: 3 * 86_400)])
        let start = Date(timeIntervalSince1970: 1_795_000_000)

        let baseline = try HelpdeskDatabase(path: root + "/baseline.sqlite")
        let baselineSeconds = try Self.ingest(tickets, into: baseline, policy: nil, from: start)
        let timed = try HelpdeskDatabase(path: root + "/sla.sqlite")
        let slaSeconds = try Self.ingest(tickets, into: timed, policy: policy, from: start)
        print(String(format: "ingest: %d tickets, no policy %.2f s (%.0f/s), with policy %.2f s (%.0f/s): %.2fx the baseline",
                     tickets, baselineSeconds, Double(tickets) / baselineSeconds, slaSeconds, Double(tickets) / slaSeconds,
                     slaSeconds / baselineSeconds))

        let now = start.addingTimeInterval(Double(tickets) * 60 + 86_400)
        var clock = ContinuousClock.now
        let refreshed = try timed.refreshClocks(policies: ["bench": policy], now: now)
        let refresh = elapsedSeconds(since: clock)
        print(String(format: "refresh: %d open tickets recomputed in %.3f s (%.1f µs each)", refreshed, refresh, refresh * 1e6 / Double(max(refreshed, 1))))

        clock = ContinuousClock.now
        let due = try timed.dueSLANotices(now: now)
        let query = elapsedSeconds(since: clock)
        print(String(format: "due notices: %d found among %d clocks in %.3f s (one SLA pass's query)", due.count, tickets * 2, query))
    }

    /// Records `count` new tickets, one transaction each as the poller does, with the same rules
    /// (an acknowledgement each); `policy` is the only difference. Returns seconds.
    static func ingest(_ count: Int, into database: HelpdeskDatabase, policy: SLAPolicy?, from start: Date) throws -> Double {
        let rules = InboundRules(receiving: MailboxRules(name: "bench", keyPrefix: "BENCH", sla: policy), mailboxes: []) { _ in
            UUID().uuidString + "@bench.example.test"
        }
        let clock = ContinuousClock.now
        for index in 0..<count {
            let identity = InboundIdentity(
                mailbox: "bench", uidValidity: 1, uid: UInt32(index + 1), messageID: "bench-\(index)@example.test",
                sha256: String(repeating: "0", count: 56) + String(format: "%08x", index), size: 1000,
                receivedAt: start.addingTimeInterval(Double(index) * 60))
            let content = InboundContent(
                requesterAddress: "requester\(index % 500)@example.test", requesterName: nil, subject: "Request \(index)",
                body: "Please help.\n", followUp: FollowUpCandidates(referencedMessageIDs: [], subjectKeys: []), autoReplySuppression: nil)
            _ = try database.record(identity, content, lookup: InboundLookup(keyPrefix: "BENCH")) { snapshot in
                rules.decide(content, snapshot: snapshot, at: identity.receivedAt)
            }
        }
        return elapsedSeconds(since: clock)
    }
}
