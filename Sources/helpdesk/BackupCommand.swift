import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore

/// `helpdesk backup FILE`: a consistent copy of the database while the gateway keeps running.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to FILE while the gateway runs (SQLite's online backup).",
        discussion: """
            The copy is one consistent snapshot: every change committed before the backup started, \
            none half. It is written beside FILE under a temporary name, checked with PRAGMA \
            integrity_check and then renamed, so an interrupted backup leaves no partial FILE. \
            The data directory (attachments, raw messages) is plain files: copy it after the \
            database with your usual tools.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Where to write the copy.")
    var file: String

    @Flag(help: "Replace FILE if it already exists.")
    var force = false

    func run() throws {
        guard case let .sqlite(path) = options.storeLocation else {
            throw CommandFailure(
                "`helpdesk backup` copies an SQLite database; back up PostgreSQL with its own tools (pg_dump, or the server's base backups and WAL archive), and the data directory beside it")
        }
        try options.requireDatabase()
        let database = try HelpdeskDatabase(path: path)
        let summary: DatabaseBackupSummary
        do {
            summary = try database.backup(to: file, overwrite: force)
        } catch let error as DatabaseBackupError {
            throw CommandFailure("\(error)")
        }
        print(Self.report(summary, database: options.databasePath, dataDirectory: options.dataPath))
    }

    static func report(_ summary: DatabaseBackupSummary, database: String, dataDirectory: String) -> String {
        """
        Backed up \(database) to \(summary.path): \(Self.size(summary.bytes)), \(summary.tickets) ticket\(summary.tickets == 1 ? "" : "s") \
        (one consistent snapshot; integrity check ok).

        Next, copy the data directory \(dataDirectory) (attachments, raw messages) with your usual file tools, \
        e.g. `rsync -a \(dataDirectory)/ BACKUP-FOLDER/data/`. Its files never change once the database refers \
        to them, they are only added (and old raw messages removed), so a copy taken after the database holds \
        every file that database refers to.

        To restore: stop the gateway (`systemctl stop mailgate`); delete \(database)-wal and \(database)-shm if \
        they exist; copy \(summary.path) over \(database); put the data directory back; start the gateway \
        (`systemctl start mailgate`).
        """
    }

    /// `1.5 MB (1468006 bytes)`: readable, and exact for comparing with `ls -l`.
    static func size(_ bytes: Int64) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        guard unit > 0 else { return "\(bytes) bytes" }
        return "\(String(format: "%.1f", value)) \(units[unit]) (\(bytes) bytes)"
    }
}
