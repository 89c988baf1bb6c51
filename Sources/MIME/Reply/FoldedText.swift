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
        bytes.reserveCapacity(bytes.count + source.count)
        var index = source.startIndex
        while index < source.endIndex {
            let byte = source[index]
            if byte < 0x80 {
                // ASCII, most of every text: folded here without decoding.
                switch byte {
                case ASCII.space, ASCII.tab, ASCII.lf, 0x0B, 0x0C, ASCII.cr: appendSpace()
                case 0x41...0x5A: emit(byte | 0x20)
                default: emit(byte)
                }
                index += 1
                continue
            }
            guard let decoded = Self.decodeScalar(source, at: index) else {
                // Not UTF-8 (a line cut mid-character, or a pattern of raw bytes): compared as it is.
                emit(source[index])
                index += 1
                continue
            }
            index += decoded.length
            switch Self.fold(decoded.scalar) {
            case .ignored: continue
            case .space: appendSpace()
            case .scalar(let folded): emit(scalar: folded)
            }
        }
    }

    /// The scalar starting at `index` and its length in bytes, or nil where the bytes are not UTF-8.
    private static func decodeScalar(_ bytes: ArraySlice<UInt8>, at index: Int) -> (scalar: UInt32, length: Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: (length, value) = (2, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, value) = (3, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, value) = (4, UInt32(lead & 0x07))
        default: return nil
        }
        guard index + length <= bytes.endIndex else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }

    private mutating func emit(_ byte: UInt8) {
        if pendingSpace {
            bytes.append(ASCII.space)
            pendingSpace = false
        }
        bytes.append(byte)
    }

    private mutating func emit(scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            emit(UInt8(scalar))
        case 0x80..<0x800:
            emit(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            emit(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            emit(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
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
