/// Quoted-printable (RFC 2045 section 6.7): tolerant decoding, and encoding with soft line breaks.
public enum QuotedPrintable {
    /// Decodes quoted-printable. Malformed escapes stay literal, soft line breaks are removed, and
    /// trailing whitespace on a line (added in transport) is dropped. Line breaks are kept as written.
    public static func decode<C: Collection<UInt8>>(_ input: C) -> [UInt8] {
        if let result = input.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return result }
        return Array(input).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    private static func decode(buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(buffer.count)
        var index = 0
        let count = buffer.count
        // Whitespace is held back until we know it is not at the end of a line.
        var pendingWhitespace = 0
        func releaseWhitespace(upTo end: Int) {
            if pendingWhitespace > 0 {
                out.append(contentsOf: buffer[(end - pendingWhitespace)..<end])
                pendingWhitespace = 0
            }
        }
        while index < count {
            let byte = buffer[index]
            if byte.isWSP {
                pendingWhitespace += 1
                index += 1
                continue
            }
            if byte == ASCII.cr || byte == ASCII.lf {
                pendingWhitespace = 0
                out.append(byte)
                index += 1
                continue
            }
            releaseWhitespace(upTo: index)
            guard byte == ASCII.equals else {
                out.append(byte)
                index += 1
                continue
            }
            // "=XX", a soft line break "=" [WSP] CRLF, or a stray "=".
            if index + 2 < count, let high = buffer[index + 1].hexValue, let low = buffer[index + 2].hexValue {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            var probe = index + 1
            while probe < count, buffer[probe].isWSP { probe += 1 }
            if probe == count {
                index = count
            } else if buffer[probe] == ASCII.lf {
                index = probe + 1
            } else if buffer[probe] == ASCII.cr {
                index = probe + 1
                if index < count, buffer[index] == ASCII.lf { index += 1 }
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// Encodes text for a `Content-Transfer-Encoding: quoted-printable` body: lines (split at LF,
    /// with any CR before it dropped) joined by CRLF, each at most `lineLength` characters with
    /// soft line breaks.
    public static func encode<C: Collection<UInt8>>(_ input: C, lineLength: Int = 76) -> [UInt8] {
        let bytes = Array(input)
        let limit = max(lineLength, 4) - 1   // room for the "=" of a soft break
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != ASCII.lf { lineEnd += 1 }
            let hasBreak = lineEnd < bytes.count
            var contentEnd = lineEnd
            if hasBreak, contentEnd > lineStart, bytes[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }
            var column = 0
            for index in lineStart..<contentEnd {
                let byte = bytes[index]
                let isLast = index == contentEnd - 1
                let literal = (byte >= 33 && byte <= 126 && byte != ASCII.equals) || (byte.isWSP && !isLast)
                let width = literal ? 1 : 3
                // The last character may use the column a soft break would need.
                if column + width > (isLast ? limit + 1 : limit) {
                    out.append(contentsOf: [ASCII.equals, ASCII.cr, ASCII.lf])
                    column = 0
                }
                if literal {
                    out.append(byte)
                } else {
                    out.append(ASCII.equals)
                    out.append(ASCII.hexDigits[Int(byte >> 4)])
                    out.append(ASCII.hexDigits[Int(byte & 0x0F)])
                }
                column += width
            }
            guard hasBreak else { break }
            out.append(ASCII.cr)
            out.append(ASCII.lf)
            lineStart = lineEnd + 1
        }
        return out
    }

    /// Decodes the "Q" encoding of RFC 2047 section 4.2: quoted-printable where "_" is a space.
    static func decodeQ(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            if byte == ASCII.underscore {
                out.append(ASCII.space)
            } else if byte == ASCII.equals, index + 2 < input.endIndex,
                      let high = input[index + 1].hexValue, let low = input[index + 2].hexValue {
                out.append(high << 4 | low)
                index += 3
                continue
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }
}
