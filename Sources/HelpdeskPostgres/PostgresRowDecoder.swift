import Foundation
import PostgresNIO

/// Reads a `Decodable` record from a row, its properties from snake_case columns (`ticketId` from
/// `ticket_id`), as the SQLite store's records are mapped: one mapping rule for both backends.
/// Flat records only: a nested keyed or unkeyed value is refused with the column's name.
struct PostgresRowDecoder: Decoder {
    let row: PostgresRandomAccessRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from row: PostgresRandomAccessRow) throws -> T {
        try T(from: PostgresRowDecoder(row: row))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is not a list"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is not one value"))
    }

    /// camelCase → snake_case, as GRDB's `.convertToSnakeCase` does for these names.
    static func column(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase {
                result.append("_")
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }

    private struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: PostgresRandomAccessRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { row.contains(PostgresRowDecoder.column(key.stringValue)) }

        func decodeNil(forKey key: Key) throws -> Bool {
            let name = PostgresRowDecoder.column(key.stringValue)
            return !row.contains(name) || row[name].bytes == nil
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            // Date's and Data's own init(from:) read a number and a list: the cell decodes them.
            return try CellDecoder(cell: try self.cell(key), codingPath: [key]).decode(T.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "column \(key.stringValue) holds one value"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "column \(key.stringValue) holds one value"))
        }

        func superDecoder() throws -> any Decoder { throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "no super")) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder() }

        private func cell(_ key: Key) throws -> PostgresCell {
            let name = PostgresRowDecoder.column(key.stringValue)
            guard row.contains(name) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "no column \(name) in the row"))
            }
            return row[name]
        }
    }

    /// One column's value, for the property's own `init(from:)` (an enum reads its raw value).
    private struct CellDecoder: Decoder, SingleValueDecodingContainer {
        let cell: PostgresCell
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "column \(cell.columnName) holds one value"))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "column \(cell.columnName) holds one value"))
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { cell.bytes == nil }
        func decode(_ type: Bool.Type) throws -> Bool { try cell.decode(Bool.self) }
        func decode(_ type: String.Type) throws -> String { try cell.decode(String.self) }
        func decode(_ type: Double.Type) throws -> Double { try cell.decode(Double.self) }
        func decode(_ type: Float.Type) throws -> Float { try cell.decode(Float.self) }
        func decode(_ type: Int.Type) throws -> Int { try cell.decode(Int.self) }
        func decode(_ type: Int8.Type) throws -> Int8 { try narrow(cell.decode(Int64.self)) }
        func decode(_ type: Int16.Type) throws -> Int16 { try cell.decode(Int16.self) }
        func decode(_ type: Int32.Type) throws -> Int32 { try cell.decode(Int32.self) }
        func decode(_ type: Int64.Type) throws -> Int64 { try cell.decode(Int64.self) }
        func decode(_ type: UInt.Type) throws -> UInt { try narrow(cell.decode(Int64.self)) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow(cell.decode(Int64.self)) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow(cell.decode(Int64.self)) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try narrow(cell.decode(Int64.self)) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try narrow(cell.decode(Int64.self)) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if type == Date.self, let value = try cell.decode(Date.self) as? T { return value }
            if type == Data.self, let value = try cell.decode(Data.self) as? T { return value }
            return try T(from: self)
        }

        private func narrow<T: FixedWidthInteger>(_ value: Int64) throws -> T {
            guard let narrowed = T(exactly: value) else {
                throw DecodingError.dataCorruptedError(in: self, debugDescription: "column \(cell.columnName): \(value) does not fit \(T.self)")
            }
            return narrowed
        }
    }
}
