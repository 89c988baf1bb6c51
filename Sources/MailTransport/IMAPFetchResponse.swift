/// One untagged FETCH answer (RFC 3501 section 7.4.2), `* 12 FETCH (UID 40 RFC822.SIZE 2210
/// BODY[] {2210}…)`, read from its lines and the literals between them. Items are kept by name,
/// upper-cased; lists (FLAGS, ENVELOPE, BODYSTRUCTURE) are skipped, as no caller reads them.
struct IMAPFetchResponse {
    /// The message sequence number.
    var sequence: Int
    private var numbers: [String: Int] = [:]
    private var strings: [String: [UInt8]] = [:]

    /// The UID item, when the answer has one.
    var uid: UInt32? { numbers["UID"].flatMap { UInt32(exactly: $0) } }

    func number(_ name: String) -> Int? { numbers[name] }

    /// A string item (a literal or a quoted string), e.g. `BODY[]`; nil when absent or NIL.
    func literal(_ name: String) -> [UInt8]? { strings[name] }

    /// The byte count of the literal announced at the end of `line` (`{2210}` or `{2210+}`).
    static func literalCount(endingLine line: String) -> Int? {
        guard line.hasSuffix("}"), let open = line.lastIndex(of: "{") else { return nil }
        var digits = line[line.index(after: open)..<line.index(before: line.endIndex)]
        if digits.hasSuffix("+") { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Reads `segments` (the lines, each but the last ending in a literal's `{n}`) and the
    /// literals; nil when it is not a FETCH answer or cannot be read.
    init?(segments: [String], literals: [[UInt8]]) {
        var tokens: [Token] = []
        for (index, segment) in segments.enumerated() {
            var text = Substring(segment)
            if index < literals.count, let open = text.lastIndex(of: "{") { text = text[..<open] }
            guard let found = Self.tokens(in: text) else { return nil }
            tokens += found
            if index < literals.count { tokens.append(.string(literals[index])) }
        }
        guard tokens.count >= 4, case .atom("*") = tokens[0], case .atom(let number) = tokens[1], let sequence = Int(number),
              case .atom(let kind) = tokens[2], kind.uppercased() == "FETCH", case .open = tokens[3]
        else { return nil }
        self.sequence = sequence
        var index = 4
        while index < tokens.count {
            guard case .atom(let rawName) = tokens[index] else {
                if case .close = tokens[index] { return }
                return nil
            }
            let name = rawName.uppercased()
            index += 1
            guard index < tokens.count else { return nil }
            switch tokens[index] {
            case .atom(let value):
                if let number = Int(value) { numbers[name] = number }
                index += 1
            case .string(let bytes):
                strings[name] = bytes
                index += 1
            case .absent:
                index += 1
            case .open:
                // Skip the balanced list.
                var depth = 0
                repeat {
                    if case .open = tokens[index] { depth += 1 }
                    if case .close = tokens[index] { depth -= 1 }
                    index += 1
                } while depth > 0 && index < tokens.count
                guard depth == 0 else { return nil }
            case .close:
                return nil
            }
        }
        return nil  // no closing parenthesis
    }

    private enum Token {
        case atom(String)
        case string([UInt8])
        /// NIL: the item is absent.
        case absent
        case open
        case close
    }

    /// Atoms (with `[…]` sections kept whole, spaces and all), quoted strings and parentheses.
    private static func tokens(in text: Substring) -> [Token]? {
        var tokens: [Token] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "):
                index += 1
            case UInt8(ascii: "("):
                tokens.append(.open)
                index += 1
            case UInt8(ascii: ")"):
                tokens.append(.close)
                index += 1
            case UInt8(ascii: "\""):
                var value: [UInt8] = []
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                    value.append(bytes[index])
                    index += 1
                }
                guard index < bytes.count else { return nil }
                index += 1
                tokens.append(.string(value))
            default:
                let start = index
                var bracketDepth = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "[") { bracketDepth += 1 }
                    if byte == UInt8(ascii: "]") { bracketDepth -= 1 }
                    if bracketDepth <= 0, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") { break }
                    index += 1
                }
                let atom = String(decoding: bytes[start..<index], as: UTF8.self)
                tokens.append(atom.uppercased() == "NIL" ? .absent : .atom(atom))
            }
        }
        return tokens
    }
}
