import GRDB
import Synchronization

/// A row mapped by hand as (column, value) pairs: GRDB's persistence and `Database.insertRow`
/// both write it from this one list.
protocol ColumnValues: TableRecord {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] { get }
}

extension ColumnValues {
    func encodeColumnValues(to container: inout PersistenceContainer) {
        for (column, value) in columnValues { container[column] = value }
    }
}

extension Database {
    /// Inserts `row` through a cached statement (one prepare per table and conflict clause for
    /// the connection's life) and returns its rowid. With `orIgnore`, a row that breaks a
    /// uniqueness constraint is left out and the returned rowid means nothing.
    @discardableResult
    func insertRow<Record: ColumnValues>(_ row: Record, orIgnore: Bool = false) throws -> Int64 {
        let pairs = row.columnValues
        let statement = try cachedStatement(sql: InsertSQL.text(for: Record.self, orIgnore: orIgnore, columns: pairs.lazy.map(\.0)))
        // Each value binds itself, as GRDB would bind it: gathering them into StatementArguments
        // first (an array of DatabaseValue, copied into the statement) was a third of the time
        // the inserts of a backlog took. GRDB is told the statement has its arguments (none of
        // its own), so it resets it before running and never binds over these.
        statement.setUncheckedArguments(StatementArguments())
        let handle = statement.sqliteStatement
        for (offset, pair) in pairs.enumerated() {
            let code = (pair.1 ?? DatabaseValue.null).bind(to: handle, at: CInt(offset + 1))
            guard code == 0 else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding \(pair.0) of \(Record.databaseTableName)")
            }
        }
        try statement.execute()
        return lastInsertedRowID
    }
}

/// The INSERT text of each record type, built once: joining the column names for every row was
/// a twentieth of a backlog's recording time.
private enum InsertSQL {
    private static let texts = Mutex<[Key: String]>([:])

    private struct Key: Hashable {
        var type: ObjectIdentifier
        var orIgnore: Bool
    }

    static func text(for type: any ColumnValues.Type, orIgnore: Bool, columns: some Collection<String>) -> String {
        let key = Key(type: ObjectIdentifier(type), orIgnore: orIgnore)
        if let text = texts.withLock({ $0[key] }) { return text }
        let names = columns.map { "\"\($0)\"" }.joined(separator: ",")
        let marks = repeatElement("?", count: columns.count).joined(separator: ",")
        let text = "INSERT \(orIgnore ? "OR IGNORE " : "")INTO \"\(type.databaseTableName)\" (\(names)) VALUES (\(marks))"
        texts.withLock { $0[key] = text }
        return text
    }
}
