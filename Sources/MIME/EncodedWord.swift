/// RFC 2047 encoded words (`=?charset?Q?text?=`): lenient decoding of header text, and encoding
/// for outgoing headers.
public enum EncodedWord {
    /// Decodes every encoded word in `text`. Whitespace between adjacent encoded words is dropped;
    /// malformed words are left as written.
    public static func decode(_ text: String) -> String {
        var defects: [Defect] = []
        return decode(text, defects: &defects)
    }

    static func decode(_ text: String, defects: inout [Defect]) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, let firstStart = firstMarker(in: bytes, from: 0) else { return text }
        var result = ""
        result.reserveCapacity(bytes.count)
        var literalStart = 0
        var searchFrom = firstStart
        // Decoded bytes of adjacent words in one charset are joined before conversion, because
        // senders split multi-byte characters across words (QUIRK: RFC 2047 section 5 forbids it).
        var pending: (charset: String, bytes: [UInt8])?

        func flushPending() {
            guard let word = pending else { return }
            let decoded = Charset.decode(word.bytes, charset: word.charset)
            result += decoded.text
            defects += decoded.defects
            pending = nil
        }

        while let start = firstMarker(in: bytes, from: searchFrom) {
            guard let word = parseWord(bytes, at: start) else {
                searchFrom = start + 2
                continue
            }
            let gap = bytes[literalStart..<start]
            if pending == nil || !gap.allSatisfy(\.isWhitespace) {
                flushPending()
                result += String(decoding: gap, as: UTF8.self)
            }
            if let current = pending, Bytes.equalsIgnoringCase(current.charset, word.charset) {
                pending?.bytes += word.bytes
            } else {
                flushPending()
                pending = (word.charset, word.bytes)
            }
            literalStart = word.end
            searchFrom = word.end
        }
        flushPending()
        result += String(decoding: bytes[literalStart...], as: UTF8.self)
        return result
    }

    /// Index of the next "=?" at or after `from`.
    private static func firstMarker(in bytes: [UInt8], from: Int) -> Int? {
        var index = from
        while index + 1 < bytes.count {
            if bytes[index] == ASCII.equals, bytes[index + 1] == ASCII.question { return index }
            index += 1
        }
        return nil
    }

    /// Parses `=?charset?enc?text?=` at `start`: the charset (language suffix dropped), the decoded
    /// bytes, and the index after the word; nil when it is not a well-formed word.
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        guard let word = scanWord(bytes[...], at: start) else { return nil }
        let payload = bytes[word.text]
        let decoded = word.isBase64 ? Base64.decode(payload) : QuotedPrintable.decodeQ(payload)
        return (String(decoding: bytes[word.charset], as: UTF8.self), decoded, word.end)
    }

    /// Where the parts of an encoded word lie, as byte ranges.
    struct WordBounds {
        var start: Int
        /// The charset label without an RFC 2231 language suffix (`*en`).
        var charset: Range<Int>
        var isBase64: Bool
        var text: Range<Int>
        /// The index after the closing `?=`.
        var end: Int
    }

    /// Finds the bounds of `=?charset?enc?text?=` at `start` (B or Q), or nil when it is not a
    /// well-formed word: a charset of printable ASCII up to 64 bytes, no whitespace in the text.
    /// The text is not checked for 8-bit bytes, so callers can find and repair them.
    static func scanWord(_ bytes: ArraySlice<UInt8>, at start: Int) -> WordBounds? {
        var index = start + 2
        let charsetStart = index
        while index < bytes.endIndex, bytes[index] != ASCII.question {
            let byte = bytes[index]
            guard byte > 0x20, byte < 0x7F, index - charsetStart < 64 else { return nil }
            index += 1
        }
        guard index + 2 < bytes.endIndex, index > charsetStart, bytes[index + 2] == ASCII.question else { return nil }
        let encoding = bytes[index + 1].asciiLowercased
        guard encoding == 0x62 || encoding == 0x71 else { return nil }   // "b" or "q"
        var charsetEnd = index
        if let star = bytes[charsetStart..<index].firstIndex(of: ASCII.asterisk) { charsetEnd = star }
        let textStart = index + 3
        var textEnd = textStart
        while textEnd < bytes.endIndex, bytes[textEnd] != ASCII.question {
            guard !bytes[textEnd].isWhitespace else { return nil }
            textEnd += 1
        }
        guard textEnd + 1 < bytes.endIndex, bytes[textEnd + 1] == ASCII.equals else { return nil }
        return WordBounds(
            start: start, charset: charsetStart..<charsetEnd, isBase64: encoding == 0x62,
            text: textStart..<textEnd, end: textEnd + 2
        )
    }

    // MARK: Encoding

    /// Encodes `text` as UTF-8 encoded words, each at most `maxLength` characters, split between
    /// characters (never inside one). Picks Q, which stays readable, unless B is much shorter
    /// (mostly non-Latin text). The words are meant to be joined with spaces, which decoders drop.
    public static func encode(_ text: String, maxLength: Int = 75) -> [String] {
        let bytes = Array(text.utf8)
        let qLength = bytes.reduce(0) { $0 + (isQSafe($1) ? 1 : 3) }
        let useB = (bytes.count + 2) / 3 * 4 * 3 / 2 < qLength
        let prefix = useB ? "=?utf-8?b?" : "=?utf-8?q?"
        let room = max(maxLength - prefix.utf8.count - 2, 12)

        var words: [String] = []
        var chunk: [UInt8] = []
        var chunkQLength = 0
        func encodedLength(adding piece: [UInt8]) -> Int {
            useB ? (chunk.count + piece.count + 2) / 3 * 4 : chunkQLength + piece.reduce(0) { $0 + (isQSafe($1) ? 1 : 3) }
        }
        func flush() {
            guard !chunk.isEmpty else { return }
            let payload = useB ? Base64.encode(chunk, lineLength: nil) : encodeQ(chunk)
            words.append(prefix + String(decoding: payload, as: UTF8.self) + "?=")
            chunk.removeAll()
            chunkQLength = 0
        }
        func add(_ piece: [UInt8]) {
            if encodedLength(adding: piece) > room { flush() }
            chunkQLength = encodedLength(adding: piece)
            chunk += piece
        }
        for character in text {
            let piece = Array(character.utf8)
            if piece.count * 3 <= room {
                add(piece)
            } else {
                // A grapheme too long for one word (stacked combining marks): split between scalars.
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        flush()
        return words
    }

    /// Characters that stand for themselves in a Q word anywhere, including phrases (RFC 2047 section 5 (3)).
    @inline(__always) static func isQSafe(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || byte.isASCIIDigit || byte == ASCII.exclamation || byte == ASCII.asterisk
            || byte == ASCII.plus || byte == ASCII.hyphen || byte == ASCII.slash || byte == ASCII.space
    }

    static func encodeQ(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            if byte == ASCII.space {
                out.append(ASCII.underscore)
            } else if isQSafe(byte) {
                out.append(byte)
            } else {
                out += [ASCII.equals, ASCII.hexDigits[Int(byte >> 4)], ASCII.hexDigits[Int(byte & 0x0F)]]
            }
        }
        return out
    }
}
