public import Foundation
import GRDB
public import HelpdeskCore

/// The gateway's SQLite database: migrated on open, used only through intent-named methods.
/// A transaction is a method body here, so what commits together is visible in one place.
public struct HelpdeskDatabase: Sendable {
    let writer: any DatabaseWriter
    /// SLA policy by mailbox name: every change to a ticket of these mailboxes recomputes its
    /// clocks in the same transaction. Mailboxes not named here have no SLA.
    public var slaPolicies: [String: SLAPolicy] = [:]

    /// Opens (creating if needed) the database file in WAL mode and runs pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        try self.init(writer: DatabasePool(path: path, configuration: configuration))
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> HelpdeskDatabase {
        try HelpdeskDatabase(writer: DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Schema.migrator.migrate(writer)
    }

    // MARK: Mailbox cursors

    public func cursor(mailbox: String) throws -> MailboxCursor? {
        try writer.read { try MailboxCursor.fetchOne($0, key: mailbox) }
    }

    /// Starts a mailbox over after its UIDVALIDITY changed: every message is read again, and the
    /// Message-ID check keeps what was recorded before from being recorded twice.
    public func resetCursor(mailbox: String, uidValidity: UInt32, at now: Date) throws {
        try writer.write { db in
            try MailboxCursor(mailbox: mailbox, uidValidity: Int64(uidValidity), lastUid: 0, updatedAt: now).save(db)
        }
    }

    /// UIDs recorded for a mailbox under this UIDVALIDITY, among `uids`.
    public func recordedUIDs(mailbox: String, uidValidity: UInt32, among uids: [UInt32]) throws -> Set<UInt32> {
        guard !uids.isEmpty else { return [] }
        return try writer.read { db in
            let found = try Int64.fetchAll(
                db, InboundMessageRecord.select(Column("uid"))
                    .filter(Column("mailbox") == mailbox && Column("uid_validity") == Int64(uidValidity) && uids.map(Int64.init).contains(Column("uid"))))
            return Set(found.map { UInt32($0) })
        }
    }

    // MARK: Tickets

    public func tickets(status: TicketStatus? = nil, mailbox: String? = nil) throws -> [TicketRecord] {
        try writer.read { db in
            var request = TicketRecord.all()
            if let status { request = request.filter(Column("status") == status.rawValue) }
            if let mailbox { request = request.filter(Column("mailbox") == mailbox) }
            return try request.order(Column("mailbox"), Column("number")).fetchAll(db)
        }
    }

    public func ticket(key: String) throws -> TicketRecord? {
        try writer.read { try TicketRecord.filter(Column("key") == key.uppercased()).fetchOne($0) }
    }

    public func comments(ticketId: Int64) throws -> [CommentRecord] {
        try writer.read { try CommentRecord.filter(Column("ticket_id") == ticketId).order(Column("id")).fetchAll($0) }
    }

    public func inboundMessages(mailbox: String? = nil) throws -> [InboundMessageRecord] {
        try writer.read { db in
            var request = InboundMessageRecord.all()
            if let mailbox { request = request.filter(Column("mailbox") == mailbox) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    // MARK: Outbox

    /// Pending messages whose next attempt is due, oldest first.
    public func dueOutbox(now: Date, limit: Int = 100) throws -> [OutboxRecord] {
        try writer.read { db in
            try OutboxRecord.filter(Column("status") == OutboxStatus.pending.rawValue && Column("next_attempt_at") <= now)
                .order(Column("next_attempt_at"), Column("id")).limit(limit).fetchAll(db)
        }
    }

    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxRecord] {
        try writer.read { db in
            var request = OutboxRecord.all()
            if let status { request = request.filter(Column("status") == status.rawValue) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func markSent(outboxId: Int64, at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                arguments: [now, outboxId])
        }
    }

    /// Records a failed attempt: retried at `retryAt`, or given up on when it is nil.
    public func markAttemptFailed(outboxId: Int64, error: String, retryAt: Date?) throws {
        try writer.write { db in
            if let retryAt {
                try db.execute(
                    sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                    arguments: [error, retryAt, outboxId])
            } else {
                try db.execute(
                    sql: "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                    arguments: [error, outboxId])
            }
        }
    }
}

extension HelpdeskDatabase {
    /// Raw SQL for tests that prove the schema's own constraints.
    public func executeForTesting(_ sql: String) throws {
        try writer.write { try $0.execute(sql: sql) }
    }
}
