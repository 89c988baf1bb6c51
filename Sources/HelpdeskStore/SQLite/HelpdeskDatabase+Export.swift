import Foundation
import GRDB

/// A value as SQLite keeps it: what a copy to another backend reads.
public enum StoredValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension HelpdeskDatabase {
    /// The tables a copy to another backend takes, parents before children (foreign keys).
    /// Leases are left out: they belong to the instances running on the old database.
    public static let exportedTables = [
        "mailbox_cursor", "ticket", "comment", "inbound_message", "ticket_message", "participant", "attachment", "ticket_tag",
        "ticket_event", "assignment_pointer", "ticket_sla", "sla_notice", "outbox", "suppression", "mailbox_poll", "oauth_refresh_token",
        "contact", "approval",
    ]

    /// The columns of `table`, in schema order.
    public func columns(of table: String) throws -> [String] {
        try checkExported(table)
        return try writer.read { db in try db.columns(in: table).map(\.name) }
    }

    /// How many rows `table` has.
    public func rowCount(of table: String) throws -> Int {
        try checkExported(table)
        return try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    /// Every row of `table` (its `columns`, in that order), in insertion order, `batchSize` at a
    /// time, all from one snapshot of the database.
    public func exportRows(of table: String, columns: [String], batchSize: Int = 500, _ body: ([[StoredValue]]) throws -> Void) throws {
        try checkExported(table)
        let known = Set(try self.columns(of: table))
        if let unknown = columns.first(where: { !known.contains($0) }) {
            throw DatabaseError(message: "table \(table) has no column \(unknown)")
        }
        try writer.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \(table) ORDER BY rowid")
            var batch: [[StoredValue]] = []
            while let row = try cursor.next() {
                batch.append((0..<columns.count).map { Self.stored(row[$0] as DatabaseValue) })
                if batch.count == batchSize {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    private func checkExported(_ table: String) throws {
        guard Self.exportedTables.contains(table) else { throw DatabaseError(message: "\(table) is not a table a copy takes") }
    }

    private static func stored(_ value: DatabaseValue) -> StoredValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .blob([UInt8](data))
        }
    }
}
