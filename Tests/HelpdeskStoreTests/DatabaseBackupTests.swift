import Foundation
import GRDB
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Synchronization
import Testing

/// `HelpdeskDatabase.backup(to:)`: SQLite's online backup of a database another connection keeps
/// writing, as `helpdesk backup` takes it beside a running gateway.
@Suite("Database backup", .timeLimit(.minutes(5)))
struct DatabaseBackupTests {
    let directory: TemporaryDirectory
    var path: String { directory.path("helpdesk.sqlite") }
    let support = MailboxRules(name: "support", keyPrefix: "SUPP")

    init() throws { directory = try TemporaryDirectory(prefix: "mailgate-backup") }

    /// Records one new ticket per call, as the gateway would for message `uid`.
    func ingest(_ database: HelpdeskDatabase, uid: UInt32) throws -> String? {
        let identity = InboundIdentity(mailbox: "support", uidValidity: 1, uid: uid, messageID: "load-\(uid)@example.test",
                                       sha256: "sha-\(uid)", size: 100, receivedAt: Date())
        let content = InboundContent(
            requesterAddress: "alice@example.test", requesterName: "Alice", subject: "Request \(uid)", body: String(repeating: "text ", count: 200),
            followUp: FollowUpCandidates(referencedMessageIDs: [], subjectKeys: []), autoReplySuppression: nil)
        return try database.ingest(identity, content: content, rules: support).ticket?.key
    }

    /// Integrity check result and ticket keys of a copy, read without changing it.
    func inspect(_ copy: String) throws -> (integrity: [String], keys: Set<String>, journalMode: String) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: copy, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
             Set(try String.fetchAll(db, sql: "SELECT key FROM ticket")),
             try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "")
        }
    }

    @Test func copyTakenWhileAnotherConnectionWritesHoldsEveryEarlierCommit() throws {
        let live = try HelpdeskDatabase(path: path)
        for uid in UInt32(1)...200 { _ = try ingest(live, uid: uid) }

        // A second connection pool on the same file writes from its own thread, as the gateway
        // (another process) does; `committed` lists the keys whose transaction has returned.
        let writer = try HelpdeskDatabase(path: path)
        let state = WriterState(committed: (1...200).map { "SUPP-\($0)" })
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { done.signal() }
            var uid: UInt32 = 201
            while !state.stop.load(ordering: .relaxed) {
                do {
                    if let key = try ingest(writer, uid: uid) { state.committed.withLock { $0.append(key) } }
                } catch {
                    state.failure.withLock { $0 = "\(error)" }
                    return
                }
                uid += 1
            }
        }

        var before: [Int] = []
        for round in 1...4 {
            let earlier = state.committed.withLock { Set($0) }
            before.append(earlier.count)
            let summary = try live.backup(to: directory.path("copy-\(round).sqlite"))
            let copy = try inspect(summary.path)
            #expect(copy.integrity == ["ok"])
            #expect(earlier.isSubset(of: copy.keys), "round \(round): \(earlier.subtracting(copy.keys).sorted().prefix(5)) missing")
            #expect(summary.tickets == copy.keys.count)
            #expect(copy.journalMode == "delete", "a backup is one file, no -wal beside it")
            #expect(summary.bytes == (try FileManager.default.attributesOfItem(atPath: summary.path)[.size] as? NSNumber)?.int64Value)
            Thread.sleep(forTimeInterval: 0.05)
        }
        state.stop.store(true, ordering: .relaxed)
        done.wait()
        #expect(state.failure.withLock { $0 } == nil)
        // The writer really ran during the backups, or this test proved nothing about them.
        #expect(state.committed.withLock { $0.count } > before[0])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func refusesToOverwriteUnlessForced() throws {
        let live = try HelpdeskDatabase(path: path)
        _ = try ingest(live, uid: 1)
        let target = directory.path("backup.sqlite")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: target))

        #expect(throws: DatabaseBackupError.destinationExists(target)) { try live.backup(to: target) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("precious".utf8), "left as it was")

        let summary = try live.backup(to: target, overwrite: true)
        #expect(summary.tickets == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600, "a copy of personal data is readable by its owner only")
        #expect(try inspect(target).keys == ["SUPP-1"])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(!names.contains { $0.contains("partial") }, "\(names)")
    }

    @Test func refusesTheDatabaseItselfAndAMissingFolder() throws {
        let live = try HelpdeskDatabase(path: path)
        _ = try ingest(live, uid: 1)
        #expect(throws: DatabaseBackupError.self) { try live.backup(to: path, overwrite: true) }
        #expect(try live.tickets().count == 1, "the live database is untouched")
        let missing = directory.path("no/such/folder/copy.sqlite")
        #expect(throws: DatabaseBackupError.destinationFolderMissing(directory.path("no/such/folder"))) { try live.backup(to: missing) }
    }
}

/// What the writer thread and the test share.
private final class WriterState: Sendable {
    let committed: Mutex<[String]>
    let stop = Atomic<Bool>(false)
    let failure = Mutex<String?>(nil)

    init(committed: [String]) { self.committed = Mutex(committed) }
}
