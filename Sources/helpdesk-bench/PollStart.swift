import Foundation
import HelpdeskStore

/// The database and data directory as they are before the first timed poll (created and
/// migrated, nothing recorded), kept aside so each later run starts from the same place.
struct PollStart {
    let database: String
    let data: String?
    private let copy: String

    init(database: String, data: String?) throws {
        self.database = database
        self.data = data
        copy = database + ".before-poll"
        // A consistent copy whatever the log holds (SQLite's online backup).
        _ = try HelpdeskDatabase(path: database).backup(to: copy, overwrite: true)
    }

    /// Puts the database back as it was and empties the data directory.
    func restore() throws {
        let files = FileManager.default
        for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: database + suffix) {
            try files.removeItem(atPath: database + suffix)
        }
        try files.copyItem(atPath: copy, toPath: database)
        if let data, files.fileExists(atPath: data) { try files.removeItem(atPath: data) }
    }
}
