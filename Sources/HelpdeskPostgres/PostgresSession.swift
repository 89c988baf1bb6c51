import Foundation
import HelpdeskStore
import Logging
import PostgresNIO

/// A value for a statement's `$n`, or NULL.
typealias SQLValue = (any PostgresThrowingDynamicTypeEncodable)?

/// One connection taken from the pool, used by one thread for the length of a store call: plain
/// statements, and the transaction a store method is. Blocking: the store protocol is synchronous,
/// and the connection's I/O runs on NIO's event loop, never on the calling thread.
struct PostgresSession {
    let connection: PostgresConnection
    let settings: PostgresSettings
    let logger: Logger
    /// Set when the connection may be left mid-transaction or cut: the pool closes it then.
    let state = SessionState()

    final class SessionState: @unchecked Sendable {
        // Used by the one thread that holds the session.
        var broken = false
    }

    /// Runs `sql` with `binds` as `$1 …` and returns its rows.
    @discardableResult
    func rows(_ sql: String, _ binds: [SQLValue] = []) throws -> [PostgresRandomAccessRow] {
        try run(sql, binds).rows.map { $0.makeRandomAccess() }
    }

    /// Runs `sql` and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ binds: [SQLValue] = []) throws -> Int {
        try run(sql, binds).metadata.rows ?? 0
    }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    func value<T: PostgresDecodable>(_ sql: String, _ binds: [SQLValue] = [], as type: T.Type = T.self) throws -> T? {
        guard let row = try rows(sql, binds).first, row[0].bytes != nil else { return nil }
        return try row[0].decode(T.self)
    }

    /// Runs several statements one after the other: a migration step. The extended protocol
    /// takes one statement per query, so the script is split (`SQLScript`).
    func executeScript(_ sql: String) throws {
        for statement in SQLScript.statements(sql) { try execute(statement) }
    }

    private func run(_ sql: String, _ binds: [SQLValue]) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: binds.count)
        do {
            for value in binds {
                if let text = value as? String, text.containsNUL {
                    // PostgreSQL's text holds no NUL; U+FFFD marks where one was, the same way in
                    // every write and every lookup, so nothing is cut short and equal stays equal.
                    bindings.append(text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))
                } else if let value {
                    try bindings.append(value)
                } else {
                    bindings.appendNull()
                }
            }
            return try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait()
        } catch {
            let failure = PostgresStoreError.from(error, settings: settings)
            // A statement the server refused leaves the connection usable; anything else may not.
            if !failure.isServerError { state.broken = true }
            throw failure
        }
    }

    /// Runs `body` in a transaction (READ COMMITTED) that commits when it returns and rolls back
    /// when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        let result: T
        do {
            result = try body()
        } catch {
            // A connection whose ROLLBACK failed may still be in the transaction: never lent again.
            do {
                try execute("ROLLBACK")
            } catch {
                state.broken = true
            }
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            state.broken = true
            throw error
        }
        return result
    }

    /// Runs `body` in a savepoint inside the current transaction: when it throws, only its own
    /// work is undone.
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT one_message")
        let result: T
        do {
            result = try body()
        } catch {
            try execute("ROLLBACK TO SAVEPOINT one_message")
            try execute("RELEASE SAVEPOINT one_message")
            throw error
        }
        try execute("RELEASE SAVEPOINT one_message")
        return result
    }
}

extension PostgresSession {
    /// Every row of `sql`, each read as a `T` (`PostgresRowDecoder`).
    func fetchAll<T: Decodable>(_ type: T.Type, _ sql: String, _ binds: [SQLValue] = []) throws -> [T] {
        try rows(sql, binds).map { try decoded(T.self, $0) }
    }

    /// The first row of `sql` as a `T`, nil when there is none.
    func fetchOne<T: Decodable>(_ type: T.Type, _ sql: String, _ binds: [SQLValue] = []) throws -> T? {
        try rows(sql, binds).first.map { try decoded(T.self, $0) }
    }

    /// Inserts `record`'s columns into `table`; returns the new row's `id` when `returningID`.
    /// `onConflict`: an `ON CONFLICT …` clause (`DO NOTHING` for rows that may exist).
    /// Columns that are nil are left out, so they take their default (an identity its next value).
    @discardableResult
    func insert(_ record: some Encodable, into table: String, returningID: Bool = true, onConflict: String? = nil) throws -> Int64? {
        let columns = try PostgresRowEncoder.columns(of: record).filter { $0.value != nil }
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        var sql = "INSERT INTO \(table) (\(names)) VALUES (\(placeholders))"
        if let onConflict { sql += " ON CONFLICT \(onConflict)" }
        guard returningID else {
            try execute(sql, columns.map(\.value))
            return nil
        }
        return try value(sql + " RETURNING id", columns.map(\.value), as: Int64.self)
    }

    /// Writes every column of `record` but `id` to the row `id` of `table`.
    func update(_ record: some Encodable, in table: String, id: Int64) throws {
        let columns = try PostgresRowEncoder.columns(of: record).filter { $0.name != "id" }
        let assignments = columns.indices.map { "\"\(columns[$0].name)\" = $\($0 + 1)" }.joined(separator: ", ")
        try execute("UPDATE \(table) SET \(assignments) WHERE id = $\(columns.count + 1)", columns.map(\.value) + [id])
    }

    private func decoded<T: Decodable>(_ type: T.Type, _ row: PostgresRandomAccessRow) throws -> T {
        do {
            return try PostgresRowDecoder.decode(T.self, from: row)
        } catch let error as PostgresDecodingError {
            // Its own description hides everything; the column and types say what is wrong
            // without showing the value (which may be a customer's data).
            throw PostgresStoreError(
                "a stored \(T.self) could not be read: column \(error.columnName) is \(error.postgresType), not \(error.targetType) (\(error.code))")
        } catch {
            throw PostgresStoreError("a stored \(T.self) could not be read: \(error)")
        }
    }
}
