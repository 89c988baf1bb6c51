public import Foundation
import GRDB
public import HelpdeskCore

// MARK: DeliveryStore

extension HelpdeskDatabase {
    /// Starts or extends a pause in the caller's transaction: a later bounce never shortens one.
    func keep(_ db: Database, _ suppression: Suppression) throws {
        try db.execute(sql: """
            INSERT INTO suppression (address, since, until, status, diagnostic, outbox_id, ticket_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(address) DO UPDATE SET
              since = excluded.since, until = MAX(until, excluded.until), status = excluded.status,
              diagnostic = excluded.diagnostic, outbox_id = excluded.outbox_id, ticket_id = excluded.ticket_id
            """, arguments: [suppression.address, suppression.since, suppression.until, suppression.status, suppression.diagnostic,
                             suppression.outboxId, suppression.ticketId])
    }

    public func suppressions(for addresses: [String], at now: Date) throws -> [Suppression] {
        guard !addresses.isEmpty else { return [] }
        return try writer.read { db in
            let wanted = addresses.map { $0.lowercased() }
            let marks = databaseQuestionMarks(count: wanted.count)
            return try Row.fetchAll(db, sql: "SELECT * FROM suppression WHERE until > ? AND address IN (\(marks)) ORDER BY address",
                                    arguments: StatementArguments([now] + wanted)).map(Self.suppression)
        }
    }

    public func suppressions(at now: Date) throws -> [Suppression] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM suppression WHERE until > ? ORDER BY since DESC, address", arguments: [now]).map(Self.suppression)
        }
    }

    public func removeSuppression(address: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM suppression WHERE address = ?", arguments: [address.lowercased()])
            return db.changesCount > 0
        }
    }

    public func automaticMailCounts(recipient: String, ticketId: Int64?, caps: LoopCaps, now: Date) throws -> AutomaticMailCounts {
        let automatic = MailEvent.allCases.filter(\.isCapped).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try writer.read { db in
            var counts = AutomaticMailCounts()
            // Automatic mail has one recipient, so equality finds it, along the partial indexes.
            for window in caps.perRecipient {
                counts.recipient[window] = try Int.fetchOne(db.cachedStatement(sql: """
                    SELECT COUNT(*) FROM outbox WHERE recipients = ? AND sent_at > ? AND event IN (\(automatic))
                    """), arguments: [recipient.lowercased(), now.addingTimeInterval(-window.seconds)]) ?? 0
            }
            if let ticketId {
                for window in caps.perTicket {
                    counts.ticket[window] = try Int.fetchOne(db.cachedStatement(sql: """
                        SELECT COUNT(*) FROM outbox WHERE ticket_id = ? AND sent_at > ? AND event IN (\(automatic))
                        """), arguments: [ticketId, now.addingTimeInterval(-window.seconds)]) ?? 0
                }
            }
            return counts
        }
    }

    public func withheldCount(recipient: String, since: Date) throws -> Int {
        try writer.read { db in
            // Along outbox_withheld_by_recipient (v11).
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE status = 'withheld' AND recipients = ? AND next_attempt_at > ?"),
                             arguments: [recipient.lowercased(), since]) ?? 0
        }
    }

    public func markWithheld(outboxId: Int64, owner: String, reason: String, events: [TicketEvent], at now: Date) throws -> Bool {
        try writer.write { db in
            // next_attempt_at records when it was held back: withheld rows are never due again.
            try db.execute(sql: """
                UPDATE outbox SET status = 'withheld', last_error = ?, next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL
                WHERE id = ? AND claimed_by = ?
                """, arguments: [reason, now, outboxId, owner])
            guard db.changesCount > 0 else { return false }
            for var event in events { try event.insert(db) }
            return true
        }
    }

    public func recordDeliveryNotes(ticketId: Int64, events: [TicketEvent], mail: [PlannedMail], at now: Date) throws {
        try writer.write { db in
            for var event in events { try event.insert(db) }
            for planned in mail { try enqueue(db, planned, ticketId: ticketId, at: now) }
        }
    }

    private static func suppression(_ row: Row) -> Suppression {
        Suppression(
            address: row["address"], since: row["since"], until: row["until"], status: row["status"], diagnostic: row["diagnostic"],
            outboxId: row["outbox_id"], ticketId: row["ticket_id"])
    }
}
