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
        statement.setUncheckedArguments(StatementArguments(pairs.map(\.1)))
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
