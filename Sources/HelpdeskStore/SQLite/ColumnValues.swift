import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// A row mapped by hand: `writeColumns` hands each column's name and value to a sink, in the
/// table's order. GRDB's persistence and `Database.insertRow` both write it from this one list.
protocol ColumnValues: TableRecord {
    func writeColumns(to sink: inout some ColumnSink)
}

/// Where `ColumnValues.writeColumns` puts each column. Generic over the value, so an INSERT
/// binds each one as it is: a list of boxed values (one allocation and copy each) was a fifth
/// of the cost of the inserts of a backlog.
protocol ColumnSink {
    mutating func column<Value: DatabaseValueConvertible>(_ name: String, _ value: Value?)
}

extension ColumnValues {
    func encodeColumnValues(to container: inout PersistenceContainer) {
        var sink = ContainerSink(container: container)
        writeColumns(to: &sink)
        container = sink.container
    }
}

/// Fills GRDB's persistence container (updates, saves).
private struct ContainerSink: ColumnSink {
    var container: PersistenceContainer

    mutating func column<Value: DatabaseValueConvertible>(_ name: String, _ value: Value?) {
        container[name] = value
    }
}

/// Binds each value to the next parameter of a prepared statement; keeps the first failure.
struct BindingSink: ColumnSink {
    let handle: SQLiteStatement
    var index: CInt = 1
    var failure: (code: CInt, column: String)?

    init(handle: SQLiteStatement) {
        self.handle = handle
    }

    mutating func column<Value: DatabaseValueConvertible>(_ name: String, _ value: Value?) {
        // Unwrapped here, so the value's own binding is called directly (GRDB's generic one
        // for optionals is not specialized across modules).
        let code: CInt
        if let text = value as? String {
            code = Self.bind(text, to: handle, at: index)
        } else if let value {
            code = value.bind(to: handle, at: index)
        } else {
            code = sqlite3_bind_null(handle, index)
        }
        if code != 0, failure == nil { failure = (code, name) }
        index += 1
    }
}

extension BindingSink {
    /// SQLite copies the text (`SQLITE_TRANSIENT`, which C headers spell as a cast of -1).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Binds text with its length. GRDB's own binding passes a C string: a copy of each short
    /// text, then a count of its bytes, a tenth of the inserts' cost in a backlog. The text ends
    /// at its first NUL, as there: every other write and every lookup binds through GRDB, so a
    /// Message-ID with a NUL must be stored as they will look for it.
    static func bind(_ text: String, to handle: SQLiteStatement, at index: CInt) -> CInt {
        var text = text
        return text.withUTF8 { bytes in
            // A null pointer would bind NULL, not the empty text.
            guard let start = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, transient) }
            let length = memchr(start, 0, bytes.count).map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? bytes.count
            return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { sqlite3_bind_text(handle, index, $0, CInt(length), transient) }
        }
    }
}

/// Collects the column names, for the INSERT text.
private struct NameSink: ColumnSink {
    var names: [String] = []

    mutating func column<Value: DatabaseValueConvertible>(_ name: String, _ value: Value?) {
        names.append(name)
    }
}

extension Database {
    /// Inserts `row` through a cached statement (one prepare per table and conflict clause for
    /// the connection's life) and returns its rowid. With `orIgnore`, a row that breaks a
    /// uniqueness constraint is left out and the returned rowid means nothing.
    @discardableResult
    func insertRow<Record: ColumnValues>(_ row: Record, orIgnore: Bool = false) throws -> Int64 {
        let statement = try cachedStatement(sql: InsertSQL.text(for: row, orIgnore: orIgnore))
        // Each value binds itself, as GRDB would bind it. GRDB is told the statement has its
        // arguments (none of its own), so it resets it before running and never binds over these.
        statement.setUncheckedArguments(StatementArguments())
        var sink = BindingSink(handle: statement.sqliteStatement)
        row.writeColumns(to: &sink)
        if let failure = sink.failure {
            throw DatabaseError(resultCode: ResultCode(rawValue: failure.code), message: "binding \(failure.column) of \(Record.databaseTableName)")
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

    static func text<Record: ColumnValues>(for row: Record, orIgnore: Bool) -> String {
        let key = Key(type: ObjectIdentifier(Record.self), orIgnore: orIgnore)
        if let text = texts.withLock({ $0[key] }) { return text }
        var sink = NameSink()
        row.writeColumns(to: &sink)
        let names = sink.names.map { "\"\($0)\"" }.joined(separator: ",")
        let marks = repeatElement("?", count: sink.names.count).joined(separator: ",")
        let text = "INSERT \(orIgnore ? "OR IGNORE " : "")INTO \"\(Record.databaseTableName)\" (\(names)) VALUES (\(marks))"
        texts.withLock { $0[key] = text }
        return text
    }
}
