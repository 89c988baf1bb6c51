public import Foundation
import GRDB

extension HelpdeskDatabase {
    /// Pending outbox rows of one mailbox that are due at `now`, oldest first: each mailbox's
    /// dispatcher reads only its own, so a slow SMTP server delays no other mailbox's mail.
    public func dueOutbox(mailbox: String, now: Date, limit: Int = 100) throws -> [OutboxRecord] {
        try writer.read { db in
            try OutboxRecord
                .filter(Column("status") == OutboxStatus.pending.rawValue && Column("next_attempt_at") <= now
                    && Column("mailbox") == mailbox)
                .order(Column("next_attempt_at"), Column("id")).limit(limit).fetchAll(db)
        }
    }
}

extension HelpdeskDatabase {
    /// How many messages are pending per mailbox name, for spotting mail of a mailbox whose config
    /// file was renamed or removed (no dispatcher reads those).
    public func pendingOutboxCounts() throws -> [String: Int] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT mailbox, COUNT(*) AS n FROM outbox WHERE status = 'pending' GROUP BY mailbox")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["mailbox"] as String, $0["n"] as Int) })
        }
    }
}
