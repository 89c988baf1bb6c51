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
