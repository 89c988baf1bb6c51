public import Foundation
public import HelpdeskStore
import PostgresNIO

// MARK: GatewayStateStore

extension PostgresStore: GatewayStateStore {
    public func recordPoll(_ report: PollReport) throws {
        // A failure keeps the last success; a success keeps the last error (with its time),
        // so `status` can say both.
        _ = try pool.withConnection { session in
            try session.execute("""
                INSERT INTO mailbox_poll (mailbox, last_attempt_at, last_success_at, last_failed, last_error, last_error_at,
                                          duration, unrecorded, "interval")
                VALUES ($1, $2, CASE WHEN $3 THEN NULL ELSE $2 END, $3, $4::text, CASE WHEN $3 THEN $2 END,
                        $5, $6::bigint, $7::double precision)
                ON CONFLICT (mailbox) DO UPDATE SET
                  last_attempt_at = excluded.last_attempt_at,
                  last_success_at = COALESCE(excluded.last_success_at, mailbox_poll.last_success_at),
                  last_failed = excluded.last_failed,
                  last_error = COALESCE(excluded.last_error, mailbox_poll.last_error),
                  last_error_at = COALESCE(excluded.last_error_at, mailbox_poll.last_error_at),
                  duration = excluded.duration,
                  unrecorded = COALESCE(excluded.unrecorded, mailbox_poll.unrecorded),
                  "interval" = excluded."interval"
                """, [report.mailbox, report.at, report.error != nil, report.error, report.duration, report.unrecorded, report.interval])
        }
    }

    public func recordPollProgress(mailbox: String, at now: Date) throws {
        _ = try pool.withConnection { session in
            try session.execute("UPDATE mailbox_poll SET last_success_at = $1 WHERE mailbox = $2", [now, mailbox])
        }
    }

    public func pollStates() throws -> [PollState] {
        try pool.withConnection { session in
            // Byte order (COLLATE "C"), as SQLite orders text, whatever the database's collation.
            try session.rows("SELECT * FROM mailbox_poll ORDER BY mailbox COLLATE \"C\"").map { row in
                PollState(
                    mailbox: try row["mailbox"].decode(String.self), lastAttemptAt: try row["last_attempt_at"].decode(Date.self),
                    lastSuccessAt: try row["last_success_at"].decode(Date?.self), lastFailed: try row["last_failed"].decode(Bool.self),
                    lastError: try row["last_error"].decode(String?.self), lastErrorAt: try row["last_error_at"].decode(Date?.self),
                    duration: try row["duration"].decode(Double.self), unrecorded: try row["unrecorded"].decode(Int?.self),
                    interval: try row["interval"].decode(Double?.self))
            }
        }
    }

    public func health(at now: Date) throws -> StoreHealth {
        try pool.withConnection { session in
            // One snapshot for all counts, as SQLite's single read gives: they agree with each other.
            try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? session.execute("COMMIT") }
            var health = StoreHealth()
            for row in try session.rows("""
                SELECT mailbox, status, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox
                WHERE status IN ('pending', 'failed') GROUP BY mailbox, status
                """) {
                let mailbox = try row["mailbox"].decode(String.self)
                if try row["status"].decode(String.self) == "pending" {
                    health.outboxPending[mailbox] = try row["n"].decode(Int.self)
                    health.oldestPendingAt[mailbox] = try row["oldest"].decode(Date.self)
                } else {
                    health.outboxFailed[mailbox] = try row["n"].decode(Int.self)
                }
            }
            for row in try session.rows("SELECT mailbox, COUNT(*) AS n FROM inbound_message WHERE outcome = 'quarantined' GROUP BY mailbox") {
                health.keptAside[try row["mailbox"].decode(String.self)] = try row["n"].decode(Int.self)
            }
            for row in try session.rows("SELECT mailbox, status, COUNT(*) AS n FROM ticket GROUP BY mailbox, status") {
                health.ticketsByStatus[try row["mailbox"].decode(String.self), default: [:]][try row["status"].decode(String.self)] =
                    try row["n"].decode(Int.self)
            }
            // A clock is stored as of the ticket's last change: a running one past its due time
            // is breaching now, whether or not the SLA pass has recorded the breach yet. Only
            // tickets still being worked count.
            for row in try session.rows("""
                SELECT t.mailbox, COUNT(DISTINCT t.id) AS n FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id
                WHERE t.status NOT IN ('resolved', 'closed', 'cancelled')
                  AND (s.outcome = 'breached' OR (s.outcome = 'running' AND s.due_at <= $1))
                GROUP BY t.mailbox
                """, [now]) {
                health.breachingNow[try row["mailbox"].decode(String.self)] = try row["n"].decode(Int.self)
            }
            return health
        }
    }

    public func checkWritable() throws {
        try pool.withConnection { session in
            // A plain BEGIN, as every write begins: a database or user made read-only by default
            // fails here as its writes would. Rolled back: the check writes nothing.
            try session.execute("BEGIN")
            do {
                try checkWritable(session)
            } catch {
                try session.execute("ROLLBACK")
                throw error
            }
            try session.execute("ROLLBACK")
        }
    }

    /// Proves, inside an open transaction, that a write could run: not a standby, not read-only,
    /// allowed to write, and no lock held against writes for longer than SQLite's busy timeout.
    private func checkWritable(_ session: PostgresSession) throws {
        let database = pool.settings.displayURL
        try session.execute("SET LOCAL lock_timeout = '10s'")
        if let row = try session.rows("SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'").first {
            if try row[0].decode(Bool.self) {
                throw PostgresStoreError(
                    "\(database) is a standby server (in recovery), which takes no writes: point the gateway at the primary", sqlState: "25006")
            }
            if try row[1].decode(Bool.self) {
                throw PostgresStoreError(
                    "transactions on \(database) are read-only (default_transaction_read_only is on): turn it off for the database or for user \(pool.settings.user) (ALTER DATABASE … SET default_transaction_read_only = off, or ALTER ROLE …)",
                    sqlState: "25006")
            }
        }
        // A statement that needs write access (and changes nothing) proves the rest: the user's
        // privileges and the table's lock are checked even when no row matches.
        do {
            try session.execute("UPDATE mailbox_poll SET mailbox = mailbox WHERE false")
        } catch let error as PostgresStoreError {
            switch error.sqlState {
            case "42501":
                throw PostgresStoreError(
                    "user \(pool.settings.user) may not write to \(database): grant it SELECT, INSERT, UPDATE and DELETE on the gateway's tables (\(error))",
                    sqlState: error.sqlState)
            case "55P03":
                throw PostgresStoreError(
                    "a write to \(database) waited 10 s for a lock another session holds: see pg_stat_activity and pg_locks (\(error))",
                    sqlState: error.sqlState)
            case "25006":
                throw PostgresStoreError("\(database) takes no writes now: \(error)", sqlState: error.sqlState)
            default:
                throw error
            }
        }
    }
}
