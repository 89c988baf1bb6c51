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
        // Eight bytes of slack: the fast path stores whole 32- and 64-bit words, whose bytes past
        // the decoded ones are overwritten by the next step or left beyond `written`.
        let capacity = buffer.count / 4 * 3 + 8
        return [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
            decodeTable.withUnsafeBufferPointer { table in
                groupTables.withUnsafeBufferPointer { groups in
                    written = decode(buffer, table: table, groups: groups, into: out)
                }
            }
        }
    }

    /// The decoder proper. Runs of eight or four alphabet characters, which are nearly all of a
    /// body, are decoded in one step; everything else (line breaks, padding, junk, a quantum split
    /// across lines) goes through the byte-at-a-time path, which is what defines the result.
    /// Returns the number of bytes written; `out` holds at least `input.count / 4 * 3 + 8`.
    @inline(__always)
    private static func decode(
        _ input: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, groups: UnsafeBufferPointer<UInt32>,
        into out: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        guard let source = input.baseAddress, let target = out.baseAddress, let values = table.baseAddress,
              let positioned = groups.baseAddress
        else { return 0 }
        let count = input.count
        var written = 0
        var quantum: UInt32 = 0
        var pending = 0
        var index = 0
        /// One group of four characters as its three bytes in a little-endian word (first byte
        /// lowest), or a word of at least 2^24 when any character is not in the alphabet.
        @inline(__always) func group(_ p: UnsafePointer<UInt8>) -> UInt32 {
            positioned[Int(p[0])] | positioned[256 &+ Int(p[1])] | positioned[512 &+ Int(p[2])]
                | positioned[768 &+ Int(p[3])]
        }
        // The length of the last line that was a whole number of groups ended by CRLF: encoders
        // wrap every line at the same width (76 in RFC 2045), so the next line most likely has it too.
        var lineLength = 76
        // Where the current line began, for measuring it; only ever a guess, never trusted for output.
        var lineStart = 0
        // Wrapping arithmetic: indices stay below `count`, so the overflow checks are dead weight here.
        while index < count {
            if pending == 0 {
                // A whole line at once when it is `lineLength` alphabet characters then CRLF: every
                // group is stored speculatively and validity checked once for the line; an
                // irregular line leaves `written` where it was, so the paths below redo it.
                if index &+ lineLength &+ 2 <= count, source[index &+ lineLength] == ASCII.cr,
                   source[index &+ lineLength &+ 1] == ASCII.lf {
                    var invalid: UInt32 = 0
                    var p = source + index
                    var q = target + written
                    let end = p + lineLength
                    while p < end {
                        let word = group(p)
                        invalid |= word
                        UnsafeMutableRawPointer(q).storeBytes(of: word.littleEndian, as: UInt32.self)
                        p += 4
                        q += 3
                    }
                    if invalid < 0x0100_0000 {
                        written &+= lineLength / 4 &* 3
                        index &+= lineLength &+ 2
                        lineStart = index
                        continue
                    }
                }
                // Two groups a step (the 76-character lines of RFC 2045 hold 19 groups), one check for both.
                while index &+ 8 <= count {
                    let p = source + index
                    let first = group(p)
                    let second = group(p + 4)
                    guard (first | second) < 0x0100_0000 else { break }
                    // Six bytes and two of slack in one store.
                    let word = UInt64(first) | UInt64(second) << 24
                    UnsafeMutableRawPointer(target + written).storeBytes(of: word.littleEndian, as: UInt64.self)
                    written &+= 6
                    index &+= 8
                }
                if index &+ 4 <= count {
                    let single = group(source + index)
                    if single < 0x0100_0000 {
                        UnsafeMutableRawPointer(target + written).storeBytes(of: single.littleEndian, as: UInt32.self)
                        written &+= 3
                        index &+= 4
                        continue
                    }
                }
                if index >= count { break }
                // A line of whole groups ending in CRLF sets the width the line path above expects.
                if source[index] == ASCII.cr, index &+ 1 < count, source[index &+ 1] == ASCII.lf {
                    let length = index &- lineStart
                    if length > 0, length & 3 == 0 { lineLength = length }
                }
                // The line break after each line: skipped here, so the byte-at-a-time path below
                // only sees what is really irregular.
                if source[index] == ASCII.cr || source[index] == ASCII.lf {
                    index &+= 1
                    lineStart = index
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

    /// Four tables of 256 words, one per position in a group of four characters: each maps a
    /// character to its six bits already placed where they land in the group's three bytes
    /// (little-endian, first byte lowest), so a group is four lookups ORed together; a character
    /// not in the alphabet maps to 0xFF00_0000, which no valid group reaches. 4 KiB: stays in L1.
    static let groupTables: [UInt32] = {
        var table = [UInt32](repeating: 0xFF00_0000, count: 1024)
        for (value, byte) in alphabet.enumerated() {
            let v = UInt32(value), c = Int(byte)
            table[c] = v << 2
            table[256 + c] = v >> 4 | (v & 0x0F) << 12
            table[512 + c] = (v >> 2) << 8 | (v & 0x03) << 22
            table[768 + c] = v << 16
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
