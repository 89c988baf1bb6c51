import Foundation

/// Renders HTML as plain text for a person to read: tags stripped, block ends as line breaks,
/// script and style dropped, entities decoded, runs of blank lines collapsed.
public enum HTMLText {
    public static func render(_ html: String) -> String {
        var renderer = Renderer(Array(html.utf8))
        return renderer.run()
    }

    private struct Renderer {
        let input: [UInt8]
        var index = 0
        var out: [UInt8] = []
        var pendingSpace = false
        var preDepth = 0
        /// Tag names whose closing tag does not occur again in the rest of the input.
        var unclosed: Set<String> = []
        /// Open `<a>` elements: the link target and where their text starts in `out`.
        var links: [(href: String?, textStart: Int)] = []

        init(_ input: [UInt8]) {
            self.input = input
            out.reserveCapacity(input.count / 2)
        }

        mutating func run() -> String {
            while index < input.count {
                let byte = input[index]
                if byte == ASCII.lessThan {
                    tag()
                } else if byte == ASCII.ampersand {
                    entity()
                } else if byte.isWhitespace {
                    if preDepth > 0 {
                        if byte != ASCII.cr { out.append(byte) }
                    } else {
                        pendingSpace = true
                    }
                    index += 1
                } else {
                    emitByte(byte)
                    index += 1
                }
            }
            return Self.tidy(out)
        }

        /// Appends visible text, writing one space for any whitespace collapsed before it.
        mutating func emitText(_ bytes: [UInt8]) {
            if pendingSpace, let last = out.last, last != ASCII.lf, last != ASCII.space { out.append(ASCII.space) }
            pendingSpace = false
            out += bytes
        }

        /// `emitText` for one byte, without building an array: this is the hot path.
        @inline(__always)
        mutating func emitByte(_ byte: UInt8) {
            if pendingSpace {
                if let last = out.last, last != ASCII.lf, last != ASCII.space { out.append(ASCII.space) }
                pendingSpace = false
            }
            out.append(byte)
        }

        mutating func newline(_ count: Int = 1) {
            pendingSpace = false
            var existing = 0
            for byte in out.reversed() {
                if byte == ASCII.lf { existing += 1 } else if byte != ASCII.space { break }
            }
            if out.isEmpty { return }
            for _ in existing..<max(existing, count) { out.append(ASCII.lf) }
        }

        mutating func tag() {
            let start = index
            if index + 3 < input.count, input[index + 1] == ASCII.exclamation, input[index + 2] == ASCII.hyphen,
               input[index + 3] == ASCII.hyphen {
                index = find(Self.commentEnd, from: index + 4).map { $0 + 3 } ?? input.count
                return
            }
            var cursor = index + 1
            let closing = cursor < input.count && input[cursor] == ASCII.slash
            if closing { cursor += 1 }
            let nameStart = cursor
            while cursor < input.count, input[cursor].isASCIILetter || input[cursor].isASCIIDigit { cursor += 1 }
            let isDeclaration = cursor < input.count && (input[cursor] == ASCII.exclamation || input[cursor] == ASCII.question)
                && cursor == nameStart
            guard cursor > nameStart || isDeclaration else {
                // "<" not starting a tag ("a < b"): it is text.
                emitByte(ASCII.lessThan)
                index = start + 1
                return
            }
            let nameLength = cursor - nameStart
            index = tagEnd(from: cursor)
            // Names longer than any we act on are skipped without building a string.
            guard !isDeclaration, nameLength <= 10 else { return }
            let name = String(unsafeUninitializedCapacity: nameLength) { buffer in
                for offset in 0..<nameLength { buffer[offset] = input[nameStart + offset].asciiLowercased }
                return nameLength
            }
            if name == "a" {
                closing ? closeLink() : links.append((Self.linkTarget(input[cursor..<index]), out.count))
                return
            }
            guard let kind = Self.tagKinds[name] else { return }

            switch kind {
            case .skipContent where !closing:
                skipContent(of: name)
            case .skipContent:
                break
            case .lineBreak:
                pendingSpace = false
                out.append(ASCII.lf)
            case .paragraph:
                newline(2)
            case .block:
                newline()
            case .heading:
                // Headings stand apart like paragraphs.
                newline(closing ? 2 : 1)
            case .listItem:
                newline()
                if !closing { emitText(Array("- ".utf8)) }
                pendingSpace = false
            case .cell:
                if closing { pendingSpace = true }
            case .preformatted:
                newline()
                preDepth = max(0, preDepth + (closing ? -1 : 1))
            }
        }

        /// Ends a link as `text (url)`, so the target survives the loss of markup; not when the
        /// text already is the address, or the target is a fragment or script.
        mutating func closeLink() {
            guard let link = links.popLast(), let href = link.href, link.textStart <= out.count else { return }
            let text = String(decoding: out[link.textStart...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let bare = href.hasPrefix("mailto:") ? String(href.dropFirst("mailto:".count)) : href
            guard !text.isEmpty, text != href, text != bare else { return }
            pendingSpace = true
            emitText(Array("(\(bare))".utf8))
        }

        /// The `href` value among a tag's attributes, entity-decoded; nil for fragments and scripts.
        static func linkTarget(_ attributes: ArraySlice<UInt8>) -> String? {
            let lowered = attributes.map(\.asciiLowercased)
            var cursor = lowered.startIndex
            while let found = Self.firstRange(of: Array("href".utf8), in: lowered, from: cursor) {
                cursor = found + 4
                // "href" must stand alone: not the tail of "data-href".
                if found > lowered.startIndex, !lowered[found - 1].isWhitespace { continue }
                var at = cursor
                while at < lowered.endIndex, lowered[at].isWhitespace { at += 1 }
                guard at < lowered.endIndex, lowered[at] == ASCII.equals else { continue }
                at += 1
                while at < lowered.endIndex, lowered[at].isWhitespace { at += 1 }
                guard at < lowered.endIndex else { return nil }
                let quote = lowered[at] == ASCII.quote || lowered[at] == ASCII.apostrophe ? lowered[at] : nil
                if quote != nil { at += 1 }
                var end = at
                while end < lowered.endIndex, quote.map({ lowered[end] != $0 }) ?? !(lowered[end].isWhitespace || lowered[end] == ASCII.greaterThan) {
                    end += 1
                }
                let offset = at - lowered.startIndex
                let raw = attributes[(attributes.startIndex + offset)..<(attributes.startIndex + offset + end - at)]
                let value = HTMLText.render(String(decoding: raw, as: UTF8.self)).trimmingCharacters(in: .whitespacesAndNewlines)
                let lower = value.lowercased()
                guard !value.isEmpty, !value.hasPrefix("#"), !lower.hasPrefix("javascript:"), !lower.hasPrefix("data:") else { return nil }
                return value
            }
            return nil
        }

        static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
            guard needle.count <= haystack.count else { return nil }
            var cursor = start
            while cursor + needle.count <= haystack.count {
                if haystack[cursor..<(cursor + needle.count)].elementsEqual(needle) { return cursor }
                cursor += 1
            }
            return nil
        }

        static let commentEnd: [UInt8] = Array("-->".utf8)

        /// What a tag does to the text.
        enum TagKind {
            case skipContent, lineBreak, paragraph, block, heading, listItem, cell, preformatted
        }

        static let tagKinds: [String: TagKind] = {
            var kinds: [String: TagKind] = [
                "script": .skipContent, "style": .skipContent, "title": .skipContent, "head": .skipContent,
                "br": .lineBreak, "p": .paragraph, "li": .listItem, "td": .cell, "th": .cell, "pre": .preformatted,
            ]
            for block in ["div", "tr", "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "section", "article",
                          "header", "footer", "address", "hr", "form", "fieldset", "center"] {
                kinds[block] = .block
            }
            for level in 1...6 { kinds["h\(level)"] = .heading }
            return kinds
        }()

        /// The index after the ">" that ends a tag, skipping quoted attribute values. A quote only
        /// opens a value right after "=", so an apostrophe in `<p class=it's>` does not swallow the rest.
        func tagEnd(from start: Int) -> Int {
            var cursor = start
            var quote: UInt8?
            var afterEquals = false
            while cursor < input.count {
                let byte = input[cursor]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if afterEquals, byte == ASCII.quote || byte == ASCII.apostrophe {
                    quote = byte
                } else if byte == ASCII.greaterThan {
                    return cursor + 1
                }
                if !byte.isWhitespace { afterEquals = quote == nil && byte == ASCII.equals }
                cursor += 1
            }
            return input.count
        }

        /// Skips to after `</name>`; head and title content is dropped only when it is closed.
        mutating func skipContent(of name: String) {
            if !unclosed.contains(name) {
                let closer = Array("</\(name)".utf8)
                if let found = find(closer, from: index, caseInsensitive: true) {
                    index = tagEnd(from: found + closer.count)
                    return
                }
                // Remembered, so many unclosed tags of one name cost one search, not one each.
                unclosed.insert(name)
            }
            if name == "script" || name == "style" { index = input.count }
        }

        func find(_ needle: [UInt8], from start: Int, caseInsensitive: Bool = false) -> Int? {
            guard let first = needle.first, input.count >= needle.count else { return nil }
            var cursor = start
            while cursor + needle.count <= input.count {
                if input[cursor].asciiLowercased == first.asciiLowercased,
                   caseInsensitive ? Bytes.hasPrefix(input, at: cursor, caseInsensitive: needle)
                                   : input[cursor..<(cursor + needle.count)].elementsEqual(needle) {
                    return cursor
                }
                cursor += 1
            }
            return nil
        }

        mutating func entity() {
            var cursor = index + 1
            let limit = min(input.count, index + 12)
            while cursor < limit, input[cursor] != ASCII.semicolon, !input[cursor].isWhitespace,
                  input[cursor] != ASCII.ampersand, input[cursor] != ASCII.lessThan {
                cursor += 1
            }
            let body = input[(index + 1)..<cursor]
            let hasSemicolon = cursor < input.count && input[cursor] == ASCII.semicolon
            if let scalar = Self.decodeEntity(body) {
                if scalar == 0xA0 {
                    // A non-breaking space reads as a space, and is not collapsed away.
                    if pendingSpace, let last = out.last, last != ASCII.lf { out.append(ASCII.space) }
                    pendingSpace = false
                    out.append(ASCII.space)
                } else {
                    emitText(Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
                }
                index = hasSemicolon ? cursor + 1 : cursor
            } else {
                emitByte(ASCII.ampersand)
                index += 1
            }
        }

        static func decodeEntity(_ body: ArraySlice<UInt8>) -> UInt32? {
            guard let first = body.first else { return nil }
            if first == ASCII.hash {
                var digits = body.dropFirst()
                var radix: UInt32 = 10
                if let marker = digits.first, marker | 0x20 == 0x78 {   // "x"
                    radix = 16
                    digits = digits.dropFirst()
                }
                guard !digits.isEmpty, digits.count <= 8 else { return nil }
                var value: UInt32 = 0
                for digit in digits {
                    guard let v = digit.hexValue, UInt32(v) < radix else { return nil }
                    value = value * radix + UInt32(v)
                }
                guard value > 0, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return 0xFFFD }
                return value
            }
            return namedEntities[String(decoding: body, as: UTF8.self)]
        }

        /// Trailing spaces removed, at most one blank line in a row, no blank lines at the ends.
        static func tidy(_ bytes: [UInt8]) -> String {
            var lines: [String] = []
            var blank = 0
            for line in bytes.split(separator: ASCII.lf, omittingEmptySubsequences: false) {
                // Only the end is trimmed: leading spaces come from <pre> or &nbsp; and are meant.
                var end = line.endIndex
                while end > line.startIndex, line[end - 1].isWhitespace { end -= 1 }
                let trimmed = line[line.startIndex..<end]
                if trimmed.isEmpty {
                    blank += 1
                    continue
                }
                if !lines.isEmpty, blank > 0 { lines.append("") }
                blank = 0
                lines.append(String(decoding: trimmed, as: UTF8.self))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The named entities seen in mail (the full HTML5 list is 2,000 names of mostly maths).
    static let namedEntities: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0,
        "AMP": 0x26, "LT": 0x3C, "GT": 0x3E, "QUOT": 0x22,
        "copy": 0xA9, "reg": 0xAE, "trade": 0x2122, "hellip": 0x2026, "mdash": 0x2014, "ndash": 0x2013,
        "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E,
        "laquo": 0xAB, "raquo": 0xBB, "lsaquo": 0x2039, "rsaquo": 0x203A,
        "bull": 0x2022, "middot": 0xB7, "deg": 0xB0, "plusmn": 0xB1, "times": 0xD7, "divide": 0xF7,
        "euro": 0x20AC, "pound": 0xA3, "yen": 0xA5, "cent": 0xA2, "sect": 0xA7, "para": 0xB6,
        "iexcl": 0xA1, "iquest": 0xBF, "shy": 0xAD, "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009,
        "zwnj": 0x200C, "zwj": 0x200D, "dagger": 0x2020, "Dagger": 0x2021, "permil": 0x2030, "larr": 0x2190,
        "rarr": 0x2192, "uarr": 0x2191, "darr": 0x2193, "frac12": 0xBD, "frac14": 0xBC, "frac34": 0xBE,
        "sup2": 0xB2, "sup3": 0xB3, "micro": 0xB5, "ordf": 0xAA, "ordm": 0xBA, "not": 0xAC, "acute": 0xB4,
        "Agrave": 0xC0, "Aacute": 0xC1, "Acirc": 0xC2, "Atilde": 0xC3, "Auml": 0xC4, "Aring": 0xC5, "AElig": 0xC6,
        "Ccedil": 0xC7, "Egrave": 0xC8, "Eacute": 0xC9, "Ecirc": 0xCA, "Euml": 0xCB, "Igrave": 0xCC, "Iacute": 0xCD,
        "Icirc": 0xCE, "Iuml": 0xCF, "ETH": 0xD0, "Ntilde": 0xD1, "Ograve": 0xD2, "Oacute": 0xD3, "Ocirc": 0xD4,
        "Otilde": 0xD5, "Ouml": 0xD6, "Oslash": 0xD8, "Ugrave": 0xD9, "Uacute": 0xDA, "Ucirc": 0xDB, "Uuml": 0xDC,
        "Yacute": 0xDD, "THORN": 0xDE, "szlig": 0xDF, "agrave": 0xE0, "aacute": 0xE1, "acirc": 0xE2, "atilde": 0xE3,
        "auml": 0xE4, "aring": 0xE5, "aelig": 0xE6, "ccedil": 0xE7, "egrave": 0xE8, "eacute": 0xE9, "ecirc": 0xEA,
        "euml": 0xEB, "igrave": 0xEC, "iacute": 0xED, "icirc": 0xEE, "iuml": 0xEF, "eth": 0xF0, "ntilde": 0xF1,
        "ograve": 0xF2, "oacute": 0xF3, "ocirc": 0xF4, "otilde": 0xF5, "ouml": 0xF6, "oslash": 0xF8, "ugrave": 0xF9,
        "uacute": 0xFA, "ucirc": 0xFB, "uuml": 0xFC, "yacute": 0xFD, "thorn": 0xFE, "yuml": 0xFF,
        "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192,
    ]
}
