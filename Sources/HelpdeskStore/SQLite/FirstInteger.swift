import GRDB
import GRDBSQLite

extension Database {
    /// The first column of the first row a cached query finds, as an integer (nil: no row, or
    /// NULL). Stepped here rather than through GRDB's cursors, whose setting up cost more than
    /// the lookup itself for the few a recorded message makes (a third of each, in a backlog).
    /// For queries of this module with `?` arguments only.
    func firstInteger<each Argument: DatabaseValueConvertible>(_ sql: String, _ arguments: repeat each Argument) throws -> Int64? {
        let statement = try cachedStatement(sql: sql)
        // GRDB resets the statement and forgets any arguments of its own, as for `insertRow`.
        statement.setUncheckedArguments(StatementArguments())
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var sink = BindingSink(handle: handle)
        for argument in repeat each arguments { sink.column("argument \(sink.index)", argument) }
        if let failure = sink.failure {
            throw DatabaseError(resultCode: ResultCode(rawValue: failure.code), message: "binding \(failure.column)", sql: sql)
        }
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            return sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 0)
        case SQLITE_DONE:
            return nil
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql)
        }
    }
}
