public import Foundation
import GRDB
import HelpdeskCore

// MARK: OutboxStore

extension HelpdeskDatabase {
    /// Puts planned mail in the outbox inside the caller's transaction. Its Message-ID (unique in
    /// the outbox, whose rows are kept) is how a reply to it finds the ticket, so no
    /// `ticket_message` row repeats it. The intent is kept whole; the outbox side renders it.
    /// Recipients are kept lower-cased: the loop caps and pauses find an address however its
    /// writer capitalised it.
    /// `intent`: the mail already encoded (`StoredIntent.encode`), when the caller encoded several at once.
    /// `commentId`: the comment that holds the mail's texts, which `intent` then leaves out.
    func enqueue(_ db: Database, _ mail: PlannedMail, ticketId: Int64?, at now: Date, intent: String? = nil, commentId: Int64? = nil) throws {
        let intent = try intent ?? StoredIntent.encode(mail)
        let row = OutboxRecord(
            id: nil, mailbox: mail.mailbox, ticketId: ticketId, event: mail.event.rawValue, envelopeFrom: nil,
            recipients: mail.intent.recipients.map { $0.address.lowercased() }.joined(separator: ","), message: nil, messageId: mail.messageID,
            status: .pending, attempts: 0, nextAttemptAt: now, lastError: nil, createdAt: now, sentAt: nil, intent: intent,
            commentId: commentId)
        try db.insertRow(row)
    }

    /// Queues `mails`, each encoded once; those whose texts are `comment`'s name it (`StoredIntent.queued`).
    func enqueue(_ db: Database, _ mails: [PlannedMail], ticketId: Int64, at now: Date, textsOf comment: CommentRecord?) throws {
        for queued in try StoredIntent.queued(mails, textsOf: comment) {
            try enqueue(db, queued.mail, ticketId: ticketId, at: now, intent: queued.intent, commentId: queued.commentId)
        }
    }

    /// `rows` with the texts of those whose text is in a comment, read in one query.
    func withCommentTexts(_ db: Database, _ rows: [OutboxRecord]) throws -> [OutboxRecord] {
        let ids = Array(Set(rows.compactMap(\.commentId)))
        guard !ids.isEmpty else { return rows }
        var texts: [Int64: MailTexts] = [:]
        // SQLite takes at most 32,766 parameters; a claim asks for a few dozen rows.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let found = try Row.fetchAll(db, sql: "SELECT id, body, reply FROM comment WHERE id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                                         arguments: StatementArguments(chunk))
            for row in found {
                let body: String = row["body"]
                texts[row["id"]] = MailTexts(body: body, reply: row["reply"] ?? body)
            }
        }
        return rows.map { row in
            var row = row
            row.commentTexts = row.commentId.flatMap { texts[$0] }
            return row
        }
    }

    public func claimDueOutbox(mailbox: String?, owner: String, now: Date, lease: TimeInterval, limit: Int) throws -> [OutboxRecord] {
        // Most runs find nothing due: a read says so without taking the write lock (200 idle
        // mailboxes otherwise made 40 write transactions a second).
        let anyDue = try writer.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now
                  AND (claim_expires_at IS NULL OR claim_expires_at <= :now) AND (:mailbox IS NULL OR mailbox = :mailbox))
                """, arguments: ["now": now, "mailbox": mailbox]) ?? false
        }
        guard anyDue else { return [] }
        return try writer.write { db in
            // One statement picks and claims: two dispatchers (threads or processes) never both
            // get a row, whatever the transaction mode.
            // RETURNING hands back exactly the rows this statement claimed (in no set order).
            let claimed = try OutboxRecord.fetchAll(db, sql: """
                UPDATE outbox SET claimed_by = :owner, claim_expires_at = :until
                WHERE id IN (
                  SELECT id FROM outbox
                  WHERE status = 'pending' AND next_attempt_at <= :now
                    AND (claim_expires_at IS NULL OR claim_expires_at <= :now)
                    AND (:mailbox IS NULL OR mailbox = :mailbox)
                  ORDER BY next_attempt_at, id LIMIT :limit)
                RETURNING *
                """, arguments: ["owner": owner, "until": now.addingTimeInterval(lease), "now": now, "mailbox": mailbox, "limit": limit])
            return try withCommentTexts(db, claimed).sorted { ($0.nextAttemptAt, $0.id ?? 0) < ($1.nextAttemptAt, $1.id ?? 0) }
        }
    }

    public func renewClaim(outboxId: Int64, owner: String, until: Date) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET claim_expires_at = ? WHERE id = ? AND claimed_by = ? AND status = 'pending'",
                arguments: [until, outboxId, owner])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func markSent(outboxId: Int64, owner: String, at now: Date, rendered: RenderedMessage?) throws -> Bool {
        try writer.write { db in
            // Cached statements: these run once per mail sent, and parsing them again cost more than running them.
            try db.cachedStatement(sql: """
                UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL,
                  claimed_by = NULL, claim_expires_at = NULL
                WHERE id = ? AND claimed_by = ?
                """).execute(arguments: [now, outboxId, owner])
            guard db.changesCount > 0 else { return false }
            try keep(db, rendered, outboxId: outboxId)
            return true
        }
    }

    public func markAttemptFailed(outboxId: Int64, owner: String, error: String, retryAt: Date?, rendered: RenderedMessage?) throws {
        try writer.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                  status = CASE WHEN ? IS NULL THEN 'failed' ELSE status END, claimed_by = NULL, claim_expires_at = NULL
                WHERE id = ? AND claimed_by = ?
                """, arguments: [error, retryAt, retryAt, outboxId, owner])
            if db.changesCount > 0 { try keep(db, rendered, outboxId: outboxId) }
        }
    }

    /// Stores the bytes an attempt used, in the caller's transaction (after its fenced update).
    private func keep(_ db: Database, _ rendered: RenderedMessage?, outboxId: Int64) throws {
        guard let rendered else { return }
        try db.cachedStatement(sql: "UPDATE outbox SET envelope_from = ?, message = ? WHERE id = ?")
            .execute(arguments: [rendered.envelopeFrom, Data(rendered.bytes), outboxId])
    }

    public func markRenderFailed(outboxId: Int64, owner: String, error: String, retryAt: Date) throws {
        try writer.write { db in
            try db.execute(sql: """
                UPDATE outbox SET last_error = ?, next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL
                WHERE id = ? AND claimed_by = ?
                """, arguments: [error, retryAt, outboxId, owner])
        }
    }

    public func releaseClaims(owner: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL WHERE claimed_by = ?", arguments: [owner])
        }
    }

    public func releaseClaims(mailbox: String, ownerPrefix: String) throws -> Int {
        try writer.write { db in
            // instr, not LIKE: an owner may hold % or _.
            try db.execute(sql: """
                UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL
                WHERE mailbox = ? AND status = 'pending' AND claimed_by IS NOT NULL AND instr(claimed_by, ?) = 1
                """, arguments: [mailbox, ownerPrefix])
            return db.changesCount
        }
    }

    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxRecord] {
        try writer.read { db in
            var request = OutboxRecord.all()
            if let status { request = request.filter(OutboxRecord.Columns.status == status.rawValue) }
            return try withCommentTexts(db, try request.order(OutboxRecord.Columns.id).fetchAll(db))
        }
    }

    public func outboxListing(status: OutboxStatus? = nil) throws -> [OutboxListing] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT outbox.*, ticket.key AS ticket_key, ticket.subject AS ticket_subject
                FROM outbox LEFT JOIN ticket ON ticket.id = outbox.ticket_id
                WHERE :status IS NULL OR outbox.status = :status
                ORDER BY outbox.id
                """, arguments: ["status": status?.rawValue])
            let records = try withCommentTexts(db, try rows.map(OutboxRecord.init(row:)))
            return zip(rows, records).map { row, record in
                OutboxListing(row: record, ticketKey: row["ticket_key"], ticketSubject: row["ticket_subject"])
            }
        }
    }

    public func retryOutbox(_ selection: OutboxSelection, now: Date) throws -> OutboxRetryResult {
        try writer.write { db in
            let selected: [OutboxRecord]
            var result = OutboxRetryResult()
            switch selection {
            case .ids(let ids):
                selected = try OutboxRecord.fetchAll(db, keys: ids)
                let found = Set(selected.compactMap(\.id))
                var seen: Set<Int64> = []
                result.unknown = ids.filter { !found.contains($0) && seen.insert($0).inserted }
            case .ticket(let ticketId):
                selected = try OutboxRecord.fetchAll(db, sql: "SELECT * FROM outbox WHERE ticket_id = ?", arguments: [ticketId])
            case .failed:
                selected = try OutboxRecord.fetchAll(db, sql: "SELECT * FROM outbox WHERE status = 'failed'")
            }
            for row in selected.sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) {
                guard let id = row.id else { continue }
                if row.status == .sent {
                    result.sent.append(id)
                } else if let until = row.claimExpiresAt, until > now {
                    result.beingSent.append(id)
                } else if row.status == .pending, row.nextAttemptAt <= now {
                    result.alreadyDue.append(id)
                } else {
                    // The same conditions again in the update: it changes the row only as it was read.
                    // Attempts are kept, so a row that fails once more is given up on again at once.
                    try db.execute(sql: """
                        UPDATE outbox SET status = 'pending', next_attempt_at = :now
                        WHERE id = :id AND status IN ('pending', 'failed') AND (claim_expires_at IS NULL OR claim_expires_at <= :now)
                        """, arguments: ["now": now, "id": id])
                    if db.changesCount > 0 { result.retried.append(id) } else { result.beingSent.append(id) }
                }
            }
            return result
        }
    }

    public func mailboxesWithDueOutbox(at now: Date) throws -> Set<String> {
        try writer.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT mailbox FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now
                  AND (claim_expires_at IS NULL OR claim_expires_at <= :now)
                """, arguments: ["now": now]))
        }
    }

    /// How many messages are pending per mailbox name, for spotting mail of a mailbox whose config
    /// file was renamed or removed (no dispatcher reads those).
    public func pendingOutboxCounts() throws -> [String: Int] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT mailbox, COUNT(*) AS n FROM outbox WHERE status = 'pending' GROUP BY mailbox")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["mailbox"] as String, $0["n"] as Int) })
        }
    }
}
