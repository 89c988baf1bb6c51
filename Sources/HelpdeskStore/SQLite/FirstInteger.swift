import GRDB
import GRDBSQLite

extension Database {
    /// The first column of the first row a cached query finds, as an integer (nil: no row, or
    /// NULL). Stepped here rather than through GRDB's cursors, whose setting up cost more than
    /// the lookup itself for the few a recorded message makes (a third of each, in a backlog).
    /// For queries of this module with `?` arguments only.
    func firstInteger(_ sql: String, _ arguments: some ColumnValuesList) throws -> Int64? {
        let statement = try cachedStatement(sql: sql)
        // GRDB resets the statement and forgets any arguments of its own, as for `insertRow`.
        statement.setUncheckedArguments(StatementArguments())
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var sink = BindingSink(handle: handle)
        arguments.write(to: &sink)
        if let failure = sink.failure {
            throw DatabaseError(resultCode: ResultCode(rawValue: failure.code), message: "binding argument \(failure.column)", sql: sql)
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

/// The arguments of a `firstInteger` query, in order.
protocol ColumnValuesList {
    func write(to sink: inout some ColumnSink)
}

/// One text argument.
struct OneText: ColumnValuesList {
    let text: String

    func write(to sink: inout some ColumnSink) {
        sink.column("1", text)
    }
}

/// Two text arguments.
struct TextPair: ColumnValuesList {
    let first: String
    let second: String

    func write(to sink: inout some ColumnSink) {
        sink.column("1", first)
        sink.column("2", second)
    }
}

/// A mailbox and a UID: text, then two integers.
struct MailboxUID: ColumnValuesList {
    let mailbox: String
    let uidValidity: Int64
    let uid: Int64

    func write(to sink: inout some ColumnSink) {
        sink.column("1", mailbox)
        sink.column("2", uidValidity)
        sink.column("3", uid)
    }
}
