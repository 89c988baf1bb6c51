import Foundation
import HelpdeskStore

/// The database and data directory as they are before the first timed poll (created and
/// migrated, nothing recorded), kept aside so each later run starts from the same place.
/// A run's files are moved aside, not deleted, until the last run is over: creating files is
/// slower for a while after many were deleted, which would handicap the runs that follow.
final class PollStart {
    let database: String
    let data: String
    private let copy: String
    private var aside: [String] = []

    init(database: String, data: String) throws {
        self.database = database
        self.data = data
        copy = database + ".before-poll"
        // A consistent copy whatever the log holds (SQLite's online backup), opened once as the
        // gateway opens its store, so it is in WAL mode like the original.
        _ = try HelpdeskDatabase(path: database).backup(to: copy, overwrite: true)
        _ = try HelpdeskDatabase(path: copy)
    }

    /// Puts the database back as it was and the data directory out of the way.
    func restore() throws {
        let files = FileManager.default
        let run = aside.count
        for path in [database, database + "-wal", database + "-shm", data] where files.fileExists(atPath: path) {
            try files.moveItem(atPath: path, toPath: "\(path).run\(run)")
            aside.append("\(path).run\(run)")
        }
        try files.copyItem(atPath: copy, toPath: database)
    }

    /// Deletes what the runs left aside, and the copy.
    func finish() {
        for path in aside + [copy] { try? FileManager.default.removeItem(atPath: path) }
        aside = []
    }
}
