public import Foundation
public import HelpdeskStore
import PostgresNIO

// MARK: OutboxStore

// A write that is one statement runs on its own (a statement is its own transaction); writes of
// several statements run in `session.transaction`. Claimed rows are fenced by `claimed_by`.

extension PostgresStore: OutboxStore {
    public func claimDueOutbox(mailbox: String?, owner: String, now: Date, lease: TimeInterval, limit: Int) throws -> [OutboxRecord] {
        try pool.withConnection { session in
            // Most runs find nothing due: one read says so without a transaction's round trips.
            let anyDue = try session.value("""
                SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
                  AND (claim_expires_at IS NULL OR claim_expires_at <= $1) AND ($2::text IS NULL OR mailbox = $2::text))
                """, [now, mailbox], as: Bool.self) ?? false
            guard anyDue else { return [] }
            return try session.transaction {
                // SKIP LOCKED: a row another dispatcher is claiming right now is left to it, and one
                // it claimed meanwhile fails the re-checked conditions: no row goes to two owners.
                // RETURNING hands back exactly the rows this statement claimed (in no set order).
                let claimed = try outboxRows(session, """
                    UPDATE outbox SET claimed_by = $1, claim_expires_at = $2
                    WHERE id IN (
                      SELECT id FROM outbox
                      WHERE status = 'pending' AND next_attempt_at <= $3
                        AND (claim_expires_at IS NULL OR claim_expires_at <= $3)
                        AND ($4::text IS NULL OR mailbox = $4::text)
                      ORDER BY next_attempt_at, id LIMIT $5
                      FOR UPDATE SKIP LOCKED)
                    RETURNING *
                    """, [owner, now.addingTimeInterval(lease), now, mailbox, limit])
                return claimed.sorted { ($0.nextAttemptAt, $0.id ?? 0) < ($1.nextAttemptAt, $1.id ?? 0) }
            }
        }
    }

    public func renewClaim(outboxId: Int64, owner: String, until: Date) throws -> Bool {
        try pool.withConnection { session in
            try session.execute(
                "UPDATE outbox SET claim_expires_at = $1 WHERE id = $2 AND claimed_by = $3 AND status = 'pending'", [until, outboxId, owner]) > 0
        }
    }

    @discardableResult
    public func markSent(outboxId: Int64, owner: String, at now: Date, rendered: RenderedMessage?) throws -> Bool {
        // The bytes an attempt used are kept by the same fenced statement (unchanged when nil).
        try pool.withConnection { session in
            try session.execute("""
                UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
                  claimed_by = NULL, claim_expires_at = NULL,
                  envelope_from = COALESCE($4::text, envelope_from), message = COALESCE($5::bytea, message)
                WHERE id = $2 AND claimed_by = $3
                """, [now, outboxId, owner, rendered?.envelopeFrom, rendered.map { Data($0.bytes) }]) > 0
        }
    }

    public func markAttemptFailed(outboxId: Int64, owner: String, error: String, retryAt: Date?, rendered: RenderedMessage?) throws {
        _ = try pool.withConnection { session in
            try session.execute("""
                UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = COALESCE($2::timestamptz, next_attempt_at),
                  status = CASE WHEN $2::timestamptz IS NULL THEN 'failed' ELSE status END, claimed_by = NULL, claim_expires_at = NULL,
                  envelope_from = COALESCE($5::text, envelope_from), message = COALESCE($6::bytea, message)
                WHERE id = $3 AND claimed_by = $4
                """, [error, retryAt, outboxId, owner, rendered?.envelopeFrom, rendered.map { Data($0.bytes) }])
        }
    }

    public func markRenderFailed(outboxId: Int64, owner: String, error: String, retryAt: Date) throws {
        _ = try pool.withConnection { session in
            try session.execute("""
                UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_by = NULL, claim_expires_at = NULL
                WHERE id = $3 AND claimed_by = $4
                """, [error, retryAt, outboxId, owner])
        }
    }

    public func releaseClaims(owner: String) throws {
        _ = try pool.withConnection { session in
            try session.execute("UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL WHERE claimed_by = $1", [owner])
        }
    }

    public func releaseClaims(mailbox: String, ownerPrefix: String) throws -> Int {
        try pool.withConnection { session in
            try session.execute("""
                UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL
                WHERE mailbox = $1 AND status = 'pending' AND claimed_by IS NOT NULL AND starts_with(claimed_by, $2)
                """, [mailbox, ownerPrefix])
        }
    }

    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxRecord] {
        try pool.withConnection { session in
            if let status {
                return try outboxRows(session, "SELECT * FROM outbox WHERE status = $1 ORDER BY id", [status.rawValue])
            }
            return try outboxRows(session, "SELECT * FROM outbox ORDER BY id")
        }
    }

    public func outboxListing(status: OutboxStatus? = nil) throws -> [OutboxListing] {
        try pool.withConnection { session in
            let rows = try session.rows("""
                SELECT outbox.*, ticket.key AS ticket_key, ticket.subject AS ticket_subject
                FROM outbox LEFT JOIN ticket ON ticket.id = outbox.ticket_id
                WHERE $1::text IS NULL OR outbox.status = $1::text
                ORDER BY outbox.id
                """, [status?.rawValue])
            let records = try withCommentTexts(session, try rows.map(Self.outboxRecord))
            return try zip(rows, records).map { row, record in
                OutboxListing(
                    row: record, ticketKey: try row["ticket_key"].decode(String?.self), ticketSubject: try row["ticket_subject"].decode(String?.self))
            }
        }
    }

    public func retryOutbox(_ selection: OutboxSelection, now: Date) throws -> OutboxRetryResult {
        try pool.withConnection { session in
            try session.transaction {
                // FOR UPDATE: the rows stay as read until the transaction ends, as under SQLite's
                // write lock; a dispatcher's claim skips them meanwhile. Locked in id order, so two
                // retries at once wait for each other instead of deadlocking.
                let selected: [OutboxRecord]
                var result = OutboxRetryResult()
                switch selection {
                case .ids(let ids):
                    selected = try session.rows("SELECT * FROM outbox WHERE id = ANY($1) ORDER BY id FOR UPDATE", [ids]).map(Self.outboxRecord)
                    let found = Set(selected.compactMap(\.id))
                    var seen: Set<Int64> = []
                    result.unknown = ids.filter { !found.contains($0) && seen.insert($0).inserted }
                case .ticket(let ticketId):
                    selected = try session.rows("SELECT * FROM outbox WHERE ticket_id = $1 ORDER BY id FOR UPDATE", [ticketId]).map(Self.outboxRecord)
                case .failed:
                    selected = try session.rows("SELECT * FROM outbox WHERE status = 'failed' ORDER BY id FOR UPDATE").map(Self.outboxRecord)
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
                        let changed = try session.execute("""
                            UPDATE outbox SET status = 'pending', next_attempt_at = $1
                            WHERE id = $2 AND status IN ('pending', 'failed') AND (claim_expires_at IS NULL OR claim_expires_at <= $1)
                            """, [now, id])
                        if changed > 0 { result.retried.append(id) } else { result.beingSent.append(id) }
                    }
                }
                return result
            }
        }
    }

    public func mailboxesWithDueOutbox(at now: Date) throws -> Set<String> {
        try pool.withConnection { session in
            Set(try session.rows("""
                SELECT DISTINCT mailbox FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
                  AND (claim_expires_at IS NULL OR claim_expires_at <= $1)
                """, [now]).map { try $0["mailbox"].decode(String.self) })
        }
    }

    /// How many messages are pending per mailbox name, for spotting mail of a mailbox whose config
    /// file was renamed or removed (no dispatcher reads those).
    public func pendingOutboxCounts() throws -> [String: Int] {
        try pool.withConnection { session in
            let rows = try session.rows("SELECT mailbox, COUNT(*) AS n FROM outbox WHERE status = 'pending' GROUP BY mailbox")
            return Dictionary(uniqueKeysWithValues: try rows.map { (try $0["mailbox"].decode(String.self), try $0["n"].decode(Int.self)) })
        }
    }
}
