import Foundation
public import Logging
import PostgresNIO

/// The PostgreSQL store, for several gateway instances sharing one database: the same
/// `TicketStore` promises as the SQLite one, checked by the same contract suite.
public final class PostgresStore: Sendable {
    let pool: PostgresConnectionPool

    /// The database as it can be shown: no password.
    public var displayURL: String { pool.settings.displayURL }

    /// Connects (lazily, up to `maxConnections` at once) and runs pending migrations.
    public init(settings: PostgresSettings, maxConnections: Int = 4, logger: Logger = Logger(label: "mailgate.postgres")) throws {
        pool = try PostgresConnectionPool(settings: settings, maxConnections: maxConnections, logger: logger)
        do {
            try migrate()
        } catch {
            pool.close()
            throw error
        }
    }

    /// Closes every connection; the store cannot be used afterwards.
    public func close() {
        pool.close()
    }

    /// The migrations this release knows, in order.
    public static var migrationNames: [String] { PostgresSchema.migrations.map(\.name) }

    /// The names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.withConnection { session in
            try session.rows("SELECT name FROM schema_migration ORDER BY applied_at, name").map { try $0["name"].decode(String.self) }
        }
    }

    private func migrate() throws {
        try pool.withConnection { session in
            // Nothing pending, nothing created: a role allowed only to read and write the tables
            // (no CREATE on the schema) starts once an admin's run has migrated.
            if try session.value("SELECT to_regclass('schema_migration') IS NOT NULL", as: Bool.self) == true {
                let applied = Set(try session.rows("SELECT name FROM schema_migration").map { try $0["name"].decode(String.self) })
                if PostgresSchema.migrations.allSatisfy({ applied.contains($0.name) }) { return }
            }
            try session.transaction {
                try session.execute("SELECT pg_advisory_xact_lock($1)", [PostgresSchema.migrationLock])
                try session.execute("""
                    CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """)
            }
            for (name, sql) in PostgresSchema.migrations {
                try session.transaction {
                    try session.execute("SELECT pg_advisory_xact_lock($1)", [PostgresSchema.migrationLock])
                    guard try session.value("SELECT 1 FROM schema_migration WHERE name = $1", [name], as: Int32.self) == nil else { return }
                    try session.executeScript(sql)
                    try session.execute("INSERT INTO schema_migration (name) VALUES ($1)", [name])
                }
            }
        }
    }
}

extension PostgresStore {
    /// Raw SQL for tests that prove the schema's own constraints.
    public func executeForTesting(_ sql: String) throws {
        try pool.withConnection { try $0.executeScript(sql) }
    }
}
