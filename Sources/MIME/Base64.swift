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
        let capacity = buffer.count / 4 * 3 + 3
        return [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
            decodeTable.withUnsafeBufferPointer { table in
                pairTable.withUnsafeBufferPointer { pairs in
                    written = decode(buffer, table: table, pairs: pairs, into: out)
                }
            }
        }
    }

    /// The decoder proper. Runs of eight or four alphabet characters, which are nearly all of a
    /// body, are decoded in one step; everything else (line breaks, padding, junk, a quantum split
    /// across lines) goes through the byte-at-a-time path, which is what defines the result.
    /// Returns the number of bytes written; `out` holds at least `input.count / 4 * 3 + 3`.
    @inline(__always)
    private static func decode(
        _ input: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, pairs: UnsafeBufferPointer<UInt16>,
        into out: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        guard let source = input.baseAddress, let target = out.baseAddress, let values = table.baseAddress,
              let pairValues = pairs.baseAddress
        else { return 0 }
        let count = input.count
        var written = 0
        var quantum: UInt32 = 0
        var pending = 0
        var index = 0
        // Wrapping arithmetic: indices stay below `count`, so the overflow checks are dead weight here.
        while index < count {
            if pending == 0 {
                // Two groups a step (the 76-character lines of RFC 2045 hold 19 groups).
                while index &+ 8 <= count {
                    // Two characters a lookup: 12 bits each, or 0xFFFF when either is not in the alphabet.
                    let raw = UnsafeRawPointer(source + index)
                    let a = UInt32(pairValues[Int(UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self)))])
                    let b = UInt32(pairValues[Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))])
                    let c = UInt32(pairValues[Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))])
                    let d = UInt32(pairValues[Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 6, as: UInt16.self)))])
                    guard (a | b | c | d) < 4096 else { break }
                    let first = a << 12 | b
                    let second = c << 12 | d
                    let q = target + written
                    q[0] = UInt8(truncatingIfNeeded: first >> 16)
                    q[1] = UInt8(truncatingIfNeeded: first >> 8)
                    q[2] = UInt8(truncatingIfNeeded: first)
                    q[3] = UInt8(truncatingIfNeeded: second >> 16)
                    q[4] = UInt8(truncatingIfNeeded: second >> 8)
                    q[5] = UInt8(truncatingIfNeeded: second)
                    written &+= 6
                    index &+= 8
                }
                if index &+ 4 <= count {
                    let p = source + index
                    let a = UInt32(values[Int(p[0])]), b = UInt32(values[Int(p[1])])
                    let c = UInt32(values[Int(p[2])]), d = UInt32(values[Int(p[3])])
                    if (a | b | c | d) < 64 {
                        let group = a << 18 | b << 12 | c << 6 | d
                        let q = target + written
                        q[0] = UInt8(truncatingIfNeeded: group >> 16)
                        q[1] = UInt8(truncatingIfNeeded: group >> 8)
                        q[2] = UInt8(truncatingIfNeeded: group)
                        written &+= 3
                        index &+= 4
                        continue
                    }
                }
                if index >= count { break }
                // The line break after each line: skipped here, so the byte-at-a-time path below
                // only sees what is really irregular.
                if source[index] == ASCII.cr || source[index] == ASCII.lf {
                    index &+= 1
                    continue
                }
            }
            let byte = source[index]
            index &+= 1
            let value = values[Int(byte)]
            if value < 64 {
                quantum = quantum << 6 | UInt32(value)
                pending &+= 1
                if pending == 4 {
                    let q = target + written
                    q[0] = UInt8(truncatingIfNeeded: quantum >> 16)
                    q[1] = UInt8(truncatingIfNeeded: quantum >> 8)
                    q[2] = UInt8(truncatingIfNeeded: quantum)
                    written &+= 3
                    quantum = 0
                    pending = 0
                }
            } else if byte == ASCII.equals {
                written += flush(quantum, pending, into: target + written)
                quantum = 0
                pending = 0
            }
        }
        written += flush(quantum, pending, into: target + written)
        return written
    }

    /// Writes the whole bytes of a partial quantum (2 or 3 characters; a lone character carries
    /// none) and returns how many.
    @inline(__always)
    private static func flush(_ quantum: UInt32, _ count: Int, into target: UnsafeMutablePointer<UInt8>) -> Int {
        switch count {
        case 2:
            target[0] = UInt8(truncatingIfNeeded: quantum >> 4)
            return 1
        case 3:
            target[0] = UInt8(truncatingIfNeeded: quantum >> 10)
            target[1] = UInt8(truncatingIfNeeded: quantum >> 2)
            return 2
        default:
            return 0
        }
    }

    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Two characters (the first in the low byte) → their 12 bits, 0xFFFF when either is not in
    /// the alphabet: halves the lookups of the decoder's main loop for 128 KiB of table.
    private static let pairTable: [UInt16] = {
        var table = [UInt16](repeating: 0xFFFF, count: 65536)
        for (high, first) in alphabet.enumerated() {
            for (low, second) in alphabet.enumerated() {
                table[Int(first) | Int(second) << 8] = UInt16(high << 6 | low)
            }
        }
        return table
    }()

    /// Byte → 6-bit value, 0xFF for anything not in the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
}
