import Foundation
import Logging

/// Creating and dropping whole databases on a server: for tests (one database per store) and for
/// an admin preparing an empty database to copy into.
public enum PostgresAdmin {
    /// Creates the database `name` on the server `settings` reaches (through its database).
    public static func createDatabase(_ name: String, on settings: PostgresSettings) throws {
        try run("CREATE DATABASE \(try quoted(name))", on: settings)
    }

    /// Drops the database `name`, closing other sessions on it first.
    public static func dropDatabase(_ name: String, on settings: PostgresSettings) throws {
        try run("DROP DATABASE IF EXISTS \(try quoted(name)) WITH (FORCE)", on: settings)
    }

    private static func run(_ sql: String, on settings: PostgresSettings) throws {
        let pool = try PostgresConnectionPool(settings: settings, maxConnections: 1, logger: Logger(label: "mailgate.postgres.admin"))
        defer { pool.close() }
        // CREATE and DROP DATABASE cannot run inside a transaction block: a simple query outside one.
        try pool.withConnection { try $0.executeScript(sql) }
    }

    /// A database name as an SQL identifier; only plain names are taken.
    private static func quoted(_ name: String) throws -> String {
        guard !name.isEmpty, name.utf8.count < 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresStoreError("'\(name)' is not a database name this tool creates: use letters, digits and _ (at most 63)")
        }
        return "\"\(name)\""
    }
}
