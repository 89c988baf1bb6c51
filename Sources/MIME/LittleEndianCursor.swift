/// Reads little-endian integers and byte runs from a binary structure (TNEF), never past its
/// end: every read returns nil instead of trapping when the bytes run out.
struct LittleEndianCursor {
    let bytes: ArraySlice<UInt8>
    private(set) var offset: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - offset }
    var isAtEnd: Bool { offset >= bytes.endIndex }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func skip(_ count: Int) -> Bool {
        take(count) != nil
    }

    mutating func uint8() -> UInt8? {
        take(1)?.first
    }

    mutating func uint16() -> UInt16? {
        guard let run = take(2) else { return nil }
        return UInt16(run[run.startIndex]) | UInt16(run[run.startIndex + 1]) << 8
    }

    mutating func uint32() -> UInt32? {
        guard let run = take(4) else { return nil }
        var value: UInt32 = 0
        for (shift, byte) in zip(stride(from: 0, to: 32, by: 8), run) { value |= UInt32(byte) << UInt32(shift) }
        return value
    }

    /// A 32-bit count or length as an Int (always fits on 64-bit platforms).
    mutating func length() -> Int? {
        uint32().map(Int.init)
    }
}
