import Foundation
import HelpdeskStore
import Metrics

/// The gateway's metrics, named once here. They go to whatever swift-metrics backend the process
/// bootstrapped (Prometheus under `helpdesk run --listen`); without one they cost next to nothing.
enum GatewayMetrics {
    static func ingested(mailbox: String, result: IngestResult) {
        let outcome = switch result {
        case .ticketCreated: "ticket_created"
        case .commentAdded: "comment_added"
        case .duplicate, .alreadyRecorded: "duplicate"
        case .quarantined: "quarantined"
        case .bounce: "delivery_report"
        }
        Counter(label: "mailgate_messages_ingested_total", dimensions: [("mailbox", mailbox), ("outcome", outcome)]).increment()
    }

    static func polled(mailbox: String, duration: TimeInterval, failed: Bool, at end: Date) {
        Metrics.Timer(label: "mailgate_poll_duration_seconds", dimensions: [("mailbox", mailbox)])
            .recordNanoseconds(Int64(max(0, duration) * 1e9))
        if failed {
            Counter(label: "mailgate_poll_errors_total", dimensions: [("mailbox", mailbox)]).increment()
        } else {
            Gauge(label: "mailgate_last_poll_success_timestamp_seconds", dimensions: [("mailbox", mailbox)])
                .record(end.timeIntervalSince1970)
        }
    }

    static func dispatched(mailbox: String, _ summary: DispatchSummary) {
        for (name, value) in [("sent", summary.sent), ("retrying", summary.retrying), ("failed", summary.failed),
                              ("unrendered", summary.unrendered)] where value > 0 {
            Counter(label: "mailgate_outbox_\(name)_total", dimensions: [("mailbox", mailbox)]).increment(by: value)
        }
    }

    /// From recording a new request to the MTA accepting its acknowledgement.
    static func acknowledged(mailbox: String, after seconds: TimeInterval) {
        Metrics.Timer(label: "mailgate_acknowledgement_seconds", dimensions: [("mailbox", mailbox)])
            .recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    static func slaChecked(_ summary: SLACheckSummary) {
        if summary.warnings > 0 { Counter(label: "mailgate_sla_warnings_total").increment(by: summary.warnings) }
        if summary.breaches > 0 { Counter(label: "mailgate_sla_breaches_total").increment(by: summary.breaches) }
    }

    /// Levels read from the store: what waits in the outbox, how old, what breaches now.
    static func sampled(_ health: StoreHealth, mailboxes: [String], at now: Date) {
        for mailbox in Set(mailboxes).union(health.outboxPending.keys).union(health.outboxFailed.keys) {
            let dimensions = [("mailbox", mailbox)]
            Gauge(label: "mailgate_outbox_pending", dimensions: dimensions).record(health.outboxPending[mailbox] ?? 0)
            Gauge(label: "mailgate_outbox_failed", dimensions: dimensions).record(health.outboxFailed[mailbox] ?? 0)
            Gauge(label: "mailgate_outbox_oldest_pending_age_seconds", dimensions: dimensions)
                .record(health.oldestPendingAt[mailbox].map { max(0, now.timeIntervalSince($0)) } ?? 0)
            Gauge(label: "mailgate_sla_breaching_tickets", dimensions: dimensions).record(health.breachingNow[mailbox] ?? 0)
            Gauge(label: "mailgate_kept_aside_messages", dimensions: dimensions).record(health.keptAside[mailbox] ?? 0)
        }
    }
}
