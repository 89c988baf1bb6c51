public import Foundation
public import HelpdeskCore

// The store keeps the help desk's data valid and atomic, and nothing else: it reads snapshots,
// hands them to a decision it is given (pure rules from HelpdeskCore), and records the plan that
// comes back in the same transaction. It knows no rules and no templates. Each protocol below is
// one job; `TicketStore` is all of them, what a backend implements and the contract tests check.

/// Recording inbound mail, one message per call: what a poller's batch is given.
public protocol InboundRecorder {
    /// Records one message atomically: unless it was recorded before (identity) or is a
    /// copy of one recorded (Message-ID and sender, or bytes), reads the snapshot, asks `decide`
    /// for the plan and writes it (ticket, history, comment, attachments, mail), and the cursor.
    func record(
        _ identity: InboundIdentity, _ content: InboundContent, lookup: InboundLookup, decide: (InboundSnapshot) throws -> InboundPlan
    ) throws -> IngestResult
    /// Records a message the gateway will not process (too large). `notice` is asked for only
    /// when the same message was not kept aside before, so its sender is told once.
    func recordQuarantine(
        _ identity: InboundIdentity, sender: String, reason: String, rawKept: Bool, notice: () -> PlannedMail?
    ) throws -> IngestResult
    /// Records a bounce (or another report about mail we sent) atomically, idempotent as
    /// any message: finds the mail `match` names, asks `decide` what the bounce does, and writes
    /// the row's state, history, suppressions and mail. Never a ticket.
    func recordBounce(
        _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, rawKept: Bool, decide: (BouncedMail?) -> BouncePlan
    ) throws -> IngestResult
    /// Records a group of messages (a poller's batch) through the recorder `body` is given, which
    /// may leave out the isolation of each message to save its cost. When `failed` finds a
    /// message failed in the result, the group is undone and `body` runs again with every
    /// message isolated, so what is kept is what recording them one by one keeps. `body` must
    /// touch nothing but that recorder and its own result, as it may run twice.
    func recordingGroup<T>(_ body: (any InboundRecorder) throws -> T, failed: (T) -> Bool) throws -> T
}

extension InboundRecorder {
    /// Each message isolated as the recorder always does; `body` runs once.
    public func recordingGroup<T>(_ body: (any InboundRecorder) throws -> T, failed: (T) -> Bool) throws -> T {
        try body(self)
    }
}

/// Inbound mail: idempotent recording, cursors, messages kept aside.
public protocol InboundStore: InboundRecorder, Sendable {
    /// Where a mailbox's poller stands.
    func cursor(mailbox: String) throws -> MailboxCursor?
    /// Starts a mailbox over after its UIDVALIDITY changed.
    func resetCursor(mailbox: String, uidValidity: UInt32, at now: Date) throws
    /// UIDs recorded for a mailbox under this UIDVALIDITY, among `uids`.
    func recordedUIDs(mailbox: String, uidValidity: UInt32, among uids: [UInt32]) throws -> Set<UInt32>
    /// Whether the outbox sent a mail with this Message-ID: a bounce by its form alone is one
    /// only when it returns mail of ours.
    func sentOutboxMail(messageID: String) throws -> Bool
    /// Runs `body` as one transaction that commits when it returns: each message recorded through
    /// the recorder it is given is atomic on its own (a savepoint), so one that fails leaves the
    /// others' work in place, and a backlog pays for one commit per batch, not per message.
    /// When `body` throws, nothing it recorded is kept. Every backend must have one: the poller
    /// waits inside `body` for the batch's files to reach the disk, so committing each message
    /// as it is recorded would name files that may not be there after a crash.
    func recordingBatch<T>(_ body: (any InboundRecorder) throws -> T) throws -> T
    /// Told once a poll has recorded its last batch: files it wrote can be tidied now, beside
    /// the poll's last flags and report, rather than when the store closes.
    func pollRecorded()
}

extension InboundStore {
    /// Nothing to tidy (PostgreSQL keeps its own log).
    public func pollRecorded() {}

    /// A report whose bytes were not kept.
    public func recordBounce(
        _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, decide: (BouncedMail?) -> BouncePlan
    ) throws -> IngestResult {
        try recordBounce(identity, sender: sender, match: match, summary: summary, rawKept: false, decide: decide)
    }
}

/// What happens to mail before and after it is sent: paused addresses, loop caps, held-back mail.
public protocol DeliveryStore: Sendable {
    /// The pauses holding at `now` for any of `addresses` (lower-cased).
    func suppressions(for addresses: [String], at now: Date) throws -> [Suppression]
    /// Every pause holding at `now`, newest first.
    func suppressions(at now: Date) throws -> [Suppression]
    /// Ends the pause of `address`; false when it had none.
    func removeSuppression(address: String) throws -> Bool
    /// Automatic mail (see `MailEvent.isCapped`) sent to `recipient`, and on `ticketId`, within
    /// each window of `caps` before `now`.
    func automaticMailCounts(recipient: String, ticketId: Int64?, caps: LoopCaps, now: Date) throws -> AutomaticMailCounts
    /// Mail to `recipient` withheld since `since`: the log says so once per window.
    func withheldCount(recipient: String, since: Date) throws -> Int
    /// Closes a claimed row as withheld with `reason`, adding `events` to its ticket, in one
    /// write; false when the claim was lost.
    func markWithheld(outboxId: Int64, owner: String, reason: String, events: [TicketEvent], at now: Date) throws -> Bool
    /// Adds delivery notes and mail to a ticket (an agent's reply sent to a paused address).
    func recordDeliveryNotes(ticketId: Int64, events: [TicketEvent], mail: [PlannedMail], at now: Date) throws
}

/// How a bounce names the mail it is about.
public enum BounceMatch: Sendable, Equatable {
    /// By its signed envelope sender: exact.
    case outbox(Int64)
    /// By the returned message's Message-ID (bounces to a plain envelope sender).
    case messageID(String)
    /// Nothing to go by: recorded, and nothing else.
    case none
}

/// Changes to tickets from outside mail: the command line, the SLA service's auto-close.
public protocol TicketChangeStore: Sendable {
    /// Reads the ticket `key`, asks `decide` for the plan and writes it in one transaction.
    /// Throws `ChangeRefused` when there is no such ticket, or what `decide` throws.
    func applyChange(ticketKey key: String, at now: Date, decide: (TicketSnapshot) throws -> TicketPlan) throws -> (TicketRecord, [TicketEventRecord])
}

/// The outbox: planned mail waits here, is claimed by one dispatcher at a time, rendered, sent.
public protocol OutboxStore: Sendable {
    /// Claims up to `limit` due rows (of `mailbox`, or any) for `owner` until `now + lease`: no
    /// other claim gets them meanwhile. Oldest first.
    func claimDueOutbox(mailbox: String?, owner: String, now: Date, lease: TimeInterval, limit: Int) throws -> [OutboxRecord]
    /// Extends `owner`'s claim on one row until `until`, right before its send: a long batch
    /// never outlives its lease. False when the claim was lost (another dispatcher has the row).
    func renewClaim(outboxId: Int64, owner: String, until: Date) throws -> Bool
    /// Records a successful send, and the message as it was rendered for it (when it was rendered
    /// for this attempt), in one write; false when the claim was lost (the lease ran out).
    @discardableResult func markSent(outboxId: Int64, owner: String, at now: Date, rendered: RenderedMessage?) throws -> Bool
    /// Records a failed attempt, keeping the message rendered for it so the retry sends the same
    /// bytes: retried at `retryAt`, or given up on when it is nil.
    func markAttemptFailed(outboxId: Int64, owner: String, error: String, retryAt: Date?, rendered: RenderedMessage?) throws
    /// A row whose template did not render: it waits (attempts unchanged) and is tried at `retryAt`.
    func markRenderFailed(outboxId: Int64, owner: String, error: String, retryAt: Date) throws
    /// Gives back what `owner` claimed and did not finish.
    func releaseClaims(owner: String) throws
    /// Gives back the claims on `mailbox`'s pending rows of owners whose name starts with
    /// `ownerPrefix`: what an instance taking a mailbox over from one whose lease lapsed does, so
    /// that mail waits for the lease, not for the other's claims to run out. Returns how many.
    func releaseClaims(mailbox: String, ownerPrefix: String) throws -> Int
    func outbox(status: OutboxStatus?) throws -> [OutboxRecord]
    /// Pending rows per mailbox name.
    func pendingOutboxCounts() throws -> [String: Int]
    /// The mailboxes with a row due at `now` and not claimed: a read, for one watcher that wakes
    /// only those mailboxes' senders.
    func mailboxesWithDueOutbox(at now: Date) throws -> Set<String>
    /// Rows (all, or of one status), oldest first, each with its ticket's key and subject.
    func outboxListing(status: OutboxStatus?) throws -> [OutboxListing]
    /// Makes the selected rows due at `now` in one write: failed rows pending again with their
    /// attempts kept, waiting rows due; sent rows and rows under a running claim stay as they are.
    func retryOutbox(_ selection: OutboxSelection, now: Date) throws -> OutboxRetryResult
}

extension OutboxStore {
    /// A send of a row rendered before.
    @discardableResult public func markSent(outboxId: Int64, owner: String, at now: Date) throws -> Bool {
        try markSent(outboxId: outboxId, owner: owner, at: now, rendered: nil)
    }

    /// A failed attempt of a row rendered before.
    public func markAttemptFailed(outboxId: Int64, owner: String, error: String, retryAt: Date?) throws {
        try markAttemptFailed(outboxId: outboxId, owner: owner, error: error, retryAt: retryAt, rendered: nil)
    }
}

/// A planned mail made into bytes, with the envelope sender it leaves under.
public struct RenderedMessage: Sendable, Equatable {
    public var envelopeFrom: String
    public var bytes: [UInt8]

    public init(envelopeFrom: String, bytes: [UInt8]) {
        self.envelopeFrom = envelopeFrom
        self.bytes = bytes
    }
}

/// SLA clocks, notices and reports.
public protocol SLAStore: Sendable {
    /// Recomputes every ticket still worked on with its mailbox's policy in `policies`, and drops
    /// the clocks of mailboxes without one. Returns how many tickets were looked at.
    @discardableResult func refreshClocks(policies: [String: SLAPolicy], now: Date) throws -> Int
    /// Warnings and breaches due at `now` and not recorded yet.
    func dueSLANotices(now: Date) throws -> [SLANoticeDue]
    /// Recomputes the ticket's clocks with its mailbox's policy in `policies`, asks `decide` what
    /// the notice does, and records it exactly once with its mail. False when recorded before or
    /// not due any more.
    func recordSLANotice(
        _ notice: SLANoticeDue, at now: Date, policies: [String: SLAPolicy], decide: (TicketRecord, TicketSLARecord) -> SLANoticePlan?
    ) throws -> Bool
    func sla(ticketId: Int64) throws -> [TicketSLARecord]
    func slaNotices(ticketId: Int64) throws -> [SLANoticeRecord]
    /// Resolved tickets of `mailbox` whose resolution and last comment are both before `cutoff`.
    func resolvedTickets(mailbox: String, idleBefore cutoff: Date) throws -> [TicketRecord]
    func slaReportRows(since: Date?) throws -> [SLAReportRow]
}

/// What the command line and the renderer read.
public protocol TicketQueries: Sendable {
    func tickets(status: TicketStatus?, mailbox: String?) throws -> [TicketRecord]
    func ticket(key: String) throws -> TicketRecord?
    func ticket(id: Int64) throws -> TicketRecord?
    func comments(ticketId: Int64) throws -> [CommentRecord]
    func participants(ticketId: Int64, includingRemoved: Bool) throws -> [ParticipantRecord]
    func attachments(ticketId: Int64) throws -> [Int64: [AttachmentRecord]]
    func hasAttachment(sha256: String) throws -> Bool
    func history(ticketId: Int64) throws -> [TicketEventRecord]
    func tags(ticketId: Int64) throws -> [String]
    func inboundMessages(mailbox: String?) throws -> [InboundMessageRecord]
    /// Tickets matching every condition of `filter`, oldest first (creation time, then id).
    func tickets(matching filter: TicketFilter) throws -> [TicketRecord]
    /// The tags of each of these tickets, sorted; tickets without tags are left out.
    func tags(ticketIds: [Int64]) throws -> [Int64: [String]]
    /// Every mailbox name some ticket belongs to, sorted.
    func ticketMailboxes() throws -> [String]
}

/// Raw message retention.
public protocol RetentionStore: Sendable {
    func keptRawMessages(mailbox: String, receivedBefore cutoff: Date) throws -> [InboundMessageRecord]
    /// Marks raw messages as deleted; returns the digests no other row keeps, whose files may go.
    func forgetRawMessages(ids: [Int64]) throws -> Set<String>
    /// Of these packs, those in which no row keeps a message any more: their files may go.
    func unkeptPacks(_ names: Set<String>) throws -> Set<String>
}

/// Everything the gateway needs of a store.
public typealias TicketStore = InboundStore & TicketChangeStore & OutboxStore & DeliveryStore & SLAStore & TicketQueries & RetentionStore
    & ContactStore & ApprovalStore
    & GatewayStateStore & CredentialStore & LeaseStore

extension TicketQueries {
    /// Every ticket.
    public func tickets() throws -> [TicketRecord] { try tickets(status: nil, mailbox: nil) }
    /// The tickets in `status`, of every mailbox.
    public func tickets(status: TicketStatus?) throws -> [TicketRecord] { try tickets(status: status, mailbox: nil) }
    /// The tickets of `mailbox`, in every status.
    public func tickets(mailbox: String?) throws -> [TicketRecord] { try tickets(status: nil, mailbox: mailbox) }
    /// Every message read, of every mailbox.
    public func inboundMessages() throws -> [InboundMessageRecord] { try inboundMessages(mailbox: nil) }

    /// The participants still on the ticket.
    public func participants(ticketId: Int64) throws -> [ParticipantRecord] {
        try participants(ticketId: ticketId, includingRemoved: false)
    }
}

extension OutboxStore {
    /// Every row, oldest first.
    public func outbox() throws -> [OutboxRecord] { try outbox(status: nil) }

    /// Every row with its ticket's key and subject, oldest first.
    public func outboxListing() throws -> [OutboxListing] { try outboxListing(status: nil) }
}
