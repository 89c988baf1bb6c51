import Foundation
import HelpdeskCore
import HelpdeskStore
import PostgresNIO

// Queuing planned mail inside a caller's transaction, and reading queued rows back: shared by
// recording, changes, bounces, SLA notices and delivery notes.

extension PostgresStore {
    /// Puts planned mail in the outbox inside the caller's transaction; a reply finds the ticket by
    /// the mail's Message-ID there (see `ticketForFollowUp`). Recipients are kept lower-cased, as
    /// the SQLite store keeps them.
    /// `intent`: the mail already encoded; `commentId`: the comment holding its texts.
    func enqueue(_ session: PostgresSession, _ mail: PlannedMail, ticketId: Int64?, at now: Date, intent: String? = nil, commentId: Int64? = nil) throws {
        let intent = try intent ?? StoredIntent.encode(mail)
        try session.execute("""
            INSERT INTO outbox (mailbox, ticket_id, event, envelope_from, recipients, message, message_id, status, attempts,
                                next_attempt_at, created_at, intent, comment_id)
            VALUES ($1, $2, $3, '', $4, ''::bytea, $5, 'pending', 0, $6, $6, $7, $8)
            """, [mail.mailbox, ticketId, mail.event.rawValue, mail.intent.recipients.map { $0.address.lowercased() }.joined(separator: ","),
                  mail.messageID, now, intent, commentId])
    }

    /// Queues `mails`; those whose texts are `comment`'s name it (`StoredIntent.queued`).
    func enqueue(_ session: PostgresSession, _ mails: [PlannedMail], ticketId: Int64, at now: Date, textsOf comment: CommentRecord?) throws {
        for queued in try StoredIntent.queued(mails, textsOf: comment) {
            try enqueue(session, queued.mail, ticketId: ticketId, at: now, intent: queued.intent, commentId: queued.commentId)
        }
    }

    /// Outbox rows read by `sql`, with the texts of those whose text is in a comment.
    func outboxRows(_ session: PostgresSession, _ sql: String, _ binds: [SQLValue] = []) throws -> [OutboxRecord] {
        try withCommentTexts(session, session.rows(sql, binds).map(Self.outboxRecord))
    }

    /// `rows` with their comments' texts filled in, read in one query.
    func withCommentTexts(_ session: PostgresSession, _ rows: [OutboxRecord]) throws -> [OutboxRecord] {
        let ids = Array(Set(rows.compactMap(\.commentId)))
        guard !ids.isEmpty else { return rows }
        var texts: [Int64: MailTexts] = [:]
        for row in try session.rows("SELECT id, body, reply FROM comment WHERE id = ANY($1)", [ids]) {
            let body = try row["body"].decode(String.self)
            texts[try row["id"].decode(Int64.self)] = MailTexts(body: body, reply: try row["reply"].decode(String?.self) ?? body)
        }
        return rows.map { row in
            var row = row
            row.commentTexts = row.commentId.flatMap { texts[$0] }
            return row
        }
    }

    /// One `outbox` row as the SQLite store reads it: '' and empty bytes are "not rendered yet".
    static func outboxRecord(_ row: PostgresRandomAccessRow) throws -> OutboxRecord {
        let from = try row["envelope_from"].decode(String.self)
        let bytes = try row["message"].decode(Data.self)
        return OutboxRecord(
            id: try row["id"].decode(Int64.self), mailbox: try row["mailbox"].decode(String.self), ticketId: try row["ticket_id"].decode(Int64?.self),
            event: try row["event"].decode(String.self), envelopeFrom: from.isEmpty ? nil : from, recipients: try row["recipients"].decode(String.self),
            message: bytes.isEmpty ? nil : bytes, messageId: try row["message_id"].decode(String.self),
            status: OutboxStatus(rawValue: try row["status"].decode(String.self)) ?? .failed, attempts: Int(try row["attempts"].decode(Int32.self)),
            nextAttemptAt: try row["next_attempt_at"].decode(Date.self), lastError: try row["last_error"].decode(String?.self),
            createdAt: try row["created_at"].decode(Date.self), sentAt: try row["sent_at"].decode(Date?.self), intent: try row["intent"].decode(String?.self),
            claimedBy: try row["claimed_by"].decode(String?.self), claimExpiresAt: try row["claim_expires_at"].decode(Date?.self),
            bounceStatus: try row["bounce_status"].decode(String?.self), bounceDiagnostic: try row["bounce_diagnostic"].decode(String?.self),
            bouncedAt: try row["bounced_at"].decode(Date?.self), commentId: try row["comment_id"].decode(Int64?.self))
    }
}
