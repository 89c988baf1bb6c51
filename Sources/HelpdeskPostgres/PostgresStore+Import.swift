import Foundation
public import HelpdeskStore
import PostgresNIO

/// One table's rows in the SQLite database and, after the copy, in PostgreSQL.
public struct CopiedTable: Sendable, Equatable {
    public var table: String
    public var source: Int
    public var copied: Int
}

extension PostgresStore {
    /// Copies every table of `source` into this database, which must hold no tickets, messages or
    /// mail yet, in one transaction: all of it or nothing. Keeps every id, moves the id sequences
    /// past them, and checks each table's count. `progress` is told each table when done.
    public func copy(from source: HelpdeskDatabase, progress: (CopiedTable) -> Void = { _ in }) throws -> [CopiedTable] {
        try pool.withConnection { session in
            try session.transaction {
                for table in ["ticket", "inbound_message", "outbox"] {
                    let rows = try session.value("SELECT COUNT(*) FROM \(table)", as: Int64.self) ?? 0
                    guard rows == 0 else {
                        throw PostgresStoreError(
                            "the PostgreSQL database already holds \(rows) row(s) in \(table); copy into an empty database (createdb), so nothing is mixed or lost")
                    }
                }
                // Rows an instance may have written on start (its poll state, its leases) go.
                for table in HelpdeskDatabase.exportedTables.reversed() { try session.execute("DELETE FROM \(table)") }
                var result: [CopiedTable] = []
                for table in HelpdeskDatabase.exportedTables {
                    let types = try columnTypes(session, table)
                    let columns = try source.columns(of: table)
                    guard Set(columns) == Set(types.keys) else {
                        throw PostgresStoreError(
                            "table \(table) has columns [\(columns.sorted().joined(separator: ", "))] in SQLite but [\(types.keys.sorted().joined(separator: ", "))] in PostgreSQL; use the same release of helpdesk for both")
                    }
                    try source.exportRows(of: table, columns: columns, batchSize: 200) { rows in
                        try insert(session, table: table, columns: columns, types: types, rows: rows)
                    }
                    if types["id"] != nil {
                        try session.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table)")
                    }
                    let copied = CopiedTable(
                        table: table, source: try source.rowCount(of: table),
                        copied: Int(try session.value("SELECT COUNT(*) FROM \(table)", as: Int64.self) ?? 0))
                    guard copied.source == copied.copied else {
                        throw PostgresStoreError("table \(table): \(copied.source) row(s) in SQLite but \(copied.copied) copied; nothing was kept")
                    }
                    progress(copied)
                    result.append(copied)
                }
                return result
            }
        }
    }

    /// Column name → PostgreSQL type name (`timestamp with time zone`, `boolean` …).
    private func columnTypes(_ session: PostgresSession, _ table: String) throws -> [String: String] {
        let rows = try session.rows(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", [table])
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0["column_name"].decode(String.self), try $0["data_type"].decode(String.self)) })
    }

    private func insert(_ session: PostgresSession, table: String, columns: [String], types: [String: String], rows: [[StoredValue]]) throws {
        var binds: [SQLValue] = []
        var tuples: [String] = []
        // Identity columns take the copied ids as they are.
        for row in rows {
            var placeholders: [String] = []
            for (column, value) in zip(columns, row) {
                binds.append(try Self.converted(value, to: types[column] ?? "text", table: table, column: column))
                placeholders.append("$\(binds.count)")
            }
            tuples.append("(\(placeholders.joined(separator: ", ")))")
        }
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        try session.execute("INSERT INTO \(table) (\(names)) OVERRIDING SYSTEM VALUE VALUES \(tuples.joined(separator: ", "))", binds)
    }

    /// An SQLite value as the PostgreSQL column's type wants it.
    static func converted(_ value: StoredValue, to type: String, table: String, column: String) throws -> SQLValue {
        func refuse() -> PostgresStoreError {
            PostgresStoreError("table \(table), column \(column): SQLite holds \(value.kindName) where PostgreSQL wants \(type); the database may be damaged")
        }
        switch (value, type) {
        case (.null, _): return nil
        case (.integer(let number), "bigint"), (.integer(let number), "integer"): return number
        case (.integer(let number), "boolean"): return number != 0
        case (.integer(let number), "double precision"): return Double(number)
        case (.real(let number), "double precision"): return number
        case (.text(let text), "text"): return text
        case (.integer(let number), "text"): return String(number)
        case (.text(let text), "timestamp with time zone"):
            guard let date = SQLiteDateText.parse(text) else { throw refuse() }
            return date
        case (.blob(let bytes), "bytea"): return Data(bytes)
        case (.text(let text), "bytea"): return Data(text.utf8)
        case (.blob(let bytes), "text"):
            guard let text = String(validating: bytes, as: UTF8.self) else { throw refuse() }
            return text
        default: throw refuse()
        }
    }
}

extension StoredValue {
    fileprivate var kindName: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real number"
        case .text: "text"
        case .blob: "a blob"
        }
    }
}

/// The dates the SQLite store writes: `yyyy-MM-dd HH:mm:ss.SSS` in UTC (GRDB's form), with or
/// without seconds and fractions, and with a `T` from other writers.
enum SQLiteDateText {
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13), let minute = number(14..<16)
        else { return nil }
        var second = 0
        var fraction = 0.0
        if bytes.count > 16 {
            guard bytes[16] == UInt8(ascii: ":"), let value = number(17..<19) else { return nil }
            second = value
            if bytes.count > 19 {
                guard bytes[19] == UInt8(ascii: "."), bytes.count > 20, let digits = number(20..<bytes.count) else { return nil }
                fraction = Double(digits) / pow(10, Double(bytes.count - 20))
            }
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61,
              let whole = calendar.date(from: components) else { return nil }
        return whole.addingTimeInterval(fraction)
    }
}
