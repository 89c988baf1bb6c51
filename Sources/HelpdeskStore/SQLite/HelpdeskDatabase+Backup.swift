import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `HelpdeskDatabase.backup(to:overwrite:)` wrote.
public struct DatabaseBackupSummary: Sendable, Equatable {
    /// The finished copy.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Tickets in the copy (read back from it, not from the live database).
    public var tickets: Int
}

/// Why a backup was not written.
public enum DatabaseBackupError: Error, CustomStringConvertible, Equatable {
    case destinationExists(String)
    case destinationFolderMissing(String)
    case copyDamaged(String, details: String)
    /// A file operation failed: what was being done and the system's reason.
    case fileSystem(String)

    public var description: String {
        switch self {
        case .destinationExists(let path):
            "\(path) already exists; choose another file name, or pass --force to replace it"
        case .destinationFolderMissing(let folder):
            "the folder \(folder) does not exist; create it first"
        case .copyDamaged(let path, let details):
            "the copy failed its integrity check and was not kept as \(path): \(details)"
        case .fileSystem(let text):
            text
        }
    }
}

extension HelpdeskDatabase {
    /// Copies the database to `path` with SQLite's online backup, while other connections and
    /// processes keep writing: the copy is one read snapshot (the state after some commit), so it
    /// holds every transaction committed before the backup started and none half. The copy is
    /// written to a temporary file beside `path`, checked, and only then moved into place, so a
    /// crash leaves either no file or a whole one. An existing `path` is replaced only with
    /// `overwrite`.
    public func backup(to path: String, overwrite: Bool = false) throws -> DatabaseBackupSummary {
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        let folder = destination.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw DatabaseBackupError.destinationFolderMissing(folder.path)
        }
        // Replacing the live file with --force would swap a database out from under the gateway.
        if destination.resolvingSymlinksInPath().path == URL(fileURLWithPath: writer.path).standardizedFileURL.resolvingSymlinksInPath().path {
            throw DatabaseBackupError.fileSystem("\(path) is the database itself; write the copy to another file")
        }
        // Checked first for a plain message; link(2) below checks again without a race.
        if !overwrite && FileManager.default.fileExists(atPath: destination.path) {
            throw DatabaseBackupError.destinationExists(path)
        }
        // Same folder, so the final rename is atomic (one file system). The leading dot keeps it
        // out of globs like *.sqlite.
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString.prefix(8))").path
        defer { Self.removeDatabaseFiles(at: temporary) }

        let copy = try DatabaseQueue(path: temporary)
        // Tickets are personal data: the copy is the owner's alone, whatever the umask, before
        // any page is written (SQLite gives its journal the same mode).
        guard chmod(temporary, 0o600) == 0 else { throw Self.posixError("cannot restrict \(temporary) to its owner") }
        try writer.backup(to: copy)
        let tickets = try copy.writeWithoutTransaction { db in
            // The live database is in WAL mode and the copy inherits it; one self-contained file
            // (no -wal/-shm beside it) is what a backup should be. The gateway turns WAL back on
            // when it opens a restored copy.
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard check == ["ok"] else {
                throw DatabaseBackupError.copyDamaged(path, details: check.prefix(5).joined(separator: "; "))
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket") ?? 0
        }
        try copy.close()
        try Self.syncFile(temporary)

        if overwrite {
            guard rename(temporary, destination.path) == 0 else { throw Self.posixError("cannot move the copy to \(path)") }
        } else {
            // link(2) fails with EEXIST instead of replacing a file that appeared meanwhile.
            // File systems without hard links get the check and a rename instead.
            if link(temporary, destination.path) != 0 {
                let failure = errno
                if failure == EEXIST || FileManager.default.fileExists(atPath: destination.path) {
                    throw DatabaseBackupError.destinationExists(path)
                }
                guard failure == EPERM || failure == EOPNOTSUPP else {
                    throw DatabaseBackupError.fileSystem("cannot move the copy to \(path): \(String(cString: strerror(failure)))")
                }
                guard rename(temporary, destination.path) == 0 else { throw Self.posixError("cannot move the copy to \(path)") }
            }
        }
        // The rename itself is durable only once the folder is synced.
        try? Self.syncFile(folder.path)
        let size = (try FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?.int64Value ?? 0
        return DatabaseBackupSummary(path: destination.path, bytes: size, tickets: tickets)
    }

    private static func removeDatabaseFiles(at path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    private static func syncFile(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw posixError("cannot open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw posixError("cannot sync \(path)") }
    }

    private static func posixError(_ what: String) -> DatabaseBackupError {
        .fileSystem("\(what): \(String(cString: strerror(errno)))")
    }
}
