public import Foundation
public import HelpdeskCore
public import HelpdeskStore
import PostgresNIO

extension PostgresStore: InboundStore {
    public func record(
        _ identity: InboundIdentity, _ content: InboundContent, lookup: InboundLookup, decide: (InboundSnapshot) throws -> InboundPlan
    ) throws -> IngestResult {
        try pool.withConnection { session in
            try session.transaction { try record(in: session, identity, content, lookup: lookup, decide: decide) }
        }
    }

    public func recordQuarantine(
        _ identity: InboundIdentity, sender: String = "", reason: String, rawKept: Bool = false, notice: () -> PlannedMail? = { nil }
    ) throws -> IngestResult {
        try pool.withConnection { session in
            try session.transaction { try recordQuarantine(in: session, identity, sender: sender, reason: reason, rawKept: rawKept, notice: notice) }
        }
    }

    public func recordBounce(
        _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, rawKept: Bool, decide: (BouncedMail?) -> BouncePlan
    ) throws -> IngestResult {
        try pool.withConnection { session in
            try session.transaction {
                try recordBounce(in: session, identity, sender: sender, match: match, summary: summary, rawKept: rawKept, decide: decide)
            }
        }
    }

    public func sentOutboxMail(messageID: String) throws -> Bool {
        try pool.withConnection { session in
            try session.value("SELECT EXISTS (SELECT 1 FROM outbox WHERE message_id = $1 AND attempts > 0)", [messageID], as: Bool.self) ?? false
        }
    }

    public func cursor(mailbox: String) throws -> MailboxCursor? {
        try pool.withConnection { try $0.fetchOne(MailboxCursor.self, "SELECT * FROM mailbox_cursor WHERE mailbox = $1", [mailbox]) }
    }

    public func resetCursor(mailbox: String, uidValidity: UInt32, at now: Date) throws {
        _ = try pool.withConnection { session in
            try session.execute("""
                INSERT INTO mailbox_cursor (mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, 0, $3)
                ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = 0, updated_at = excluded.updated_at
                """, [mailbox, Int64(uidValidity), now])
        }
    }

    public func recordedUIDs(mailbox: String, uidValidity: UInt32, among uids: [UInt32]) throws -> Set<UInt32> {
        guard !uids.isEmpty else { return [] }
        return try pool.withConnection { session in
            let found = try session.rows("SELECT uid FROM inbound_message WHERE mailbox = $1 AND uid_validity = $2 AND uid = ANY($3)",
                                         [mailbox, Int64(uidValidity), uids.map(Int64.init)])
            return Set(try found.map { UInt32(try $0["uid"].decode(Int64.self)) })
        }
    }

    public func recordingBatch<T>(_ body: (any InboundRecorder) throws -> T) throws -> T {
        try pool.withConnection { session in
            try session.transaction { try body(PostgresSavepointRecorder(store: self, session: session)) }
        }
    }
}

// MARK: Recording inside a caller's transaction

extension PostgresStore {
    func record(
        in session: PostgresSession, _ identity: InboundIdentity, _ content: InboundContent, lookup: InboundLookup,
        decide: (InboundSnapshot) throws -> InboundPlan
    ) throws -> IngestResult {
        try lockIdentity(session, identity)
        if try isRecorded(session, identity) {
            try advanceCursor(session, identity)
            return .alreadyRecorded
        }
        if let existing = try earlierCopy(session, of: identity, sender: content.requesterAddress) {
            var row = inboundRow(identity, outcome: .duplicate, detail: "same message as inbound #\(existing.id ?? 0)")
            row.ticketId = existing.ticketId
            row.sender = content.requesterAddress
            row.rawKept = content.rawKept
            try session.insert(row, into: "inbound_message")
            try advanceCursor(session, identity)
            return .duplicate(ticketKey: try ticketKey(session, existing.ticketId))
        }
        let found = try ticketForFollowUp(session, content.followUp)
        let snapshot = InboundSnapshot(
            found: try found.map { try self.snapshot(session, of: $0, strategy: lookup.strategies[$0.mailbox], requesterThread: true) },
            nextNumber: try nextNumber(session, keyPrefix: lookup.keyPrefix),
            assignment: try assignmentState(session, mailbox: identity.mailbox, strategy: lookup.strategies[identity.mailbox] ?? .manual),
            sender: try contact(session, address: content.requesterAddress))
        let plan = try decide(snapshot)
        try noteSender(session, content, at: identity.receivedAt)

        var stored: CommentRecord?
        let (ticket, _) = try persist(session, plan.ticket, at: identity.receivedAt) { ticketId in
            var comment = CommentRecord(
                id: nil, ticketId: ticketId, authorAddress: plan.comment.authorAddress, authorName: plan.comment.authorName,
                body: plan.comment.body, visibility: plan.comment.visibility, messageId: identity.messageID, createdAt: identity.receivedAt,
                html: plan.comment.html, reply: plan.comment.reply, authorRole: plan.comment.authorRole, unverified: plan.comment.unverified)
            comment.id = try session.insert(comment, into: "comment")
            for draft in content.attachments {
                try session.insert(AttachmentRecord(
                    id: nil, commentId: comment.id ?? 0, sha256: draft.sha256, filename: draft.filename,
                    contentType: draft.contentType, size: draft.size, isInline: draft.isInline, contentId: draft.contentID), into: "attachment")
            }
            stored = comment
            return comment
        }
        guard let ticketId = ticket.id, let comment = stored, let commentId = comment.id else {
            throw PostgresStoreError("a ticket or comment was stored without an id; report this as a bug")
        }
        if let messageID = identity.messageID {
            try session.execute("INSERT INTO ticket_message (message_id, ticket_id, direction) VALUES ($1, $2, 'in') ON CONFLICT DO NOTHING",
                                [messageID, ticketId])
        }
        var row = inboundRow(identity, outcome: plan.outcome, detail: ticket.linkReason.map { "linked: \($0.rawValue)" })
        row.ticketId = ticketId
        row.commentId = commentId
        row.autoReply = content.autoReplySuppression
        row.rawKept = content.rawKept
        row.sender = content.requesterAddress
        try session.insert(row, into: "inbound_message")
        try advanceCursor(session, identity)
        return plan.outcome == .ticketCreated ? .ticketCreated(ticket, comment) : .commentAdded(ticket, comment)
    }

    func recordQuarantine(
        in session: PostgresSession, _ identity: InboundIdentity, sender: String, reason: String, rawKept: Bool, notice: () -> PlannedMail?
    ) throws -> IngestResult {
        try lockIdentity(session, identity)
        if try isRecorded(session, identity) {
            try advanceCursor(session, identity)
            return .alreadyRecorded
        }
        if let existing = try earlierCopy(session, of: identity, sender: sender) {
            var row = inboundRow(identity, outcome: .duplicate, detail: "same message as inbound #\(existing.id ?? 0); over this mailbox's limit: \(reason)")
            row.ticketId = existing.ticketId
            row.sender = sender
            try session.insert(row, into: "inbound_message")
            try advanceCursor(session, identity)
            return .duplicate(ticketKey: try ticketKey(session, existing.ticketId))
        }
        let seenBefore = try earlierQuarantine(session, of: identity)
        var row = inboundRow(identity, outcome: .quarantined, detail: reason)
        row.rawKept = rawKept
        row.sender = sender
        try session.insert(row, into: "inbound_message")
        if !seenBefore, let mail = notice() {
            try enqueue(session, mail, ticketId: nil, at: identity.receivedAt)
        }
        try advanceCursor(session, identity)
        return .quarantined(reason: reason)
    }

    func recordBounce(
        in session: PostgresSession, _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, rawKept: Bool,
        decide: (BouncedMail?) -> BouncePlan
    ) throws -> IngestResult {
        try lockIdentity(session, identity)
        if try isRecorded(session, identity) {
            try advanceCursor(session, identity)
            return .alreadyRecorded
        }
        // The row is locked: two copies of one bounce, recorded by two instances at once, act once.
        let row: OutboxRecord?
        switch match {
        case .outbox(let id): row = try outboxRows(session, "SELECT * FROM outbox WHERE id = $1 FOR UPDATE", [id]).first
        case .messageID(let id): row = try outboxRows(session, "SELECT * FROM outbox WHERE message_id = $1 FOR UPDATE", [id]).first
        case .none: row = nil
        }
        let rowTicket = try row?.ticketId.flatMap { try session.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE id = $1", [$0]) }
        let mail = try row.flatMap { row -> BouncedMail? in
            guard let id = row.id, row.attempts > 0 else { return nil }
            let reported = try session.value(
                "SELECT EXISTS (SELECT 1 FROM inbound_message WHERE outcome = 'bounce' AND detail = $1)",
                [HelpdeskDatabase.bounceDetail(outboxId: id, summary: summary)], as: Bool.self) ?? false
            var mail = BouncedMail(
                outboxId: id, mailbox: row.mailbox, event: MailEvent(rawValue: row.event),
                recipients: row.recipientList, ticket: rowTicket, alreadyBounced: reported || row.status == .bounced)
            if case .outbox = match { mail.signed = true }
            return mail
        }
        let plan = decide(mail)
        let ticket = mail?.ticket
        if let bounced = plan.bounced, let id = mail?.outboxId {
            try session.execute("""
                UPDATE outbox SET status = 'bounced', bounce_status = $1, bounce_diagnostic = $2, bounced_at = $3,
                  claimed_by = NULL, claim_expires_at = NULL
                WHERE id = $4 AND status IN ('sent', 'failed', 'pending', 'bounced')
                """, [bounced.status, bounced.diagnostic, identity.receivedAt, id])
        }
        for event in plan.events {
            try session.insert(event, into: "ticket_event")
        }
        for suppression in plan.suppressions {
            try keep(session, suppression)
        }
        for planned in plan.mail {
            try enqueue(session, planned, ticketId: ticket?.id, at: identity.receivedAt)
        }
        var inbound = inboundRow(
            identity, outcome: .bounce,
            detail: mail.map { HelpdeskDatabase.bounceDetail(outboxId: $0.outboxId, summary: summary) } ?? "unmatched: \(summary)")
        inbound.ticketId = ticket?.id
        inbound.sender = sender
        inbound.rawKept = rawKept
        try session.insert(inbound, into: "inbound_message")
        try advanceCursor(session, identity)
        return .bounce(outboxId: mail?.outboxId, ticketKey: ticket?.key)
    }

    func advanceCursor(_ session: PostgresSession, _ identity: InboundIdentity) throws {
        guard let uid = identity.uid, let validity = identity.uidValidity else { return }
        try session.execute("""
            INSERT INTO mailbox_cursor (mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (mailbox) DO UPDATE SET
              last_uid = CASE WHEN mailbox_cursor.uid_validity = excluded.uid_validity
                              THEN GREATEST(mailbox_cursor.last_uid, excluded.last_uid) ELSE excluded.last_uid END,
              uid_validity = excluded.uid_validity, updated_at = excluded.updated_at
            """, [identity.mailbox, Int64(validity), Int64(uid), identity.receivedAt])
    }

    // MARK: Lookups

    /// Holds, until the transaction ends, the message's identities: its Message-ID (a message Cc'd
    /// to two support addresses may be read by two instances at once), else its bytes. The second
    /// recorder then waits, and finds the first one's row.
    private func lockIdentity(_ session: PostgresSession, _ identity: InboundIdentity) throws {
        let name = identity.messageID.map { "message-id:\($0)" } ?? "sha256:\(identity.mailbox):\(identity.sha256)"
        try session.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [name])
    }

    private func isRecorded(_ session: PostgresSession, _ identity: InboundIdentity) throws -> Bool {
        guard let uid = identity.uid, let validity = identity.uidValidity else { return false }
        return try session.value(
            "SELECT EXISTS (SELECT 1 FROM inbound_message WHERE mailbox = $1 AND uid_validity = $2 AND uid = $3)",
            [identity.mailbox, Int64(validity), Int64(uid)], as: Bool.self) ?? false
    }

    private func earlierCopy(_ session: PostgresSession, of identity: InboundIdentity, sender: String) throws -> InboundMessageRecord? {
        if let messageID = identity.messageID {
            return try session.fetchOne(InboundMessageRecord.self, """
                SELECT * FROM inbound_message WHERE message_id = $1 AND outcome <> 'quarantined' AND sender = $2 ORDER BY id LIMIT 1
                """, [messageID, sender])
        }
        return try session.fetchOne(InboundMessageRecord.self, """
            SELECT * FROM inbound_message WHERE mailbox = $1 AND sha256 = $2 AND outcome <> 'quarantined' ORDER BY id LIMIT 1
            """, [identity.mailbox, identity.sha256])
    }

    private func earlierQuarantine(_ session: PostgresSession, of identity: InboundIdentity) throws -> Bool {
        if let messageID = identity.messageID {
            return try session.value("SELECT EXISTS (SELECT 1 FROM inbound_message WHERE outcome = 'quarantined' AND message_id = $1)",
                                     [messageID], as: Bool.self) ?? false
        }
        guard !identity.sha256.isEmpty else { return false }
        return try session.value(
            "SELECT EXISTS (SELECT 1 FROM inbound_message WHERE outcome = 'quarantined' AND mailbox = $1 AND sha256 = $2)",
            [identity.mailbox, identity.sha256], as: Bool.self) ?? false
    }

    /// The ticket a follow-up belongs to, its row locked for the change the plan makes. Our mail
    /// is found in the outbox first, then a requester's in `ticket_message` (as on SQLite).
    private func ticketForFollowUp(_ session: PostgresSession, _ candidates: FollowUpCandidates) throws -> Ticket? {
        for messageID in candidates.referencedMessageIDs {
            if let ticket = try session.fetchOne(Ticket.self, """
                SELECT * FROM ticket WHERE id = COALESCE(
                  (SELECT ticket_id FROM outbox WHERE message_id = $1),
                  (SELECT ticket_id FROM ticket_message WHERE message_id = $1))
                FOR UPDATE
                """, [messageID]) { return ticket }
        }
        for key in candidates.subjectKeys {
            if let ticket = try session.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE key = $1 FOR UPDATE", [key.description]) { return ticket }
        }
        return nil
    }

    /// Numbered per key prefix. The prefix's lock, held to the commit, makes two instances
    /// creating tickets at once take numbers one after the other: no duplicate key, no gap.
    private func nextNumber(_ session: PostgresSession, keyPrefix: String) throws -> Int {
        try session.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["ticket-number:\(keyPrefix)"])
        let highest = try session.value(
            "SELECT number FROM ticket WHERE key LIKE $1 ORDER BY number DESC LIMIT 1", ["\(keyPrefix)-%"], as: Int64.self)
        return Int(highest ?? 0) + 1
    }

    private func ticketKey(_ session: PostgresSession, _ ticketId: Int64?) throws -> String? {
        guard let ticketId else { return nil }
        return try session.value("SELECT key FROM ticket WHERE id = $1", [ticketId], as: String.self)
    }

    private func inboundRow(_ identity: InboundIdentity, outcome: InboundOutcome, detail: String?) -> InboundMessageRecord {
        InboundMessageRecord(
            id: nil, mailbox: identity.mailbox, uidValidity: identity.uidValidity.map(Int64.init), uid: identity.uid.map(Int64.init),
            messageId: identity.messageID, sha256: identity.sha256, size: identity.size, outcome: outcome,
            autoReply: nil, detail: detail, ticketId: nil, commentId: nil, receivedAt: identity.receivedAt, rawKept: false, sender: nil,
            rawPack: identity.rawPack, rawOffset: identity.rawOffset)
    }
}

/// Records each message of a batch in a savepoint of the batch's transaction: one that fails is
/// rolled back alone. Valid only inside `recordingBatch`'s body, on its thread.
struct PostgresSavepointRecorder: InboundRecorder {
    let store: PostgresStore
    let session: PostgresSession

    func record(
        _ identity: InboundIdentity, _ content: InboundContent, lookup: InboundLookup, decide: (InboundSnapshot) throws -> InboundPlan
    ) throws -> IngestResult {
        try session.savepoint { try store.record(in: session, identity, content, lookup: lookup, decide: decide) }
    }

    func recordQuarantine(
        _ identity: InboundIdentity, sender: String, reason: String, rawKept: Bool, notice: () -> PlannedMail?
    ) throws -> IngestResult {
        try session.savepoint { try store.recordQuarantine(in: session, identity, sender: sender, reason: reason, rawKept: rawKept, notice: notice) }
    }

    func recordBounce(
        _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, rawKept: Bool, decide: (BouncedMail?) -> BouncePlan
    ) throws -> IngestResult {
        try session.savepoint {
            try store.recordBounce(in: session, identity, sender: sender, match: match, summary: summary, rawKept: rawKept, decide: decide)
        }
    }
}
