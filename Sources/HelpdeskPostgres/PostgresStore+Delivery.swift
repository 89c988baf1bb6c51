public import Foundation
public import HelpdeskCore
public import HelpdeskStore
import PostgresNIO

// MARK: DeliveryStore

extension PostgresStore: DeliveryStore {
    /// Starts or extends a pause in the caller's transaction: a later bounce never shortens one.
    func keep(_ session: PostgresSession, _ suppression: Suppression) throws {
        try session.execute("""
            INSERT INTO suppression (address, since, until, status, diagnostic, outbox_id, ticket_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (address) DO UPDATE SET
              since = excluded.since, until = GREATEST(suppression.until, excluded.until), status = excluded.status,
              diagnostic = excluded.diagnostic, outbox_id = excluded.outbox_id, ticket_id = excluded.ticket_id
            """, [suppression.address, suppression.since, suppression.until, suppression.status, suppression.diagnostic,
                  suppression.outboxId, suppression.ticketId])
    }

    // Addresses are ordered byte by byte (COLLATE "C"), as SQLite orders text, whatever the
    // database's collation.

    public func suppressions(for addresses: [String], at now: Date) throws -> [Suppression] {
        guard !addresses.isEmpty else { return [] }
        return try pool.withConnection { session in
            try session.rows("SELECT * FROM suppression WHERE until > $1 AND address = ANY($2) ORDER BY address COLLATE \"C\"",
                             [now, addresses.map { $0.lowercased() }]).map(Self.suppression)
        }
    }

    public func suppressions(at now: Date) throws -> [Suppression] {
        try pool.withConnection { session in
            try session.rows("SELECT * FROM suppression WHERE until > $1 ORDER BY since DESC, address COLLATE \"C\"", [now]).map(Self.suppression)
        }
    }

    public func removeSuppression(address: String) throws -> Bool {
        try pool.withConnection { session in
            try session.execute("DELETE FROM suppression WHERE address = $1", [address.lowercased()]) > 0
        }
    }

    public func automaticMailCounts(recipient: String, ticketId: Int64?, caps: LoopCaps, now: Date) throws -> AutomaticMailCounts {
        // Literal values, as the partial indexes name them, so the planner can use those indexes.
        let automatic = MailEvent.allCases.filter(\.isCapped).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try pool.withConnection { session in
            // Every window of one kind in one statement: one round trip instead of one per window.
            func windowCounts(_ column: String, _ value: SQLValue, _ windows: [CapWindow]) throws -> [CapWindow: Int] {
                guard !windows.isEmpty else { return [:] }
                let starts = windows.map { now.addingTimeInterval(-$0.seconds) }
                let columns = starts.indices.map { "COUNT(*) FILTER (WHERE sent_at > $\($0 + 3))" }.joined(separator: ", ")
                // Automatic mail has one recipient, so equality finds it, along the partial indexes.
                let sql = "SELECT \(columns) FROM outbox WHERE \(column) = $1 AND sent_at > $2 AND event IN (\(automatic))"
                let binds: [SQLValue] = [value, starts.min()] + starts.map { $0 }
                guard let row = try session.rows(sql, binds).first else { return [:] }
                var result: [CapWindow: Int] = [:]
                for (index, window) in windows.enumerated() { result[window] = try row[index].decode(Int.self) }
                return result
            }
            var counts = AutomaticMailCounts()
            counts.recipient = try windowCounts("recipients", recipient.lowercased(), caps.perRecipient)
            if let ticketId { counts.ticket = try windowCounts("ticket_id", ticketId, caps.perTicket) }
            return counts
        }
    }

    public func withheldCount(recipient: String, since: Date) throws -> Int {
        try pool.withConnection { session in
            // Along outbox_withheld_by_recipient.
            try session.value("SELECT COUNT(*) FROM outbox WHERE status = 'withheld' AND recipients = $1 AND next_attempt_at > $2",
                              [recipient.lowercased(), since], as: Int.self) ?? 0
        }
    }

    public func markWithheld(outboxId: Int64, owner: String, reason: String, events: [TicketEvent], at now: Date) throws -> Bool {
        try pool.withConnection { session in
            try session.transaction {
                // next_attempt_at records when it was held back: withheld rows are never due again.
                let changed = try session.execute("""
                    UPDATE outbox SET status = 'withheld', last_error = $1, next_attempt_at = $2, claimed_by = NULL, claim_expires_at = NULL
                    WHERE id = $3 AND claimed_by = $4
                    """, [reason, now, outboxId, owner])
                guard changed > 0 else { return false }
                for event in events { try session.insert(event, into: "ticket_event", returningID: false) }
                return true
            }
        }
    }

    public func recordDeliveryNotes(ticketId: Int64, events: [TicketEvent], mail: [PlannedMail], at now: Date) throws {
        try pool.withConnection { session in
            try session.transaction {
                for event in events { try session.insert(event, into: "ticket_event", returningID: false) }
                for planned in mail { try enqueue(session, planned, ticketId: ticketId, at: now) }
            }
        }
    }

    private static func suppression(_ row: PostgresRandomAccessRow) throws -> Suppression {
        Suppression(
            address: try row["address"].decode(String.self), since: try row["since"].decode(Date.self), until: try row["until"].decode(Date.self),
            status: try row["status"].decode(String?.self), diagnostic: try row["diagnostic"].decode(String?.self),
            outboxId: try row["outbox_id"].decode(Int64?.self), ticketId: try row["ticket_id"].decode(Int64?.self))
    }
}
