/// Text in the one form the reply patterns are written in: lower case, single spaces, no edges.
///
/// Mail clients vary case ("Sent From My iPhone"), wrap attribution lines anywhere and use
/// no-break spaces (French "a écrit :"), so folding once lets every pattern be a plain byte
/// comparison: no regular expressions, hence no backtracking and a cost linear in the input.
struct FoldedText: Equatable {
    private(set) var bytes: [UInt8] = []
    private var pendingSpace = false

    init() {}

    /// A pattern written in source code, folded the same way as the text it is compared with.
    init(_ pattern: String) {
        append(Array(pattern.utf8)[...])
    }

    init(_ slice: ArraySlice<UInt8>) {
        append(slice)
    }

    var isEmpty: Bool { bytes.isEmpty }
    var count: Int { bytes.count }
    var last: UInt8? { bytes.last }

    /// Words as separated by the single spaces folding leaves.
    var wordCount: Int {
        bytes.isEmpty ? 0 : bytes.reduce(1) { $1 == ASCII.space ? $0 + 1 : $0 }
    }

    /// Starts a new word before the next appended byte (used to join wrapped lines).
    mutating func appendSpace() {
        if !bytes.isEmpty { pendingSpace = true }
    }

    mutating func append(_ source: ArraySlice<UInt8>) {
        var index = source.startIndex
        let end = source.endIndex
        while index < end {
            let byte = source[index]
            let next: UInt8 = index + 1 < end ? source[index + 1] : 0
            let third: UInt8 = index + 2 < end ? source[index + 2] : 0
            switch byte {
            case ASCII.space, ASCII.tab, ASCII.cr, ASCII.lf, 0x0B, 0x0C:
                appendSpace()
                index += 1
            case 0x41...0x5A:
                emit(byte | 0x20)
                index += 1
            case 0xC2 where next == 0xA0:
                // U+00A0 no-break space, as in French "a écrit :".
                appendSpace()
                index += 2
            case 0xE2 where next == 0x80 && (0x80...0x8A).contains(third) || next == 0x80 && third == 0xAF:
                // U+2000–U+200A and U+202F: typographic spaces.
                appendSpace()
                index += 3
            case 0xE2 where next == 0x80 && (0x8B...0x8F).contains(third):
                // U+200B–U+200F: zero-width marks some clients put around dates; they carry nothing.
                index += 3
            case 0xC3 where (0x80...0x9E).contains(next) && next != 0x97:
                // Latin-1 capitals (À … Þ, not ×) to their small letters: "Ämne" like "ämne".
                emit(0xC3, next + 0x20)
                index += 2
            case 0xD0 where (0x90...0x9F).contains(next):
                // Cyrillic А–П.
                emit(0xD0, next + 0x20)
                index += 2
            case 0xD0 where (0xA0...0xAF).contains(next):
                // Cyrillic Р–Я.
                emit(0xD1, next - 0x20)
                index += 2
            case 0xD0 where (0x80...0x8F).contains(next):
                // Cyrillic Ѐ–Џ (Ukrainian Є, І, Ї among them).
                emit(0xD1, next + 0x10)
                index += 2
            case 0xC5 where next == 0x81:
                // Polish Ł.
                emit(0xC5, 0x82)
                index += 2
            default:
                emit(byte)
                index += 1
            }
        }
    }

    private mutating func emit(_ byte: UInt8) {
        if pendingSpace {
            bytes.append(ASCII.space)
            pendingSpace = false
        }
        bytes.append(byte)
    }

    private mutating func emit(_ first: UInt8, _ second: UInt8) {
        emit(first)
        bytes.append(second)
    }

    func hasPrefix(_ pattern: FoldedText) -> Bool {
        bytes.count >= pattern.bytes.count && bytes[..<pattern.bytes.count].elementsEqual(pattern.bytes)
    }

    func hasSuffix(_ pattern: FoldedText) -> Bool {
        bytes.count >= pattern.bytes.count
            && bytes[(bytes.count - pattern.bytes.count)...].elementsEqual(pattern.bytes)
    }

    /// Naive search: callers only search short, length-capped texts, so this stays linear overall.
    func contains(_ pattern: FoldedText) -> Bool {
        firstRange(of: pattern) != nil
    }

    func firstRange(of pattern: FoldedText) -> Range<Int>? {
        let needle = pattern.bytes
        guard !needle.isEmpty, needle.count <= bytes.count else { return nil }
        let first = needle[0]
        var start = 0
        while start + needle.count <= bytes.count {
            if bytes[start] == first, bytes[start..<(start + needle.count)].elementsEqual(needle) {
                return start..<(start + needle.count)
            }
            start += 1
        }
        return nil
    }

    /// The text from `offset` on (and with `dropLast` bytes removed from the end), edges re-trimmed.
    func slice(from offset: Int, droppingLast dropLast: Int = 0) -> FoldedText {
        let end = max(offset, bytes.count - dropLast)
        return FoldedText(bytes[min(offset, bytes.count)..<end])
    }
}
