public import Foundation
public import HelpdeskStore
import PostgresNIO

extension PostgresStore: LeaseStore {
    public func acquireLeases(_ names: [String], holder: String, for duration: TimeInterval, at now: Date, force: Bool) throws -> [LeaseGrant] {
        guard !names.isEmpty else { return [] }
        return try pool.withConnection { session in
            try session.transaction {
                // The rows are locked in name order (no deadlock between instances renewing the
                // same set), then each is taken when free, lapsed or ours: one round trip each way.
                let before = try session.rows(
                    "SELECT name, holder, expires_at FROM lease WHERE name = ANY($1) ORDER BY name FOR UPDATE", [names])
                var previous: [String: (holder: String, expires: Date)] = [:]
                for row in before {
                    previous[try row["name"].decode(String.self)] = (try row["holder"].decode(String.self), try row["expires_at"].decode(Date.self))
                }
                let taken = names.filter { name in
                    guard let old = previous[name] else { return true }
                    return force || old.holder == holder || old.expires <= now
                }
                guard !taken.isEmpty else { return [] }
                // The condition again in the upsert: a name nobody had may have been inserted by
                // another instance meanwhile, and its fresh lease must stand.
                let won = Set(try session.rows("""
                    INSERT INTO lease (name, holder, acquired_at, expires_at) SELECT unnest($1::text[]), $2, $3, $4
                    ON CONFLICT (name) DO UPDATE SET
                      acquired_at = CASE WHEN lease.holder = excluded.holder THEN lease.acquired_at ELSE excluded.acquired_at END,
                      holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE lease.holder = excluded.holder OR lease.expires_at <= $3 OR $5
                    RETURNING name
                    """, [taken, holder, now, now.addingTimeInterval(duration), force]).map { try $0["name"].decode(String.self) })
                return taken.filter(won.contains).map { name in
                    let old = previous[name]?.holder
                    return LeaseGrant(name: name, previousHolder: old == holder ? nil : old)
                }
            }
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
