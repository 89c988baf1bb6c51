public import Foundation
import GRDB

// MARK: LeaseStore

extension HelpdeskDatabase {
    public func acquireLeases(_ names: [String], holder: String, for duration: TimeInterval, at now: Date, force: Bool) throws -> [LeaseGrant] {
        // One transaction for all: one commit per renewal round, however many mailboxes.
        try writer.write { db in
            var granted: [LeaseGrant] = []
            for name in names {
                let before = try Row.fetchOne(db, sql: "SELECT holder, expires_at FROM lease WHERE name = ?", arguments: [name])
                let previous: String? = before?["holder"]
                let expires: Date? = before?["expires_at"]
                guard force || previous == nil || previous == holder || (expires ?? .distantPast) <= now else { continue }
                try db.execute(sql: """
                    INSERT INTO lease (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET
                      acquired_at = CASE WHEN lease.holder = excluded.holder THEN lease.acquired_at ELSE excluded.acquired_at END,
                      holder = excluded.holder, expires_at = excluded.expires_at
                    """, arguments: [name, holder, now, now.addingTimeInterval(duration)])
                granted.append(LeaseGrant(name: name, previousHolder: previous == holder ? nil : previous))
            }
            return granted
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
