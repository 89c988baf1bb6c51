public import Foundation
import GRDB

// MARK: GatewayStateStore

extension HelpdeskDatabase {
    public func recordPoll(_ report: PollReport) throws {
        // One statement: atomic without a transaction around it.
        try writeCheckpointingAside { db in
            // A failure keeps the last success; a success keeps the last error (with its time),
            // so `status` can say both.
            try db.execute(sql: """
                INSERT INTO mailbox_poll (mailbox, last_attempt_at, last_success_at, last_failed, last_error, last_error_at,
                                          duration, unrecorded, interval)
                VALUES (:mailbox, :at, CASE WHEN :failed THEN NULL ELSE :at END, :failed, :error, CASE WHEN :failed THEN :at END,
                        :duration, :unrecorded, :interval)
                ON CONFLICT(mailbox) DO UPDATE SET
                  last_attempt_at = excluded.last_attempt_at,
                  last_success_at = COALESCE(excluded.last_success_at, last_success_at),
                  last_failed = excluded.last_failed,
                  last_error = COALESCE(excluded.last_error, last_error),
                  last_error_at = COALESCE(excluded.last_error_at, last_error_at),
                  duration = excluded.duration,
                  unrecorded = COALESCE(excluded.unrecorded, unrecorded),
                  interval = excluded.interval
                """, arguments: [
                    "mailbox": report.mailbox, "at": report.at, "failed": report.error != nil, "error": report.error,
                    "duration": report.duration, "unrecorded": report.unrecorded, "interval": report.interval,
                ])
        }
    }

    public func recordPollProgress(mailbox: String, at now: Date) throws {
        try writeCheckpointingAside { db in
            try db.execute(sql: "UPDATE mailbox_poll SET last_success_at = ? WHERE mailbox = ?", arguments: [now, mailbox])
        }
    }

    public func pollStates() throws -> [PollState] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mailbox_poll ORDER BY mailbox").map { row in
                PollState(
                    mailbox: row["mailbox"], lastAttemptAt: row["last_attempt_at"], lastSuccessAt: row["last_success_at"],
                    lastFailed: row["last_failed"], lastError: row["last_error"], lastErrorAt: row["last_error_at"],
                    duration: row["duration"], unrecorded: row["unrecorded"], interval: row["interval"])
            }
        }
    }

    public func health(at now: Date) throws -> StoreHealth {
        try writer.read { db in
            var health = StoreHealth()
            for row in try Row.fetchAll(db, sql: """
                SELECT mailbox, status, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox
                WHERE status IN ('pending', 'failed') GROUP BY mailbox, status
                """) {
                let mailbox: String = row["mailbox"]
                if row["status"] as String == "pending" {
                    health.outboxPending[mailbox] = row["n"]
                    health.oldestPendingAt[mailbox] = row["oldest"]
                } else {
                    health.outboxFailed[mailbox] = row["n"]
                }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT mailbox, COUNT(*) AS n FROM inbound_message WHERE outcome = 'quarantined' GROUP BY mailbox
                """) {
                health.keptAside[row["mailbox"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT mailbox, status, COUNT(*) AS n FROM ticket GROUP BY mailbox, status") {
                health.ticketsByStatus[row["mailbox"], default: [:]][row["status"]] = row["n"]
            }
            // A clock is stored as of the ticket's last change: a running one past its due time
            // is breaching now, whether or not the SLA pass has recorded the breach yet. Only
            // tickets still being worked count.
            for row in try Row.fetchAll(db, sql: """
                SELECT t.mailbox, COUNT(DISTINCT t.id) AS n FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id
                WHERE t.status NOT IN ('resolved', 'closed', 'cancelled')
                  AND (s.outcome = 'breached' OR (s.outcome = 'running' AND s.due_at <= ?))
                GROUP BY t.mailbox
                """, arguments: [now]) {
                health.breachingNow[row["mailbox"]] = row["n"]
            }
            return health
        }
    }

    public func checkWritable() throws {
        try writer.writeWithoutTransaction { db in
            // BEGIN IMMEDIATE takes the write lock (or waits the busy timeout). On a read-only
            // database SQLite quietly makes it a read transaction, so a statement that needs write
            // access (and changes nothing) has to prove it.
            try db.inTransaction(.immediate) {
                try db.execute(sql: "UPDATE mailbox_poll SET mailbox = mailbox WHERE 0")
                return .rollback
            }
        }
    }
}
