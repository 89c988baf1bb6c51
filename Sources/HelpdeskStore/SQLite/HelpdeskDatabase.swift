public import Foundation
import GRDB
import HelpdeskCore

/// The SQLite store (GRDB), the embedded default: migrated on open, used only through the
/// `TicketStore` protocols. A transaction is a method body here, so what commits together is
/// visible in one place; the rules come in as plans from HelpdeskCore.
public struct HelpdeskDatabase: TicketStore {
    let writer: any DatabaseWriter
    /// A file database's: the poll's commits leave the WAL checkpoint to it.
    let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the database file in WAL mode and runs pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // For profiling (scripts/bench-poll.sh): every statement slower than N ms, to stderr.
        if let threshold = ProcessInfo.processInfo.environment["MAILGATE_SQL_PROFILE_MS"].flatMap(Double.init) {
            configuration.prepareDatabase { db in
                db.trace(options: .profile) { event in
                    if case .profile(let statement, let duration) = event, duration * 1000 >= threshold {
                        FileHandle.standardError.write(Data(String(format: "sql %.3f ms: %@\n", duration * 1000, statement.sql).utf8))
                    }
                }
            }
        }
        try self.init(writer: DatabasePool(path: path, configuration: configuration), checkpointer: WALCheckpointer(path: path))
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> HelpdeskDatabase {
        try HelpdeskDatabase(writer: DatabaseQueue())
    }

    init(writer: any DatabaseWriter, checkpointer: WALCheckpointer? = nil) throws {
        self.writer = writer
        self.checkpointer = checkpointer
        try Schema.migrator.migrate(writer)
    }
}

// MARK: Mailbox cursors

extension HelpdeskDatabase {
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

    public func recordedUIDs(mailbox: String, uidValidity: UInt32, among uids: [UInt32]) throws -> Set<UInt32> {
        guard !uids.isEmpty else { return [] }
        typealias Columns = InboundMessageRecord.Columns
        return try writer.read { db in
            let found = try Int64.fetchAll(
                db, InboundMessageRecord.select(Columns.uid)
                    .filter(Columns.mailbox == mailbox && Columns.uidValidity == Int64(uidValidity) && uids.map(Int64.init).contains(Columns.uid)))
            return Set(found.map { UInt32($0) })
        }
    }

    func advanceCursor(_ db: Database, _ identity: InboundIdentity) throws {
        guard let uid = identity.uid, let validity = identity.uidValidity else { return }
        try db.cachedStatement(sql: """
            INSERT INTO mailbox_cursor (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(mailbox) DO UPDATE SET
              last_uid = CASE WHEN uid_validity = excluded.uid_validity THEN MAX(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
              uid_validity = excluded.uid_validity, updated_at = excluded.updated_at
            """).execute(arguments: [identity.mailbox, Int64(validity), Int64(uid), identity.receivedAt.databaseText])
    }
}

extension HelpdeskDatabase {
    /// Raw SQL for tests that prove the schema's own constraints.
    public func executeForTesting(_ sql: String) throws {
        try writer.write { try $0.execute(sql: sql) }
    }
}
