/// The MAPI properties of a TNEF attMsgProps or attAttachment attribute ([MS-OXTNEF] section
/// 2.1.3.4): a count, then tag, optional name, and value(s) per property. Only the properties the
/// reader uses are kept; named properties (ids from 0x8000) are skipped.
struct TNEFProperties {
    /// A property value as far as the reader needs it.
    enum Value {
        case integer(UInt32)
        case binary(ArraySlice<UInt8>)
        /// 8-bit text in the stream's code page, possibly NUL-terminated.
        case string8(ArraySlice<UInt8>)
        /// UTF-16LE text, possibly NUL-terminated.
        case unicode(ArraySlice<UInt8>)
        /// PT_OBJECT: the interface id (16 bytes) and the data after it.
        case object(iid: ArraySlice<UInt8>, data: ArraySlice<UInt8>)
        case other
    }

    // Property ids ([MS-OXPROPS]).
    static let body: UInt16 = 0x1000
    static let bodyHTML: UInt16 = 0x1013
    static let displayName: UInt16 = 0x3001
    static let attachData: UInt16 = 0x3701
    static let attachFilename: UInt16 = 0x3704
    static let attachLongFilename: UInt16 = 0x3707
    static let attachMIMETag: UInt16 = 0x370E
    static let attachContentID: UInt16 = 0x3712
    static let internetCodepage: UInt16 = 0x3FDE

    /// {00020307-0000-0000-C000-000000000046}, as stored: the interface of an embedded message.
    static let messageInterface: [UInt8] = [
        0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
    ]

    private(set) var values: [UInt16: Value] = [:]

    subscript(_ id: UInt16) -> Value? { values[id] }

    /// No properties (an attachment without an attAttachment attribute).
    init() {}

    /// Reads the property list in `data`; `origin` is where `data` starts in the stream (for offsets).
    init(reading data: ArraySlice<UInt8>, origin: Int) throws(TNEFDamage) {
        var cursor = LittleEndianCursor(data)
        func offset() -> Int { cursor.offset - data.startIndex + origin }
        // Every property takes at least four bytes (its tag), so a larger count is a lie.
        let listStart = offset()
        guard let count = cursor.length(), count <= cursor.remaining / 4 else { throw .unreadableProperties(offset: listStart) }
        for _ in 0..<count {
            let start = offset()
            guard let type = cursor.uint16(), let id = cursor.uint16() else { throw .truncated(offset: start) }
            if id >= 0x8000 {
                // A named property: GUID, kind, then a number or a UTF-16 name padded to four bytes.
                guard cursor.skip(16), let kind = cursor.uint32() else { throw .truncated(offset: start) }
                if kind == 0 {
                    guard cursor.skip(4) else { throw .truncated(offset: start) }
                } else {
                    guard let length = cursor.length(), cursor.skip(Self.padded(length)) else { throw .truncated(offset: start) }
                }
            }
            let base = type & 0x0FFF
            let isMultiValued = type & 0x1000 != 0
            if let width = Self.fixedWidth(base) {
                if isMultiValued {
                    guard let count = cursor.length(), width == 0 || count <= cursor.remaining / width,
                          cursor.skip(count * width)
                    else { throw .truncated(offset: start) }
                } else {
                    guard let raw = cursor.take(width) else { throw .truncated(offset: start) }
                    if width == 4, id < 0x8000, values[id] == nil {
                        var value: UInt32 = 0
                        for (shift, byte) in zip(stride(from: 0, to: 32, by: 8), raw) { value |= UInt32(byte) << UInt32(shift) }
                        values[id] = .integer(value)
                    }
                }
            } else if [0x001E, 0x001F, 0x0102, 0x000D].contains(base) {
                // Variable length: a count (1 unless multi-valued), then length, data, padding per value.
                guard let valueCount = cursor.length(), valueCount <= cursor.remaining / 4 else {
                    throw .unreadableProperties(offset: start)
                }
                for index in 0..<valueCount {
                    guard let length = cursor.length(), let bytes = cursor.take(length) else { throw .truncated(offset: start) }
                    // The last value's padding may be missing at the very end of the attribute.
                    _ = cursor.skip(min(Self.padded(length) - length, cursor.remaining))
                    guard index == 0, id < 0x8000, values[id] == nil else { continue }
                    values[id] = Self.value(type: base, bytes: bytes)
                }
            } else {
                throw .unreadableProperties(offset: start)
            }
        }
    }

    private static func value(type: UInt16, bytes: ArraySlice<UInt8>) -> Value {
        switch type {
        case 0x001E: return .string8(bytes)
        case 0x001F: return .unicode(bytes)
        case 0x0102: return .binary(bytes)
        case 0x000D:
            guard bytes.count >= 16 else { return .other }
            return .object(iid: bytes.prefix(16), data: bytes.dropFirst(16))
        default: return .other
        }
    }

    /// Bytes a single value of a fixed-size type takes in TNEF (16-bit values are padded to
    /// four); nil for variable-length and unknown types.
    private static func fixedWidth(_ type: UInt16) -> Int? {
        switch type {
        case 0x0001: 0                                      // PT_NULL
        case 0x0002, 0x0003, 0x0004, 0x000A, 0x000B: 4      // PT_I2, PT_LONG, PT_R4, PT_ERROR, PT_BOOLEAN
        case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040: 8      // PT_DOUBLE, PT_CURRENCY, PT_APPTIME, PT_I8, PT_SYSTIME
        case 0x0048: 16                                     // PT_CLSID
        default: nil
        }
    }

    static func padded(_ length: Int) -> Int {
        (length + 3) / 4 * 4
    }
}
