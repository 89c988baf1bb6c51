import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging
import MailTransport

/// What one dispatch run did.
public struct DispatchSummary: Sendable, Equatable, CustomStringConvertible {
    public init(sent: Int = 0, retrying: Int = 0, failed: Int = 0) {
        self.sent = sent
        self.retrying = retrying
        self.failed = failed
    }

    public var sent = 0
    public var retrying = 0
    public var failed = 0

    public var description: String { "outbox: \(sent) sent, \(retrying) to retry, \(failed) failed" }
}

/// Sends due outbox rows over SMTP, one reused connection per mailbox, and records each result:
/// sent, retried later with backoff, or failed for good on a permanent (5xx) refusal.
struct OutboxDispatcher {
    let database: HelpdeskDatabase
    /// Mailbox name → SMTP endpoint with its password resolved.
    let endpoints: [String: ServerEndpoint]
    let schedule: RetrySchedule
    let logger: Logger
    let now: @Sendable () -> Date
    /// Checked between messages, so a shutdown waits only for the message in hand.
    var shutdown: ShutdownSignal? = nil

    /// Sends everything due (only `mailbox`'s rows when given), in batches of `batchSize` rows
    /// read from the database.
    func dispatchDue(mailbox: String? = nil, batchSize: Int = 500) throws -> DispatchSummary {
        var summary = DispatchSummary()
        var clients: [String: SMTPClient] = [:]
        var unreachable: Set<String> = []
        while shutdown?.isRequested != true {
            // Rows of a mailbox whose server is down stay due; leave them for the next run.
            let due = try mailbox.map { try database.dueOutbox(mailbox: $0, now: now(), limit: batchSize) }
                ?? database.dueOutbox(now: now(), limit: batchSize)
            let workable = due.filter { !unreachable.contains($0.mailbox) }
            guard !workable.isEmpty else { break }
            try send(workable, clients: &clients, unreachable: &unreachable, summary: &summary)
            if due.count < batchSize { break }
        }
        return summary
    }

    private func send(
        _ due: [OutboxRecord], clients: inout [String: SMTPClient], unreachable: inout Set<String>,
        summary: inout DispatchSummary
    ) throws {
        for row in due {
            if shutdown?.isRequested == true { return }
            guard let id = row.id, !unreachable.contains(row.mailbox) else { continue }
            var metadata: Logger.Metadata = ["mailbox": "\(row.mailbox)", "outbox": "\(id)", "event": "\(row.event)"]
            do {
                guard let endpoint = endpoints[row.mailbox] else {
                    throw TransportError(kind: .setup, message: "no SMTP settings for mailbox \(row.mailbox); is its config file gone?")
                }
                let client = try clients[row.mailbox] ?? SMTPClient(endpoint: endpoint)
                clients[row.mailbox] = client
                try client.send(from: row.envelopeFrom, to: row.recipientList, message: [UInt8](row.message))
                try database.markSent(outboxId: id, at: now())
                summary.sent += 1
                logger.info("mail sent", metadata: metadata)
            } catch let error as TransportError {
                metadata["error"] = "\(error)"
                // Only the server's own 5xx refusal is final. Anything else (a wrong password, a
                // removed config, a garbled session) may be fixed; the schedule bounds the retries.
                let refused = error.kind == .rejected && (500..<600).contains(error.responseCode)
                let retry = refused ? nil : schedule.delay(afterFailedAttempts: row.attempts + 1)
                try database.markAttemptFailed(outboxId: id, error: error.description, retryAt: retry.map { now().addingTimeInterval(Double($0)) })
                if let retry {
                    summary.retrying += 1
                    metadata["retry_in_s"] = "\(retry)"
                    logger.warning("send failed; will retry", metadata: metadata)
                } else {
                    summary.failed += 1
                    logger.error("send failed permanently", metadata: metadata)
                }
                // A connection-level failure will hit every message of this mailbox: try them next run.
                if [.connection, .timeout, .tls, .authentication, .setup].contains(error.kind) {
                    unreachable.insert(row.mailbox)
                    clients[row.mailbox] = nil
                }
            }
        }
    }
}
