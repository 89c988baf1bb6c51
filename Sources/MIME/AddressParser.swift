/// Reads RFC 5322 address lists (section 3.4, with the obsolete forms of 4.4) leniently:
/// display names quoted or encoded, comments, groups, routes, bare addresses, stray commas.
/// Never fails: what cannot be read is skipped and reported.
public enum AddressParser {
    /// More addresses than this in one field is abuse, not a mailing: the rest are skipped (cf.
    /// Dovecot CVE-2024-23184, where huge address lists made readers spend quadratic time).
    static let maxAddresses = 1000

    /// The mailboxes in `value`, groups flattened into their members.
    public static func parse(_ value: String) -> [Address] {
        var defects: [Defect] = []
        return parse(value, defects: &defects)
    }

    static func parse(_ value: String, defects: inout [Defect]) -> [Address] {
        var tokenizer = AddressTokenizer(Array(value.utf8))
        var builder = MailboxBuilder()
        var addresses: [Address] = []
        var inGroup = false

        func finish() {
            if let address = builder.finish(defects: &defects) { addresses.append(address) }
            builder = MailboxBuilder()
        }

        while addresses.count < maxAddresses, let token = tokenizer.next() {
            switch token.kind {
            case .special(ASCII.lessThan):
                if builder.angle != nil { finish() }
                builder.angle = tokenizer.angleAddress()
            case .special(ASCII.comma):
                finish()
            case .special(ASCII.colon):
                if !inGroup, builder.angle == nil, builder.isPhraseOnly {
                    // "team: a@x, b@y;" and "undisclosed-recipients:;": the group name is not an address.
                    builder = MailboxBuilder()
                    inGroup = true
                } else {
                    defects.append(.strayAddressPunctuation(":"))
                }
            case .special(ASCII.semicolon):
                finish()
                inGroup = false
            case .special(ASCII.greaterThan):
                defects.append(.strayAddressPunctuation(">"))
            case .comment(let text):
                builder.comments.append(text)
            case .special, .word, .quoted:
                builder.tokens.append(token)
            }
        }
        if addresses.count >= maxAddresses {
            if tokenizer.next() != nil {
                defects.append(.tooManyAddresses(limit: maxAddresses))
            }
            return addresses
        }
        finish()
        return addresses
    }
}

/// A lexical token of an address list.
struct AddressToken {
    enum Kind {
        /// An atom, dot-atom or domain literal, as written.
        case word(String)
        /// A quoted string: its content (escapes resolved) and its raw form with quotes.
        case quoted(content: String, raw: String)
        case comment(String)
        /// One of `< > @ , ; :`.
        case special(UInt8)
    }

    var kind: Kind
    /// Whether whitespace or a comment came right before it: the glue test for addr-specs.
    var spaced: Bool

    var isWord: Bool {
        switch kind {
        case .word, .quoted: true
        default: false
        }
    }

    /// The token as it appears in an addr-spec.
    var raw: String {
        switch kind {
        case .word(let text): text
        case .quoted(_, let raw): raw
        case .comment: ""
        case .special(let byte): String(UnicodeScalar(byte))
        }
    }

    /// The token as it appears in a display name.
    var phraseText: String {
        switch kind {
        case .quoted(let content, _): content
        default: raw
        }
    }
}

/// Splits address-list bytes into tokens.
struct AddressTokenizer {
    private let bytes: [UInt8]
    private var index = 0
    /// Nested comments deeper than this are garbage; stop counting.
    private static let maxCommentDepth = 100

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case ASCII.lessThan, ASCII.greaterThan, ASCII.at, ASCII.comma, ASCII.semicolon, ASCII.colon: true
        default: false
        }
    }

    private static func endsAtom(_ byte: UInt8) -> Bool {
        byte.isWhitespace || isSpecial(byte) || byte == ASCII.leftParen || byte == ASCII.rightParen
            || byte == ASCII.quote || byte == ASCII.leftBracket
    }

    mutating func next() -> AddressToken? {
        var spaced = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte.isWhitespace {
                spaced = true
                index += 1
                continue
            }
            if byte == ASCII.rightParen {
                index += 1   // a stray ")": nothing to keep
                spaced = true
                continue
            }
            if byte == ASCII.leftParen {
                return AddressToken(kind: .comment(comment()), spaced: true)
            }
            if byte == ASCII.quote {
                let (content, raw) = quoted()
                return AddressToken(kind: .quoted(content: content, raw: raw), spaced: spaced)
            }
            if Self.isSpecial(byte) {
                index += 1
                return AddressToken(kind: .special(byte), spaced: spaced)
            }
            let start = index
            if byte == ASCII.leftBracket {
                // A domain literal runs to "]".
                while index < bytes.count, bytes[index] != ASCII.rightBracket { index += 1 }
                if index < bytes.count { index += 1 }
            }
            while index < bytes.count, !Self.endsAtom(bytes[index]) { index += 1 }
            return AddressToken(kind: .word(String(decoding: bytes[start..<index], as: UTF8.self)), spaced: spaced)
        }
        return nil
    }

    /// Reads a comment starting at "(", with nesting and escapes; returns its text.
    private mutating func comment() -> String {
        var depth = 0
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case ASCII.leftParen:
                depth += 1
                if depth > 1, depth <= Self.maxCommentDepth { content.append(byte) }
            case ASCII.rightParen:
                depth -= 1
                if depth == 0 { return String(decoding: content, as: UTF8.self) }
                content.append(byte)
            case ASCII.backslash where index < bytes.count:
                content.append(bytes[index])
                index += 1
            default:
                content.append(byte)
            }
        }
        return String(decoding: content, as: UTF8.self)
    }

    /// Reads a quoted string starting at the quote: its content and its raw text.
    private mutating func quoted() -> (String, String) {
        let start = index
        index += 1
        var content: [UInt8] = []
        while index < bytes.count, bytes[index] != ASCII.quote {
            if bytes[index] == ASCII.backslash, index + 1 < bytes.count { index += 1 }
            content.append(bytes[index])
            index += 1
        }
        if index < bytes.count { index += 1 }
        return (String(decoding: content, as: UTF8.self), String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// Reads an angle-addr after "<" up to ">" (or a "," that plainly ends it, or the end),
    /// dropping comments, whitespace and an obsolete route (`@a,@b:`).
    mutating func angleAddress() -> String {
        var parts: [String] = []
        var inRoute = false
        while let token = next() {
            switch token.kind {
            case .special(ASCII.greaterThan):
                return parts.joined()
            case .special(ASCII.at) where parts.isEmpty:
                inRoute = true
            case .special(ASCII.colon) where inRoute:
                inRoute = false
                parts.removeAll()
            case .special(ASCII.comma) where inRoute:
                continue
            case .special(ASCII.comma), .special(ASCII.semicolon), .special(ASCII.lessThan):
                // The ">" is missing; give the token back so the list goes on.
                index -= 1
                return parts.joined()
            case .comment:
                continue
            default:
                if !inRoute { parts.append(token.raw) }
            }
        }
        return parts.joined()
    }
}

/// Collects the tokens of one mailbox and decides what is name and what is address.
struct MailboxBuilder {
    var tokens: [AddressToken] = []
    var comments: [String] = []
    var angle: String?

    /// Only words so far: what a group name looks like.
    var isPhraseOnly: Bool { !tokens.isEmpty && tokens.allSatisfy(\.isWord) }

    mutating func finish(defects: inout [Defect]) -> Address? {
        if let angle {
            let address = angle.trimmingWhitespace
            guard !address.isEmpty else { return nil }
            return Address(name: displayName(tokens.filter(\.isWord)), address: address)
        }
        guard !tokens.isEmpty else { return nil }
        guard let at = tokens.firstIndex(where: { if case .special(ASCII.at) = $0.kind { true } else { false } }) else {
            let words = tokens.filter(\.isWord)
            if words.count == 1 {
                // A bare local name ("localrecipient"): RFC 822 allowed it, and it names someone.
                return Address(name: displayName([]), address: words[0].raw)
            }
            let text = tokens.map(\.raw).joined(separator: " ")
            defects.append(.noAddress(String(text.prefix(80))))
            return nil
        }
        // The local part: the word right before "@" (even across obsolete whitespace), and words
        // glued to it; words further left are the display name ("Ann ann@example.test").
        var start = at
        if start > 0, tokens[start - 1].isWord {
            start -= 1
            while start > 0, tokens[start - 1].isWord, !tokens[start].spaced { start -= 1 }
        }
        // The domain: everything after "@" that is glued, or at least the next word.
        var end = at + 1
        if end < tokens.count, tokens[end].isWord {
            end += 1
            while end < tokens.count, !tokens[end].spaced, tokens[end].isWord || isAt(tokens[end]) { end += 1 }
        }
        guard tokens[start..<end].contains(where: \.isWord) else {
            defects.append(.noAddress(String(tokens.map(\.raw).joined().prefix(80))))
            return nil
        }
        let address = tokens[start..<end].map(\.raw).joined()
        let nameTokens = tokens[..<start].filter(\.isWord) + tokens[end...].filter(\.isWord)
        return Address(name: displayName(Array(nameTokens)), address: address)
    }

    private func isAt(_ token: AddressToken) -> Bool {
        if case .special(ASCII.at) = token.kind { true } else { false }
    }

    /// The display name from phrase words (decoded), else from a comment (`ann@x (Ann)`).
    private func displayName(_ words: [AddressToken]) -> String? {
        var name = words.map(\.phraseText).joined(separator: " ")
        if name.trimmingWhitespace.isEmpty, let comment = comments.first(where: { !$0.trimmingWhitespace.isEmpty }) {
            name = comment
        }
        // Runs of whitespace (from folding, or a space both encoded and literal) read as one.
        let decoded = EncodedWord.decode(name).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return decoded.isEmpty ? nil : decoded
    }
}
