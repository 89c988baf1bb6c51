public import Foundation
import GRDB
public import HelpdeskCore

/// The gateway's SQLite database: migrated on open, used only through intent-named methods.
/// A transaction is a method body here, so what commits together is visible in one place.
public struct HelpdeskDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database file in WAL mode and runs pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        try self.init(writer: DatabasePool(path: path, configuration: configuration))
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> HelpdeskDatabase {
        try HelpdeskDatabase(writer: DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Schema.migrator.migrate(writer)
    }

    // MARK: Ingestion

    /// Records one inbound message in a single transaction: the ticket or comment, the Message-IDs
    /// for threading, the replies `makeReplies` renders into the outbox, and the mailbox cursor.
    /// Idempotent on mailbox + UIDVALIDITY + UID, and on Message-ID (or bytes without one).
    public func ingest(
        _ identity: InboundIdentity,
        content: InboundContent,
        keyPrefix: String,
        makeReplies: (IngestContext) throws -> [OutboxDraft]
    ) throws -> IngestResult {
        try writer.write { db in
            if let uid = identity.uid, let validity = identity.uidValidity,
               try InboundMessageRecord.filter(Column("mailbox") == identity.mailbox && Column("uid_validity") == Int64(validity) && Column("uid") == Int64(uid)).fetchCount(db) > 0 {
                try advanceCursor(db, identity)
                return .alreadyRecorded
            }
            if let existing = try earlierCopy(db, of: identity) {
                var row = inboundRow(identity, outcome: .duplicate, detail: "same message as inbound #\(existing.id ?? 0)")
                row.ticketId = existing.ticketId
                try row.insert(db)
                try advanceCursor(db, identity)
                let key = try existing.ticketId.flatMap { try TicketRecord.fetchOne(db, key: $0) }?.key
                return .duplicate(ticketKey: key)
            }

            var ticket: TicketRecord
            let outcome: InboundOutcome
            if let found = try ticketForFollowUp(db, content.followUp) {
                ticket = found
                ticket.updatedAt = identity.receivedAt
                try ticket.update(db)
                outcome = .commentAdded
            } else {
                // Numbered per key prefix, not per mailbox name: a renamed mailbox file keeps its
                // prefix, and keys are unique across mailboxes.
                let number = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM ticket WHERE key LIKE ?", arguments: ["\(keyPrefix)-%"]) ?? 1
                let key = TicketKey(prefix: keyPrefix, number: number)
                ticket = TicketRecord(
                    id: nil, mailbox: identity.mailbox, number: number, key: key.description, subject: content.subject,
                    requesterAddress: content.requesterAddress, requesterName: content.requesterName, status: .new,
                    priority: .normal, createdAt: identity.receivedAt, updatedAt: identity.receivedAt)
                try ticket.insert(db)
                outcome = .ticketCreated
            }
            guard let ticketId = ticket.id else { throw DatabaseError(message: "ticket without id after insert") }

            var comment = CommentRecord(
                id: nil, ticketId: ticketId, authorAddress: content.requesterAddress, authorName: content.requesterName,
                body: content.body, visibility: .public, messageId: identity.messageID, createdAt: identity.receivedAt)
            try comment.insert(db)
            if let messageID = identity.messageID {
                try TicketMessageRecord(messageId: messageID, ticketId: ticketId, direction: "in").insert(db, onConflict: .ignore)
            }
            var row = inboundRow(identity, outcome: outcome, detail: nil)
            row.ticketId = ticketId
            row.commentId = comment.id
            row.autoReply = content.autoReplySuppression
            try row.insert(db)

            for draft in try makeReplies(IngestContext(ticket: ticket, comment: comment, outcome: outcome)) {
                try enqueue(db, draft, mailbox: identity.mailbox, ticketId: ticketId, at: identity.receivedAt)
            }
            try advanceCursor(db, identity)
            return outcome == .ticketCreated ? .ticketCreated(ticket, comment) : .commentAdded(ticket, comment)
        }
    }

    /// Records a message the gateway will not process (too large, unreadable), so it is never lost
    /// from view and the poller moves past it.
    public func quarantine(_ identity: InboundIdentity, reason: String) throws -> IngestResult {
        try writer.write { db in
            if let uid = identity.uid, let validity = identity.uidValidity,
               try InboundMessageRecord.filter(Column("mailbox") == identity.mailbox && Column("uid_validity") == Int64(validity) && Column("uid") == Int64(uid)).fetchCount(db) > 0 {
                try advanceCursor(db, identity)
                return .alreadyRecorded
            }
            var row = inboundRow(identity, outcome: .quarantined, detail: reason)
            try row.insert(db)
            try advanceCursor(db, identity)
            return .quarantined(reason: reason)
        }
    }

    private func earlierCopy(_ db: Database, of identity: InboundIdentity) throws -> InboundMessageRecord? {
        let recorded = Column("outcome") != InboundOutcome.quarantined.rawValue
        if let messageID = identity.messageID {
            return try InboundMessageRecord.filter(Column("message_id") == messageID && recorded).order(Column("id")).fetchOne(db)
        }
        return try InboundMessageRecord
            .filter(Column("mailbox") == identity.mailbox && Column("sha256") == identity.sha256 && recorded)
            .order(Column("id")).fetchOne(db)
    }

    private func ticketForFollowUp(_ db: Database, _ candidates: FollowUpCandidates) throws -> TicketRecord? {
        for messageID in candidates.referencedMessageIDs {
            if let link = try TicketMessageRecord.fetchOne(db, key: messageID),
               let ticket = try TicketRecord.fetchOne(db, key: link.ticketId) {
                return ticket
            }
        }
        for key in candidates.subjectKeys {
            if let ticket = try TicketRecord.filter(Column("key") == key.description).fetchOne(db) { return ticket }
        }
        return nil
    }

    private func inboundRow(_ identity: InboundIdentity, outcome: InboundOutcome, detail: String?) -> InboundMessageRecord {
        InboundMessageRecord(
            id: nil, mailbox: identity.mailbox, uidValidity: identity.uidValidity.map(Int64.init), uid: identity.uid.map(Int64.init),
            messageId: identity.messageID, sha256: identity.sha256, size: identity.size, outcome: outcome,
            autoReply: nil, detail: detail, ticketId: nil, commentId: nil, receivedAt: identity.receivedAt)
    }

    private func enqueue(_ db: Database, _ draft: OutboxDraft, mailbox: String, ticketId: Int64?, at now: Date) throws {
        var row = OutboxRecord(
            id: nil, mailbox: mailbox, ticketId: ticketId, event: draft.event, envelopeFrom: draft.envelopeFrom,
            recipients: draft.recipients.joined(separator: ","), message: Data(draft.message), messageId: draft.messageID,
            status: .pending, attempts: 0, nextAttemptAt: now, lastError: nil, createdAt: now, sentAt: nil)
        try row.insert(db)
        if let ticketId {
            try TicketMessageRecord(messageId: draft.messageID, ticketId: ticketId, direction: "out").insert(db, onConflict: .ignore)
        }
    }

    private func advanceCursor(_ db: Database, _ identity: InboundIdentity) throws {
        guard let uid = identity.uid, let validity = identity.uidValidity else { return }
        try db.execute(sql: """
            INSERT INTO mailbox_cursor (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(mailbox) DO UPDATE SET
              last_uid = CASE WHEN uid_validity = excluded.uid_validity THEN MAX(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
              uid_validity = excluded.uid_validity, updated_at = excluded.updated_at
            """, arguments: [identity.mailbox, Int64(validity), Int64(uid), identity.receivedAt])
    }

    // MARK: Mailbox cursors

    public func cursor(mailbox: String) throws -> MailboxCursor? {
        try writer.read { try MailboxCursor.fetchOne($0, key: mailbox) }
    }

    /// Starts a mailbox over after its UIDVALIDITY changed: every message is read again, and the
    /// Message-ID check keeps what was recorded before from being recorded twice.
    public func resetCursor(mailbox: String, uidValidity: UInt32, at now: Date) throws {
        try writer.write { db in
            try MailboxCursor(mailbox: mailbox, uidValidity: Int64(uidValidity), lastUid: 0, updatedAt: now).save(db)
        }
    }

    /// UIDs recorded for a mailbox under this UIDVALIDITY, among `uids`.
    public func recordedUIDs(mailbox: String, uidValidity: UInt32, among uids: [UInt32]) throws -> Set<UInt32> {
        guard !uids.isEmpty else { return [] }
        return try writer.read { db in
            let found = try Int64.fetchAll(
                db, InboundMessageRecord.select(Column("uid"))
                    .filter(Column("mailbox") == mailbox && Column("uid_validity") == Int64(uidValidity) && uids.map(Int64.init).contains(Column("uid"))))
            return Set(found.map { UInt32($0) })
        }
    }

    // MARK: Tickets

    public func tickets(status: TicketStatus? = nil, mailbox: String? = nil) throws -> [TicketRecord] {
        try writer.read { db in
            var request = TicketRecord.all()
            if let status { request = request.filter(Column("status") == status.rawValue) }
            if let mailbox { request = request.filter(Column("mailbox") == mailbox) }
            return try request.order(Column("mailbox"), Column("number")).fetchAll(db)
        }
    }

    public func ticket(key: String) throws -> TicketRecord? {
        try writer.read { try TicketRecord.filter(Column("key") == key.uppercased()).fetchOne($0) }
    }

    public func comments(ticketId: Int64) throws -> [CommentRecord] {
        try writer.read { try CommentRecord.filter(Column("ticket_id") == ticketId).order(Column("id")).fetchAll($0) }
    }

    public func inboundMessages(mailbox: String? = nil) throws -> [InboundMessageRecord] {
        try writer.read { db in
            var request = InboundMessageRecord.all()
            if let mailbox { request = request.filter(Column("mailbox") == mailbox) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    // MARK: Outbox

    /// Pending messages whose next attempt is due, oldest first.
    public func dueOutbox(now: Date, limit: Int = 100) throws -> [OutboxRecord] {
        try writer.read { db in
            try OutboxRecord.filter(Column("status") == OutboxStatus.pending.rawValue && Column("next_attempt_at") <= now)
                .order(Column("next_attempt_at"), Column("id")).limit(limit).fetchAll(db)
        }
    }

    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxRecord] {
        try writer.read { db in
            var request = OutboxRecord.all()
            if let status { request = request.filter(Column("status") == status.rawValue) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func markSent(outboxId: Int64, at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                arguments: [now, outboxId])
        }
    }

    /// Records a failed attempt: retried at `retryAt`, or given up on when it is nil.
    public func markAttemptFailed(outboxId: Int64, error: String, retryAt: Date?) throws {
        try writer.write { db in
            if let retryAt {
                try db.execute(
                    sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                    arguments: [error, retryAt, outboxId])
            } else {
                try db.execute(
                    sql: "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                    arguments: [error, outboxId])
            }
        }
    }
}

extension HelpdeskDatabase {
    /// Raw SQL for tests that prove the schema's own constraints.
    public func executeForTesting(_ sql: String) throws {
        try writer.write { try $0.execute(sql: sql) }
    }
}
