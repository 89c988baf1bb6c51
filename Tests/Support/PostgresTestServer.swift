import Foundation
public import HelpdeskPostgres

/// One private PostgreSQL server per test process, started on first use by `scripts/postgres.sh`
/// on a free port, in a temporary directory; the script's watcher stops it when the process ends
/// (killed or not). Each test gets a database of its own (`makeDatabase`), dropped when done.
public final class PostgresTestServer: Sendable {
    public let port: Int
    /// Reaches the server's `mailgate` database, password included.
    public let settings: PostgresSettings
    public let passwordFile: String
    private let directory: TemporaryDirectory

    /// The process's server, started once.
    public static func shared() throws -> PostgresTestServer {
        try startOnce.get()
    }

    private static let startOnce: Result<PostgresTestServer, any Error> = Result { try PostgresTestServer(tls: nil) }

    /// A server of its own that offers TLS with `certificates`' `valid` certificate and takes
    /// TCP connections only over TLS; stopped when the value goes away.
    public static func withTLS(certificates directory: String) throws -> PostgresTestServer {
        try PostgresTestServer(tls: directory)
    }

    private let stopsWhenReleased: Bool

    deinit {
        if stopsWhenReleased { try? Self.script(["stop", "--dir", directory.url.path]) }
    }

    private init(tls: String?) throws {
        stopsWhenReleased = tls != nil
        directory = try TemporaryDirectory(prefix: "mailgate-pg")
        // Root runs the server as `postgres`, which must reach the directory.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.url.path)
        var attempt = 0
        var chosen = 0
        while true {
            attempt += 1
            chosen = try FreePorts.allocate(1)[0]
            do {
                try Self.script(["start", "--dir", directory.url.path, "--port", "\(chosen)", "--watch-pid", "\(getpid())"]
                                + (tls.map { ["--tls", $0] } ?? []))
                break
            } catch where attempt < 3 {
                FileHandle.standardError.write(Data("PostgresTestServer: start attempt \(attempt) failed, retrying on another port: \(error)\n".utf8))
            }
        }
        port = chosen
        passwordFile = directory.path("password")
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        settings = PostgresSettings(host: "127.0.0.1", port: chosen, user: "mailgate", database: "mailgate", password: password)
    }

    /// A fresh, empty database on this server, and what drops it.
    public func makeDatabase() throws -> (settings: PostgresSettings, drop: @Sendable () -> Void) {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try PostgresAdmin.createDatabase(name, on: settings)
        var database = settings
        database.database = name
        let admin = settings
        return (database, { try? PostgresAdmin.dropDatabase(name, on: admin) })
    }

    /// Stops the server now (the watcher would at exit): for tests of a database going away.
    public func stop() throws {
        try Self.script(["stop", "--dir", directory.url.path])
    }

    /// Starts it again on the same port and data after `stop`.
    public func restart() throws {
        try Self.script(["start", "--dir", directory.url.path, "--port", "\(port)", "--watch-pid", "\(getpid())"])
    }

    private static func script(_ arguments: [String]) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let child = try ChildProcess("/bin/bash", [root.appendingPathComponent("scripts/postgres.sh").path] + arguments)
        let status = try child.finish(seconds: 60)
        guard status == 0 else {
            throw PostgresTestServerError(description: "scripts/postgres.sh \(arguments.first ?? "") failed (\(status)): \(child.stderr)")
        }
    }
}

/// The test server could not be started or stopped.
public struct PostgresTestServerError: Error, CustomStringConvertible {
    public var description: String
}
