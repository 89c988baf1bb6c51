import GRDB
import HelpdeskCore

extension HelpdeskDatabase {
    /// One write transaction for the whole batch; each message is isolated by a savepoint of
    /// its own or, in a group, by the group's (see `SavepointRecorder.recordingGroup`).
    public func recordingBatch<T>(_ body: (any InboundRecorder) throws -> T) throws -> T {
        try writeCheckpointingAside { db in
            // Each savepoint's statement journal is spilled to a temporary file past 64 KiB:
            // 96,000 of a 1,000-message backlog's 127,000 writes went there. In memory it is a
            // few hundred KB per message; only for the batch, so other work (a migration's index
            // build) still sorts on disk. SQLite refuses the change inside a transaction.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(SavepointRecorder(store: self, db: db))
                return .commit
            }
            guard let result else { throw DatabaseError(message: "a batch committed without a result") }
            return result
        }
    }

    /// Asks the checkpointer to copy the poll's last pages of the log into the file now, while
    /// the poll sends its last flags and writes its report: closing the store at exit did it
    /// otherwise, a tail of 10 to 20 ms after a backlog.
    public func pollRecorded() {
        checkpointer?.request()
    }

    /// A write whose commit leaves the WAL checkpoint to the checkpointer: SQLite's automatic
    /// one is only a backstop while `body` runs, and the rows it wrote count towards the
    /// checkpointer's next run. For the poll's own writes, so that neither its batches nor the
    /// progress it notes between them wait for a checkpoint. Without a checkpointer (in memory),
    /// a plain write.
    func writeCheckpointingAside<T>(_ body: (Database) throws -> T) throws -> T {
        guard let checkpointer else { return try writer.writeWithoutTransaction(body) }
        let (result, rows) = try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
            defer { try? db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.automaticPages)") }
            let before = db.totalChangesCount
            let result = try body(db)
            return (result, db.totalChangesCount - before)
        }
        checkpointer.committed(rows: rows)
        return result
    }
}

/// Records each message in a savepoint of the batch's transaction, or a group of them in one:
/// a message that fails is rolled back alone either way. Valid only inside `recordingBatch`'s
/// body, on its thread.
struct SavepointRecorder: InboundRecorder {
    let store: HelpdeskDatabase
    let db: Database
    /// False inside a group's first pass, which has one savepoint for the whole group.
    var isolatesEachMessage = true

    /// A savepoint per message copies every page the message changes into the statement journal
    /// (a tenth of recording). A group first runs under one savepoint; only when a message of it
    /// failed is the group rolled back and recorded again a savepoint per message. A failure
    /// stops the poll at that message, so this costs one more pass over one group, rarely.
    func recordingGroup<T>(_ body: (any InboundRecorder) throws -> T, failed: (T) -> Bool) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT batch").execute()
        do {
            var plain = self
            plain.isolatesEachMessage = false
            var result = try body(plain)
            // After an error that ended the whole transaction there is nothing to undo or run
            // again: the commit fails, and nothing of the transaction is kept.
            guard db.isInsideTransaction else { return result }
            if failed(result) {
                try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT batch").execute()
                result = try body(self)
                guard db.isInsideTransaction else { return result }
            }
            try db.cachedStatement(sql: "RELEASE SAVEPOINT batch").execute()
            return result
        } catch {
            if db.isInsideTransaction {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT batch").execute()
                try? db.cachedStatement(sql: "RELEASE SAVEPOINT batch").execute()
            }
            throw error
        }
    }

    func record(
        _ identity: InboundIdentity, _ content: InboundContent, lookup: InboundLookup, decide: (InboundSnapshot) throws -> InboundPlan
    ) throws -> IngestResult {
        try inSavepoint { try store.record(in: db, identity, content, lookup: lookup, decide: decide) }
    }

    func recordQuarantine(
        _ identity: InboundIdentity, sender: String, reason: String, rawKept: Bool, notice: () -> PlannedMail?
    ) throws -> IngestResult {
        try inSavepoint { try store.recordQuarantine(in: db, identity, sender: sender, reason: reason, rawKept: rawKept, notice: notice) }
    }

    func recordBounce(
        _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, rawKept: Bool, decide: (BouncedMail?) -> BouncePlan
    ) throws -> IngestResult {
        try inSavepoint { try store.recordBounce(in: db, identity, sender: sender, match: match, summary: summary, rawKept: rawKept, decide: decide) }
    }

    /// A savepoint inside the batch's open transaction, as GRDB's `inSavepoint` makes one, with
    /// its statements compiled once per connection instead of once per message (3% of recording).
    private func inSavepoint(_ work: () throws -> IngestResult) throws -> IngestResult {
        guard isolatesEachMessage else { return try work() }
        try db.cachedStatement(sql: "SAVEPOINT message").execute()
        do {
            let result = try work()
            // Inside: a release that fails undoes the message like any other failure.
            try db.cachedStatement(sql: "RELEASE SAVEPOINT message").execute()
            return result
        } catch {
            // After an error that ended the whole transaction there is no savepoint left to undo;
            // the batch's commit then fails, and nothing of it is kept.
            if db.isInsideTransaction {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT message").execute()
                try? db.cachedStatement(sql: "RELEASE SAVEPOINT message").execute()
            }
            throw error
        }
    }
}
