import Dispatch
import Foundation
import GRDB
import Synchronization

/// Copies a database file's write-ahead log back into the file on a thread and connection of its
/// own, so that a poll's commits rarely wait for it. SQLite's automatic checkpoint runs inside
/// the commit that takes the log past 1,000 pages, which at a backlog's size is every batch's
/// commit: a tenth of the recording thread's time (copying, then two fsyncs).
final class WALCheckpointer: Sendable {
    /// Rows written between two checkpoints: a backlog's rows take about three to a page, so
    /// about as often as SQLite's own (every 1,000 pages), not after every small batch.
    static let rowsPerCheckpoint = 3_000
    /// SQLite's own checkpoint during the poll's writes: a backstop, far above what the
    /// checkpointer leaves. Only a checkpoint in a writer's own commit lets its next write start
    /// the log over (a checkpoint beside it copies, never rewinds), so without one the log would
    /// grow with the whole backlog; with it, it stays under about 40 MB plus a batch.
    static let backstopPages = 10_000
    /// SQLite's default, which the store keeps for every other write.
    static let automaticPages = 1_000

    private let path: String
    private let queue = DispatchQueue(label: "mailgate.wal-checkpoint")
    /// Opened on first use, and used only on `queue`.
    private let connection = Mutex<DatabaseQueue?>(nil)
    /// Rows written since the last checkpoint was asked for.
    private let rows = Atomic<Int>(0)
    /// True while a checkpoint is queued and not started: one started later copies the same.
    private let queued = Atomic<Bool>(false)
    private let runs = Atomic<Int>(0)

    init(path: String) {
        self.path = path
    }

    /// How many checkpoints ran, failed or not (for tests).
    var completed: Int { runs.load(ordering: .acquiring) }

    /// Rows counted towards the next checkpoint (for tests).
    var rowsSinceRequest: Int { rows.load(ordering: .acquiring) }

    /// Counts the rows a commit wrote; asks for a checkpoint once they add up to
    /// `rowsPerCheckpoint`. Returns at once.
    func committed(rows written: Int) {
        // Several mailboxes' poll threads may count at once: only the one whose sum crossed the
        // mark starts over from zero and asks.
        var current = rows.load(ordering: .relaxed)
        while true {
            let total = current + max(0, written)
            let next = total >= Self.rowsPerCheckpoint ? 0 : total
            let (exchanged, original) = rows.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged {
                if next == 0 { request() }
                return
            }
            current = original
        }
    }

    /// Asks for a checkpoint; returns at once.
    func request() {
        guard !queued.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in
            queued.store(false, ordering: .releasing)
            checkpoint()
            runs.add(1, ordering: .releasing)
        }
    }

    /// Returns once the checkpoints asked for so far are done.
    func wait() {
        queue.sync {}
    }

    private func checkpoint() {
        do {
            let database = try connection.withLock { connection in
                if let connection { return connection }
                // GRDB would create a database that was moved or deleted meanwhile.
                guard FileManager.default.fileExists(atPath: path) else { throw DatabaseError(message: "\(path) is gone") }
                var configuration = Configuration()
                configuration.busyMode = .timeout(10)
                let opened = try DatabaseQueue(path: path, configuration: configuration)
                connection = opened
                return opened
            }
            // PASSIVE: copies what no reader still needs and never blocks the writer; what it
            // leaves is copied by the next one, or by the backstop.
            try database.writeWithoutTransaction { _ = try $0.checkpoint(.passive) }
        } catch {
            // Nothing is lost: the log keeps every committed page until a checkpoint copies it,
            // and the backstop still runs in the writer's commits.
        }
    }
}
