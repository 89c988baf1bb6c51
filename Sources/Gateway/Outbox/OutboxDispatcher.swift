import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging
import MailTransport
import MIME

/// What one dispatch run did.
public struct DispatchSummary: Sendable, Equatable, CustomStringConvertible {
    public init(sent: Int = 0, retrying: Int = 0, failed: Int = 0, unrendered: Int = 0, withheld: Int = 0) {
        self.sent = sent
        self.retrying = retrying
        self.failed = failed
        self.unrendered = unrendered
        self.withheld = withheld
    }

    public var sent = 0
    public var retrying = 0
    public var failed = 0
    /// Rows whose template did not render: they wait, and are tried again.
    public var unrendered = 0
    /// Rows not sent: a paused address, or a loop cap.
    public var withheld = 0

    public var description: String {
        "outbox: \(sent) sent, \(retrying) to retry, \(failed) failed" + (unrendered > 0 ? ", \(unrendered) waiting for a template fix" : "")
            + (withheld > 0 ? ", \(withheld) withheld" : "")
    }
}

/// Claims due outbox rows, renders the ones not rendered yet, sends them over SMTP (one reused
/// connection per mailbox) and records each result: sent, retried later with backoff, failed for
/// good on a permanent (5xx) refusal, or waiting for a template fix. A claim (owner and lease)
/// makes each row go to one dispatcher, however many run against the same database.
struct OutboxDispatcher {
    let store: any OutboxStore & DeliveryStore
    /// Makes planned mail into bytes; rows that hold bytes already are sent as they are.
    let renderer: MailRenderer?
    /// Opens a connection for a mailbox's mail.
    let connect: (String) throws(TransportError) -> any MailSubmitter
    let schedule: RetrySchedule
    let logger: Logger
    let now: @Sendable () -> Date
    /// Checked between messages, so a shutdown waits only for the message in hand.
    var shutdown: ShutdownSignal? = nil
    /// Whether this dispatcher may still send a mailbox's mail (its lease, with several
    /// instances): checked before each row, so an instance that lost a mailbox stops sending it.
    var maySend: (@Sendable (String) -> Bool)? = nil
    /// Who holds the claims: unique per dispatcher, and says which process it is.
    var owner = "pid \(ProcessInfo.processInfo.processIdentifier) \(UUID().uuidString.prefix(8))"
    /// Renewed before a row is sent when less than half of it is left, so it only has to outlast
    /// one send (twice the longest connect plus transfer timeout, at least 5 minutes); a dispatcher
    /// that died leaves its rows to others after this.
    var lease: TimeInterval = 5 * 60
    /// Caps and pauses per mailbox, and the warning an agent gets for a reply to a paused address.
    let deliveryRules: DeliveryRules
    /// A template that failed is tried again after this long at first.
    static let renderRetry: TimeInterval = 60

    /// How long a row whose template failed waits for the next try: a minute while it is fresh,
    /// then a tenth of its age, at most an hour, so a broken template floods neither the log nor
    /// the database, and a fix reaches old mail within the hour.
    static func renderRetryDelay(age: TimeInterval) -> TimeInterval {
        min(max(renderRetry, age / 10), 3600)
    }

    init(
        store: any OutboxStore & DeliveryStore, renderer: MailRenderer?, connect: @escaping (String) throws(TransportError) -> any MailSubmitter,
        schedule: RetrySchedule, logger: Logger, now: @escaping @Sendable () -> Date, shutdown: ShutdownSignal? = nil
    ) {
        self.store = store
        self.renderer = renderer
        let domains = renderer?.mailboxes.mapValues(\.domain) ?? [:]
        deliveryRules = DeliveryRules(mailboxes: renderer?.mailboxes.mapValues(\.rules) ?? [:]) { name in
            MessageIDGenerator.make(domain: domains[name] ?? "localhost")
        }
        self.connect = connect
        self.schedule = schedule
        self.logger = logger
        self.now = now
        self.shutdown = shutdown
    }

    /// SMTP to the endpoint of each mailbox (mailbox name → endpoint with its password resolved).
    init(
        store: any OutboxStore & DeliveryStore, endpoints: [String: ServerEndpoint], renderer: MailRenderer?, schedule: RetrySchedule,
        logger: Logger, now: @escaping @Sendable () -> Date, shutdown: ShutdownSignal? = nil
    ) {
        self.init(store: store, renderer: renderer, connect: { (mailbox: String) throws(TransportError) -> any MailSubmitter in
            guard let endpoint = endpoints[mailbox] else {
                throw TransportError(kind: .setup, message: "no SMTP settings for mailbox \(mailbox); is its config file gone?")
            }
            return try SMTPClient(endpoint: endpoint)
        }, schedule: schedule, logger: logger, now: now, shutdown: shutdown)
        let longestSend = endpoints.values.map { Double($0.connectTimeout + $0.transferTimeout) }.max() ?? 0
        lease = max(lease, 2 * longestSend)
    }

    /// Sends everything due (only `mailbox`'s rows when given), claiming `batchSize` rows at a time
    /// (few, so a crash strands few until their lease ends).
    func dispatchDue(mailbox: String? = nil, batchSize: Int = 50) throws -> DispatchSummary {
        var summary = DispatchSummary()
        var clients: [String: any MailSubmitter] = [:]
        var unreachable: Set<String> = []
        var claimedAny = false
        // Claims left by a send that threw are given back; nothing to give back when none was made.
        defer { if claimedAny { try? store.releaseClaims(owner: owner) } }
        // A mailbox this instance lost stops being sent at once (its rows' claims are given back).
        func mayGoOn() -> Bool { shutdown?.isRequested != true && (mailbox.map { maySend?($0) ?? true } ?? true) }
        while mayGoOn() {
            let claimed = try store.claimDueOutbox(mailbox: mailbox, owner: owner, now: now(), lease: lease, limit: batchSize)
            claimedAny = claimedAny || !claimed.isEmpty
            // Rows of a mailbox whose server is down stay due; leave them for the next run.
            let workable = claimed.filter { !unreachable.contains($0.mailbox) }
            guard !workable.isEmpty else { break }
            // One read per batch instead of one per mail: a pause a bounce starts meanwhile holds
            // from the next batch on.
            let pauses = try store.suppressions(for: Array(Set(workable.flatMap(\.recipientList))), at: now())
            for row in workable {
                if shutdown?.isRequested == true { break }
                guard maySend?(row.mailbox) ?? true else { break }
                guard !unreachable.contains(row.mailbox) else { continue }
                try send(row, batchPauses: pauses, clients: &clients, unreachable: &unreachable, summary: &summary)
            }
            try store.releaseClaims(owner: owner)
            if claimed.count < batchSize || !workable.allSatisfy({ maySend?($0.mailbox) ?? true }) { break }
        }
        return summary
    }

    private func send(
        _ row: OutboxRecord, batchPauses: [Suppression], clients: inout [String: any MailSubmitter], unreachable: inout Set<String>, summary: inout DispatchSummary
    ) throws {
        guard let id = row.id else { return }
        var metadata: Logger.Metadata = ["mailbox": "\(row.mailbox)", "outbox": "\(id)", "event": "\(row.event)"]
        // The batch may have taken long: with less than half the lease left, the claim is renewed
        // first (and the row left alone if another sender took it). Renewing only then saves a
        // write per message.
        if (row.claimExpiresAt ?? .distantPast).timeIntervalSince(now()) < lease / 2 {
            guard try store.renewClaim(outboxId: id, owner: owner, until: now().addingTimeInterval(lease)) else {
                logger.warning("claim lost before sending; another sender has the row", metadata: metadata)
                return
            }
        }
        let gate = try gate(row, id: id, batchPauses: batchPauses, metadata: metadata, summary: &summary)
        if case .withhold = gate { return }
        var mail: RenderedMail
        do {
            mail = try rendered(row)
        } catch {
            metadata["error"] = "\(error)"
            let retry = Self.renderRetryDelay(age: now().timeIntervalSince(row.createdAt))
            metadata["retry_in_s"] = "\(Int(retry))"
            try store.markRenderFailed(outboxId: id, owner: owner, error: error.description, retryAt: now().addingTimeInterval(retry))
            summary.unrendered += 1
            logger.error("mail not rendered; it waits", metadata: metadata)
            return
        }
        if mail.isFresh { mail.envelopeFrom = envelopeSender(for: row, id: id, default: mail.envelopeFrom) }
        do throws(TransportError) {
            let client: any MailSubmitter
            if let open = clients[row.mailbox] { client = open } else { client = try connect(row.mailbox) }
            clients[row.mailbox] = client
            try client.send(from: mail.envelopeFrom, to: mail.recipients, message: mail.message)
        } catch {
            metadata["error"] = "\(error)"
            // Only the server's own 5xx refusal, or an address this server cannot take at all
            // (`.unsupported`), is final. Anything else (a wrong password, a removed config, a
            // garbled session) may be fixed; the schedule bounds the retries.
            let refused = error.kind == .unsupported || (error.kind == .rejected && (500..<600).contains(error.responseCode))
            let retry = refused ? nil : schedule.delay(afterFailedAttempts: row.attempts + 1)
            try store.markAttemptFailed(
                outboxId: id, owner: owner, error: error.description, retryAt: retry.map { now().addingTimeInterval(Double($0)) },
                rendered: mail.fresh)
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
            return
        }
        summary.sent += 1
        if case .sendAnyway(let paused) = gate { noteSentAnyway(paused, row: row, metadata: metadata) }
        if row.event == MailEvent.ticketCreated.rawValue {
            GatewayMetrics.acknowledged(mailbox: row.mailbox, after: now().timeIntervalSince(row.createdAt))
        }
        if try store.markSent(outboxId: id, owner: owner, at: now(), rendered: mail.fresh) {
            logger.info("mail sent", metadata: metadata)
        } else {
            // Sent, but the lease ran out first: another dispatcher may send it again.
            logger.warning("mail sent after its claim expired: the send outlasted the lease", metadata: metadata)
        }
    }

    /// The row's bytes: rendered before (a retry sends the same message), or rendered now, to be
    /// kept with the attempt's outcome.
    private func rendered(_ row: OutboxRecord) throws(RenderFailure) -> RenderedMail {
        if let message = row.message, let from = row.envelopeFrom {
            return RenderedMail(envelopeFrom: from, recipients: row.recipientList, message: [UInt8](message))
        }
        let planned: PlannedMail?
        do {
            planned = try row.plannedMail()
        } catch {
            throw RenderFailure(description: "the stored intent cannot be read: \(error)")
        }
        guard let planned, let renderer else { throw RenderFailure(description: "the row has neither a message nor an intent to render") }
        var mail = try renderer.render(planned, ticketId: row.ticketId, now: now())
        mail.isFresh = true
        return mail
    }
}
