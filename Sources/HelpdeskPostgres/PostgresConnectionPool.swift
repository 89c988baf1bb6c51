import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A few open connections to one database, lent to one caller at a time. Synchronous, like the
/// store protocol it serves: a caller waits for a free connection (up to `waitLimit`), and a
/// connection that failed is closed instead of lent again.
final class PostgresConnectionPool: @unchecked Sendable {
    let settings: PostgresSettings
    private let maxConnections: Int
    private let waitLimit: TimeInterval
    private let logger: Logger
    private let tlsContext: NIOSSLContext?
    // Guards `idle`, `open` and `closed`; waiters sleep on it.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var closed = false
    private var nextID = 0

    init(settings: PostgresSettings, maxConnections: Int, waitLimit: TimeInterval = 30, logger: Logger) throws {
        self.settings = settings
        self.maxConnections = max(1, maxConnections)
        self.waitLimit = waitLimit
        self.logger = logger
        switch settings.tls {
        case .disable:
            tlsContext = nil
        case .verifyFull:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let caFile = settings.caFile {
                do {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
                } catch {
                    throw PostgresStoreError("cannot read the database CA file \(caFile) (sslrootcert): \(error)")
                }
            }
            tlsContext = try NIOSSLContext(configuration: tls)
        }
    }

    /// Lends a connection to `body`. A connection whose call failed for any reason but the
    /// server refusing a statement is closed, so the next caller gets a fresh one.
    func withConnection<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try take()
        let session = PostgresSession(connection: connection, settings: settings, logger: logger)
        // Healthy unless a statement failed on the wire or a transaction may be left open; an
        // error of the caller's own (a refused change) leaves a good connection good.
        defer { give(back: connection, healthy: !connection.isClosed && !session.state.broken) }
        return try body(session)
    }

    // A connection must be closed before it goes away (postgres-nio checks it).
    deinit { close() }

    /// Closes every connection; later calls fail.
    func close() {
        condition.lock()
        closed = true
        let connections = idle
        idle = []
        open -= connections.count
        condition.broadcast()
        condition.unlock()
        for connection in connections { try? connection.close().wait() }
    }

    private func take() throws -> PostgresConnection {
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: waitLimit)
        while !closed, idle.isEmpty, open >= maxConnections {
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw PostgresStoreError(
                    "no database connection came free within \(Int(waitLimit)) s (all \(maxConnections) in use); a statement may be stuck: see pg_stat_activity")
            }
        }
        guard !closed else {
            condition.unlock()
            throw PostgresStoreError("the PostgreSQL store was closed")
        }
        // A connection the server closed meanwhile (a restart) is dropped, not lent.
        while let connection = idle.popLast() {
            guard connection.isClosed else {
                condition.unlock()
                return connection
            }
            open -= 1
        }
        open += 1
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            return try connect(id: id)
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw PostgresStoreError.from(error, settings: settings)
        }
    }

    private func give(back connection: PostgresConnection, healthy: Bool) {
        condition.lock()
        if healthy, !closed {
            idle.append(connection)
        } else {
            open -= 1
        }
        condition.signal()
        condition.unlock()
        if !healthy || closed { try? connection.close().wait() }
    }

    private func connect(id: Int) throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database,
            tls: tlsContext.map { .require($0) } ?? .disable)
        configuration.options.connectTimeout = .seconds(10)
        let connection = try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: logger
        ).wait()
        // Times are kept as timestamptz; UTC makes what psql shows match the logs. An instance
        // frozen inside a transaction (its locks held) is cut off after two minutes, and a wait
        // for a lock gives up after one, so a hung instance never stalls the others for good.
        do {
            for setting in ["SET TIME ZONE 'UTC'", "SET idle_in_transaction_session_timeout = '120s'", "SET lock_timeout = '60s'"] {
                _ = try connection.query(PostgresQuery(unsafeSQL: setting), logger: logger).wait()
            }
        } catch {
            try? connection.close().wait()
            throw error
        }
        return connection
    }
}
