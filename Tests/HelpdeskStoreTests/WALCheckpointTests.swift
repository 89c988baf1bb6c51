import Foundation
import GRDB
import HelpdeskCore
@testable import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("A batch leaves the WAL checkpoint to a thread of its own")
struct WALCheckpointTests {
    typealias C = Contract

    /// A file database in a fresh directory, and what removes it.
    static func fileDatabase() throws -> (HelpdeskDatabase, path: String, cleanup: () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailgate-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("helpdesk.sqlite").path
        return (try HelpdeskDatabase(path: path), path, { try? FileManager.default.removeItem(at: directory) })
    }

    /// A file database holding one recorded message, its newest pages only in the log.
    static func oneMessageRecorded() throws -> (HelpdeskDatabase, path: String, cleanup: () -> Void) {
        let (database, path, cleanup) = try fileDatabase()
        let ids = TestMessageIDs()
        _ = try database.recordingBatch { recorder in
            try recorder.ingest(C.identity(1, messageID: "a@x.test"), content: C.content(), rules: C.support, messageIDs: ids)
        }
        return (database, path, cleanup)
    }

    /// The file's size once the whole log is copied into it.
    static func checkpointedSize(_ database: HelpdeskDatabase) throws -> Int {
        try database.writer.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
    }

    static func fileSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    static func automaticCheckpoint(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
    }

    @Test("a batch keeps SQLite's own checkpoint only as a backstop and counts its rows towards the checkpointer's next run")
    func batchLeavesTheCheckpointToTheCheckpointer() throws {
        let (database, _, cleanup) = try Self.fileDatabase()
        defer { cleanup() }
        let checkpointer = try #require(database.checkpointer)
        let ids = TestMessageIDs()
        let inside = try database.recordingBatch { recorder -> Int? in
            for uid in 1...20 as ClosedRange<UInt32> {
                _ = try recorder.ingest(C.identity(uid, messageID: "m\(uid)@x.test"), content: C.content(subject: "Printer \(uid)"),
                                        rules: C.support, messageIDs: ids)
            }
            return try Self.automaticCheckpoint(try #require(recorder as? SavepointRecorder).db)
        }
        #expect(inside == WALCheckpointer.backstopPages)
        // Each message writes its ticket, comment, record and mail, so more than one row each.
        #expect(checkpointer.rowsSinceRequest > 40)
        #expect(checkpointer.rowsSinceRequest < WALCheckpointer.rowsPerCheckpoint)
        #expect(try database.inboundMessages(mailbox: nil).count == 20)
    }

    @Test("rows add up to a checkpoint, which copies the whole log into the file")
    func rowsAddUpToACheckpoint() throws {
        let (database, path, cleanup) = try Self.oneMessageRecorded()
        defer { cleanup() }
        let checkpointer = try #require(database.checkpointer)
        let whole = try Self.checkpointedSize(database)
        func fileSize() throws -> Int { try Self.fileSize(path) }
        checkpointer.wait()
        let before = checkpointer.completed
        let counted = checkpointer.rowsSinceRequest
        checkpointer.committed(rows: WALCheckpointer.rowsPerCheckpoint - counted - 1)
        checkpointer.wait()
        #expect(checkpointer.completed == before)
        // Without a checkpoint since the migration, the newest pages are only in the log.
        #expect(try fileSize() < whole)
        checkpointer.committed(rows: 1)
        checkpointer.wait()
        #expect(checkpointer.completed == before + 1)
        #expect(checkpointer.rowsSinceRequest == 0)
        #expect(try fileSize() == whole)
    }

    @Test("the end of a poll copies the log into the file at once, however few rows it wrote")
    func theEndOfAPollCheckpoints() throws {
        let (database, path, cleanup) = try Self.oneMessageRecorded()
        defer { cleanup() }
        let checkpointer = try #require(database.checkpointer)
        checkpointer.wait()
        let before = checkpointer.completed
        #expect(checkpointer.rowsSinceRequest < WALCheckpointer.rowsPerCheckpoint)
        let whole = try Self.checkpointedSize(database)
        func fileSize() throws -> Int { try Self.fileSize(path) }
        #expect(try fileSize() < whole)
        (database as any InboundStore).pollRecorded()
        checkpointer.wait()
        #expect(checkpointer.completed == before + 1)
        #expect(try fileSize() == whole)
    }

    @Test("rows counted from several threads at once add up exactly: every crossing asks once and starts over from zero")
    func countingFromSeveralThreads() throws {
        let (database, _, cleanup) = try Self.fileDatabase()
        defer { cleanup() }
        let checkpointer = try #require(database.checkpointer)
        checkpointer.wait()
        let start = checkpointer.rowsSinceRequest
        let before = checkpointer.completed
        // Two crossings of the mark, counted a row at a time on every core.
        DispatchQueue.concurrentPerform(iterations: 2 * WALCheckpointer.rowsPerCheckpoint - start) { _ in checkpointer.committed(rows: 1) }
        #expect(checkpointer.rowsSinceRequest == 0)
        checkpointer.wait()
        #expect(checkpointer.completed > before)
    }

    @Test("other writes keep SQLite's own checkpoint, also after a batch that failed")
    func otherWritesKeepTheAutomaticCheckpoint() throws {
        let (database, _, cleanup) = try Self.fileDatabase()
        defer { cleanup() }
        let automatic = try database.writer.writeWithoutTransaction { try Self.automaticCheckpoint($0) }
        #expect(automatic == 1000)
        _ = try database.recordingBatch { _ in 0 }
        #expect(try database.writer.writeWithoutTransaction { try Self.automaticCheckpoint($0) } == automatic)
        struct Refused: Error {}
        #expect(throws: Refused.self) { try database.recordingBatch { _ -> Int in throw Refused() } }
        #expect(try database.writer.writeWithoutTransaction { try Self.automaticCheckpoint($0) } == automatic)
    }

    @Test("the poll's own notes (its progress between batches, its report) leave the checkpoint aside too")
    func pollNotesLeaveTheCheckpointAside() throws {
        let (database, _, cleanup) = try Self.fileDatabase()
        defer { cleanup() }
        let checkpointer = try #require(database.checkpointer)
        let counted = checkpointer.rowsSinceRequest
        try database.recordPoll(PollReport(mailbox: "support", at: C.t0, duration: 1, error: nil, unrecorded: 0, interval: 60))
        try database.recordPollProgress(mailbox: "support", at: C.at(30))
        #expect(checkpointer.rowsSinceRequest == counted + 2)
        #expect(try database.pollStates().first?.lastSuccessAt == C.at(30))
        #expect(try database.writer.writeWithoutTransaction { try Self.automaticCheckpoint($0) } == 1000)
    }

    @Test("a database in memory has no checkpointer and its batches work as before")
    func inMemoryHasNone() throws {
        let database = try HelpdeskDatabase.inMemory()
        #expect(database.checkpointer == nil)
        let ids = TestMessageIDs()
        let key = try database.recordingBatch { recorder in
            try recorder.ingest(C.identity(1, messageID: "a@x.test"), content: C.content(), rules: C.support, messageIDs: ids).ticket?.key
        }
        #expect(key == "SUPP-1")
    }
}
