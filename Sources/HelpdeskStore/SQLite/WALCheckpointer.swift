import Dispatch
import GRDB
import Synchronization

/// Copies a database file's write-ahead log back into the file on a thread and connection of its
/// own, so a batch's commit returns without waiting for it. SQLite's automatic checkpoint runs
/// inside the commit that takes the log past 1,000 pages, which at a backlog's size is every
/// batch's commit: a tenth of the recording thread's time (copying, then two fsyncs).
final class WALCheckpointer: Sendable {
    /// Rows written between two checkpoints: a backlog's rows take about three to a page, so
    /// about as often as SQLite's own (every 1,000 pages), not after every small batch.
    static let rowsPerCheckpoint = 3_000

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
        let total = rows.add(written, ordering: .acquiringAndReleasing).newValue
        guard total >= Self.rowsPerCheckpoint else { return }
        rows.subtract(total, ordering: .acquiringAndReleasing)
        request()
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
                var configuration = Configuration()
                configuration.busyMode = .timeout(10)
                let opened = try DatabaseQueue(path: path, configuration: configuration)
                connection = opened
                return opened
            }
            // PASSIVE: copies what no reader still needs and never blocks the writer; what it
            // leaves is copied by the next one (or by SQLite's own, on other writes).
            try database.writeWithoutTransaction { try $0.checkpoint(.passive) }
        } catch {
            // Nothing is lost: the log keeps every committed page until a checkpoint copies it.
        }
    }
}
