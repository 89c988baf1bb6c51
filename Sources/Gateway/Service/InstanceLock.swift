import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one `helpdesk run` per database: an exclusive `flock` on `<database>.lock`, held for the
/// process's life. The kernel drops it when the process ends however it ends, so a crash never
/// leaves a stale lock; the file says who holds it, for the refusal and for `helpdesk reload`.
public final class InstanceLock: Sendable {
    /// Who holds the lock, as written in the lock file.
    public struct Holder: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var pid: Int32
        public var since: String

        public var description: String { "pid \(pid) on \(host) (since \(since))" }
    }

    /// Another process has the database.
    public struct Held: Error, CustomStringConvertible {
        public var database: String
        public var holder: Holder?

        public init(database: String, holder: Holder?) {
            self.database = database
            self.holder = holder
        }

        public var description: String {
            let who = holder.map { "\($0)" } ?? "another process"
            return "another `helpdesk run` is using \(database): \(who); stop it first, or give this one its own --database"
        }
    }

    /// The lock file cannot be opened.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public let path: String
    private let descriptor: Int32

    /// The lock file of the database at `databasePath`.
    public static func path(forDatabase databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the lock or throws `Held` naming the holder. Waits a moment at most: long enough
    /// for a `holder(ofDatabase:)` probe of another process to let go.
    public init(database databasePath: String) throws {
        path = Self.path(forDatabase: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Unavailable(description: "cannot open the lock file \(path): \(String(cString: strerror(errno))); check that its folder exists and is writable")
        }
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            attempts += 1
            guard attempts < 10 else {
                let holder = Self.readHolder(fd)
                close(fd)
                throw Held(database: databasePath, holder: holder)
            }
            usleep(25_000)
        }
        descriptor = fd
        let holder = "host=\(ProcessInfo.processInfo.hostName)\npid=\(getpid())\nsince=\(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = holder.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        // Closing the descriptor releases the lock; the file stays, so its inode (which the lock
        // is on) is the same for everyone.
        close(descriptor)
    }

    /// Who holds the database's lock now, or nil when nobody does (no `helpdesk run` on it).
    /// Throws when the lock file exists but cannot be read (another user's gateway).
    public static func holder(ofDatabase databasePath: String) throws -> Holder? {
        let path = path(forDatabase: databasePath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw Unavailable(description: "cannot read the lock file \(path): \(String(cString: strerror(errno))); run this as the gateway's user")
        }
        defer { close(fd) }
        // A shared lock we can take means no exclusive holder.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        // A holder that has just taken the lock may not have written its name yet, and until it
        // does the file names the one before: wait a moment for a name that is alive.
        var holder = readHolder(fd)
        for _ in 0..<20 where !(holder.map(isAlive) ?? false) {
            usleep(25_000)
            holder = readHolder(fd)
        }
        return holder
    }

    /// Whether the holder's process runs (checked only for this host, where the pid means
    /// something): a pid that is gone, or taken by a program other than helpdesk, is stale.
    public static func isAlive(_ holder: Holder) -> Bool {
        guard holder.host == ProcessInfo.processInfo.hostName else { return true }
        guard kill(holder.pid, 0) == 0 || errno == EPERM else { return false }
        guard let command = FileManager.default.contents(atPath: "/proc/\(holder.pid)/cmdline") else { return true }
        return String(decoding: command, as: UTF8.self).contains("helpdesk")
    }

    private static func readHolder(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0, let text = String(bytes: buffer[..<count], encoding: .utf8) else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let host = fields["host"], let pid = fields["pid"].flatMap({ Int32($0) }) else { return nil }
        return Holder(host: host, pid: pid, since: fields["since"] ?? "?")
    }
}
