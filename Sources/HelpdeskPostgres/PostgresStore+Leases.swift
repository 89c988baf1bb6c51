public import Foundation
public import HelpdeskStore
import PostgresNIO

extension PostgresStore: LeaseStore {
    public func acquireLease(_ name: String, holder: String, for duration: TimeInterval, at now: Date) throws -> Bool {
        try pool.withConnection { session in
            // One statement, atomic under concurrency: the conflicting row is locked while its
            // WHERE is checked, so of several instances racing for a lapsed lease exactly one wins.
            try session.execute("""
                INSERT INTO lease (name, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (name) DO UPDATE SET
                  acquired_at = CASE WHEN lease.holder = excluded.holder THEN lease.acquired_at ELSE excluded.acquired_at END,
                  holder = excluded.holder, expires_at = excluded.expires_at
                WHERE lease.holder = excluded.holder OR lease.expires_at <= $3
                """, [name, holder, now, now.addingTimeInterval(duration)]) > 0
        }
    }

    public func releaseLease(_ name: String, holder: String) throws {
        _ = try pool.withConnection { session in
            try session.execute("DELETE FROM lease WHERE name = $1 AND holder = $2", [name, holder])
        }
    }

    public func leases() throws -> [Lease] {
        try pool.withConnection { session in
            try session.rows("SELECT * FROM lease ORDER BY name COLLATE \"C\"").map { row in
                Lease(name: try row["name"].decode(String.self), holder: try row["holder"].decode(String.self),
                      acquiredAt: try row["acquired_at"].decode(Date.self), expiresAt: try row["expires_at"].decode(Date.self))
            }
        }
    }
}
