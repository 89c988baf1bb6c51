public import Foundation
import GRDB

// MARK: LeaseStore

extension HelpdeskDatabase {
    public func acquireLease(_ name: String, holder: String, for duration: TimeInterval, at now: Date) throws -> Bool {
        try writer.write { db in
            // One statement decides: a lease that runs for someone else is left as it is. A renewal
            // keeps its first acquisition time.
            try db.execute(sql: """
                INSERT INTO lease (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET
                  acquired_at = CASE WHEN lease.holder = excluded.holder THEN lease.acquired_at ELSE excluded.acquired_at END,
                  holder = excluded.holder, expires_at = excluded.expires_at
                WHERE lease.holder = excluded.holder OR lease.expires_at <= ?
                """, arguments: [name, holder, now, now.addingTimeInterval(duration), now])
            return db.changesCount > 0
        }
    }

    public func releaseLease(_ name: String, holder: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM lease WHERE name = ? AND holder = ?", arguments: [name, holder])
        }
    }

    public func leases() throws -> [Lease] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM lease ORDER BY name").map { row in
                Lease(name: row["name"], holder: row["holder"], acquiredAt: row["acquired_at"], expiresAt: row["expires_at"])
            }
        }
    }
}
