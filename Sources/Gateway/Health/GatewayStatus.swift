public import Foundation
import HelpdeskCore
public import HelpdeskStore

/// A gateway's health as `helpdesk status` shows it: per mailbox, its last poll and what waits,
/// and whether anything needs an operator. Made from stored values only, so any process can
/// judge a running gateway.
public struct GatewayStatus: Sendable, Equatable, Encodable {
    /// One mailbox's part.
    public struct Mailbox: Sendable, Equatable, Encodable {
        public var name: String
        /// False for a mailbox fed only by `helpdesk ingest` (no IMAP section).
        public var polled: Bool
        public var lastPollAt: Date?
        public var lastSuccessAt: Date?
        /// Seconds since the last successful poll.
        public var lastSuccessAgeSeconds: Int?
        public var lastPollFailed: Bool
        public var lastError: String?
        public var lastErrorAt: Date?
        /// Seconds between polls the poller announced (or the default for one-off polls).
        public var intervalSeconds: Int
        public var unrecordedOnServer: Int?
        public var outboxPending: Int
        public var outboxFailed: Int
        public var oldestPendingAgeSeconds: Int?
        public var keptAside: Int
        public var tickets: [String: Int]
        public var slaBreachingNow: Int
        /// No successful poll within `staleAfterIntervals` of its interval (or none ever).
        public var stale: Bool
        /// Why this mailbox is unhealthy; empty when it is fine.
        public var problems: [String]
        /// The `helpdesk run` instance (host:pid) whose lease covers this mailbox's polling and
        /// sending, and until when; nil when none holds it now.
        public var workedBy: String? = nil
        public var leaseExpiresAt: Date? = nil
    }

    public var checkedAt: Date
    public var healthy: Bool
    public var mailboxes: [Mailbox]
    /// The instance running the SLA pass and retention, when one holds that lease now.
    public var housekeepingBy: String? = nil
    /// What is wrong with `mailboxes/` as it is on disk now (the next start would fail), if anything.
    public var configProblem: String?

    /// How many intervals a mailbox may go without a poll before it counts as stale.
    public static let staleAfterIntervals = 3.0

    /// Judges `polls` and `health` for the configured mailboxes. `defaultInterval` stands in for
    /// polls that announced none (`poll --once` from cron).
    public static func evaluate(
        configured: [(name: String, polled: Bool)], polls: [PollState], health: StoreHealth, now: Date, defaultInterval: TimeInterval
    ) -> GatewayStatus {
        let pollsByName = Dictionary(polls.map { ($0.mailbox, $0) }, uniquingKeysWith: { first, _ in first })
        let mailboxes = configured.map { name, polled in
            let poll = pollsByName[name]
            let interval = poll?.interval ?? defaultInterval
            var problems: [String] = []
            var stale = false
            if polled {
                if let poll {
                    if poll.lastFailed {
                        problems.append("the last poll failed: \(poll.lastError ?? "no detail")")
                    }
                    // Stale: no successful poll for 3 intervals, whether the poller stopped or
                    // every poll failed.
                    let age = now.timeIntervalSince(poll.lastSuccessAt ?? .distantPast)
                    if age > staleAfterIntervals * interval {
                        stale = true
                        let since = poll.lastSuccessAt.map { "for \(SLADuration.format(now.timeIntervalSince($0).rounded()))" } ?? "ever"
                        problems.append("no successful poll \(since), more than \(Int(staleAfterIntervals))× its \(SLADuration.format(interval)) interval")
                    }
                } else {
                    stale = true
                    problems.append("never polled: start `helpdesk run` (or `helpdesk poll --once`)")
                }
            }
            return Mailbox(
                name: name, polled: polled, lastPollAt: poll?.lastAttemptAt, lastSuccessAt: poll?.lastSuccessAt,
                lastSuccessAgeSeconds: poll?.lastSuccessAt.map { max(0, Int(now.timeIntervalSince($0))) }, lastPollFailed: poll?.lastFailed ?? false,
                lastError: poll?.lastError, lastErrorAt: poll?.lastErrorAt, intervalSeconds: Int(interval.rounded()),
                unrecordedOnServer: poll?.unrecorded, outboxPending: health.outboxPending[name] ?? 0,
                outboxFailed: health.outboxFailed[name] ?? 0,
                oldestPendingAgeSeconds: health.oldestPendingAt[name].map { max(0, Int(now.timeIntervalSince($0))) },
                keptAside: health.keptAside[name] ?? 0, tickets: health.ticketsByStatus[name] ?? [:],
                slaBreachingNow: health.breachingNow[name] ?? 0, stale: stale, problems: problems)
        }
        return GatewayStatus(checkedAt: now, healthy: mailboxes.allSatisfy(\.problems.isEmpty), mailboxes: mailboxes)
    }
}
