/// Base64 as MIME uses it (RFC 2045 section 6.8): tolerant decoding, line-wrapped encoding.
public enum Base64 {
    /// Decodes base64, skipping whitespace and stray characters; padding in the middle ends a
    /// quantum (concatenated encodings) and missing padding is forgiven.
    public static func decode<C: Collection<UInt8>>(_ input: C) -> [UInt8] {
        if let result = input.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return result }
        return Array(input).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// Encodes bytes as base64, with CRLF after every `lineLength` characters when given.
    public static func encode<C: Collection<UInt8>>(_ input: C, lineLength: Int? = 76) -> [UInt8] {
        let bytes = Array(input)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4 + bytes.count / 27 + 2)
        var column = 0
        var index = 0
        func emit(_ byte: UInt8) {
            if let lineLength, column == lineLength {
                out.append(ASCII.cr)
                out.append(ASCII.lf)
                column = 0
            }
            out.append(byte)
            column += 1
        }
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            emit(alphabet[Int(b0 >> 2)])
            emit(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            emit(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : ASCII.equals)
            emit(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : ASCII.equals)
            index += 3
        }
        return out
    }

    private static func decode(buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(buffer.count / 4 * 3 + 3)
        var quantum: UInt32 = 0
        var count = 0
        for byte in buffer {
            let value = decodeTable[Int(byte)]
            if value < 64 {
                quantum = quantum << 6 | UInt32(value)
                count += 1
                if count == 4 {
                    out.append(UInt8(truncatingIfNeeded: quantum >> 16))
                    out.append(UInt8(truncatingIfNeeded: quantum >> 8))
                    out.append(UInt8(truncatingIfNeeded: quantum))
                    quantum = 0
                    count = 0
                }
            } else if byte == ASCII.equals {
                flush(&quantum, &count, into: &out)
            }
        }
        flush(&quantum, &count, into: &out)
        return out
    }

    /// Emits the whole bytes of a partial quantum (2 or 3 characters); a lone character carries none.
    @inline(__always)
    private static func flush(_ quantum: inout UInt32, _ count: inout Int, into out: inout [UInt8]) {
        switch count {
        case 2:
            out.append(UInt8(truncatingIfNeeded: quantum >> 4))
        case 3:
            out.append(UInt8(truncatingIfNeeded: quantum >> 10))
            out.append(UInt8(truncatingIfNeeded: quantum >> 2))
        default:
            break
        }
        quantum = 0
        count = 0
    }

    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Byte → 6-bit value, 0xFF for anything not in the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
}
