import Foundation
import PostgresNIO

/// The columns of an `Encodable` record, snake_case as `PostgresRowDecoder` reads them, nil
/// properties as NULL: an UPDATE must be able to clear a column.
struct PostgresRowEncoder: Encoder {
    final class Collected {
        var columns: [(name: String, value: SQLValue)] = []
    }

    let collected = Collected()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func columns(of record: some Encodable) throws -> [(name: String, value: SQLValue)] {
        let encoder = PostgresRowEncoder()
        try record.encode(to: encoder)
        return encoder.collected.columns
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Columns(collected: collected))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a record is written as columns, not as a list") }
    func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("a record is written as columns, not as one value") }

    private struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let collected: Collected
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { collected.columns.append((PostgresRowDecoder.column(key.stringValue), nil)) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            let name = PostgresRowDecoder.column(key.stringValue)
            if let direct = value as? any PostgresThrowingDynamicTypeEncodable {
                collected.columns.append((name, direct))
                return
            }
            // An enum or another wrapper writes its one value through a single-value container.
            let single = CellEncoder(column: name)
            try value.encode(to: single)
            guard let captured = single.box.value else {
                throw EncodingError.invalidValue(value, .init(codingPath: [key], debugDescription: "column \(name) got no value"))
            }
            collected.columns.append((name, captured))
        }

        // The defaults skip nil: every optional is written, as NULL when it is nil.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try put(value.map(Int16.init), key) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try put(value, key) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try put(value.map(Int64.init), key) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try put(value.map(Int16.init), key) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try put(value.map(Int32.init), key) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try put(value.map(Int64.init), key) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try put(value.map(Int64.init), key) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try put(value, key) }

        private mutating func put<T: Encodable>(_ value: T?, _ key: Key) throws {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            fatalError("column \(key.stringValue) holds one value")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { fatalError("column \(key.stringValue) holds one value") }
        mutating func superEncoder() -> any Encoder { fatalError("no super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { fatalError("no super") }
    }

    private final class Box {
        var value: SQLValue = nil
    }

    private struct CellEncoder: Encoder, SingleValueEncodingContainer {
        let column: String
        let box = Box()
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { fatalError("column \(column) holds one value") }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("column \(column) holds one value") }
        func singleValueContainer() -> any SingleValueEncodingContainer { self }

        mutating func encodeNil() throws { box.value = nil }
        mutating func encode<T: Encodable>(_ value: T) throws {
            if let direct = value as? any PostgresThrowingDynamicTypeEncodable {
                box.value = direct
            } else {
                try value.encode(to: self)
            }
        }
    }
}
