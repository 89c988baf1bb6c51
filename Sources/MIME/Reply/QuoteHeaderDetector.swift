/// Finds the lines that introduce quoted history: attributions ("On … wrote:"), separator lines
/// ("-----Original Message-----") and header blocks of quoted messages ("From:/Sent:/To:").
struct QuoteHeaderDetector {
    let lines: ReplyLines
    /// Lines quoted with ">": inside quoted history, except as the wrapped tail of an attribution.
    let isQuote: [Bool]
    /// Delimiter lines, which never belong to a header.
    let isDelimiter: [Bool]

    /// An attribution's first line is short; a longer line is a paragraph that happens to match.
    static let maxFirstLineLength = 300
    /// Clients wrap attributions over a few lines; beyond this much text it is not one.
    static let maxAttributionLength = 400
    static let maxContinuationLines = 4
    /// A header block longer than this is text that happens to start with "From:".
    static let maxHeaderBlockLines = 30

    /// One flag per line: true where the line is part of a quote header.
    func headerLines() -> [Bool] {
        var marks = [Bool](repeating: false, count: lines.count)
        var line = 0
        while line < lines.count {
            if isQuote[line] || isDelimiter[line] || lines.isBlank(line) {
                line += 1
                continue
            }
            let end: Int? =
                if isSeparatorLine(line) { line } else { headerBlockEnd(from: line) ?? attributionEnd(from: line) }
            if let end {
                for marked in line...end { marks[marked] = true }
                line = end + 1
            } else {
                line += 1
            }
        }
        return marks
    }

    // MARK: Separator lines

    /// "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:".
    func isSeparatorLine(_ line: Int) -> Bool {
        let trimmed = lines.trimmed(line)
        guard let first = trimmed.first, let last = trimmed.last, trimmed.count <= 120,
            // Without dashes around it or a colon after it, "original message" is just words.
            Self.isDecoration(first) || Self.isDecoration(last) || last == ASCII.colon
        else { return false }
        var lower = trimmed.startIndex
        var upper = trimmed.endIndex
        while lower < upper, Self.isDecoration(trimmed[lower]) { lower += 1 }
        while upper > lower, Self.isDecoration(trimmed[upper - 1]) || trimmed[upper - 1] == ASCII.colon { upper -= 1 }
        guard lower < upper else { return false }
        let inner = FoldedText(trimmed[lower..<upper])
        return QuoteHeaderPatterns.separatorPhrases.contains(inner)
    }

    private static func isDecoration(_ byte: UInt8) -> Bool {
        switch byte {
        case ASCII.hyphen, ASCII.underscore, ASCII.equals, ASCII.asterisk, ASCII.space: true
        default: false
        }
    }

    // MARK: Header blocks

    /// The field name of a "Name: value" line, folded ("*From:*" and "De :" give "from", "de").
    func fieldKey(_ line: Int) -> [UInt8]? {
        let trimmed = lines.trimmed(line)
        var start = trimmed.startIndex
        while start < trimmed.endIndex, trimmed[start] == ASCII.asterisk || trimmed[start] == ASCII.underscore {
            start += 1
        }
        let searchEnd = min(trimmed.endIndex, start + 32)
        guard let colon = trimmed[start..<searchEnd].firstIndex(of: ASCII.colon) else { return nil }
        var keyEnd = colon
        while keyEnd > start, trimmed[keyEnd - 1] == ASCII.asterisk || trimmed[keyEnd - 1].isWSP { keyEnd -= 1 }
        guard keyEnd > start else { return nil }
        return FoldedText(trimmed[start..<keyEnd]).bytes
    }

    /// The last line of a header block starting at `line`: a sender field, then at least two of
    /// date, recipients and subject (wrapped values and single blank lines between fields allowed).
    func headerBlockEnd(from line: Int) -> Int? {
        guard let key = fieldKey(line), QuoteHeaderPatterns.senderKeys.contains(key) else { return nil }
        var otherFields = 0
        var end = line
        var next = line + 1
        while next < lines.count, next - line < Self.maxHeaderBlockLines, !isQuote[next], !isDelimiter[next] {
            if lines.isBlank(next) {
                let after = next + 1
                if after < lines.count, !isQuote[after], !lines.isBlank(after),
                    let afterKey = fieldKey(after), QuoteHeaderPatterns.otherKeys.contains(afterKey)
                {
                    next = after
                    continue
                }
                break
            }
            if let key = fieldKey(next) {
                if QuoteHeaderPatterns.otherKeys.contains(key) {
                    otherFields += 1
                } else if QuoteHeaderPatterns.senderKeys.contains(key) {
                    break  // the next quoted message's block
                }
            }
            end = next
            next += 1
        }
        return otherFields >= 2 ? end : nil
    }

    // MARK: Attributions

    /// The last line of an attribution starting at `line`, joining lines the client wrapped.
    func attributionEnd(from line: Int) -> Int? {
        let first = lines.trimmed(line)
        guard first.count <= Self.maxFirstLineLength, Self.startsLikeAttribution(first) else { return nil }
        let dated = Self.startsWithNumericDate(first)
        var joined = FoldedText(first)
        if Self.isAttribution(joined, dated: dated) { return line }
        var blanks = 0
        var added = 0
        var next = line + 1
        while next < lines.count, added < Self.maxContinuationLines, !isDelimiter[next] {
            if lines.isBlank(next) {
                blanks += 1
                if blanks > 1 { break }
                next += 1
                continue
            }
            let piece = lines.trimmed(next)
            // A line that itself opens an attribution is where the real one starts.
            if Self.startsStrongly(piece) { break }
            // An address wrapped after "<" leaves "> wrote:" or ">:" looking like a quote;
            // anything longer that is quoted is the quoted text itself.
            if isQuote[next], Self.quotedContentLength(piece) > 24 { break }
            joined.appendSpace()
            joined.append(piece)
            added += 1
            if joined.count > Self.maxAttributionLength { break }
            if Self.isAttribution(joined, dated: dated) { return next }
            if isQuote[next] { break }
            next += 1
        }
        return nil
    }

    /// Opener word, a date, or an address: the ways attribution lines begin.
    static func startsLikeAttribution(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.first else { return false }
        return first.isASCIIDigit || startsWithOpener(line) || line.contains(ASCII.lessThan) || line.contains(ASCII.at)
    }

    /// Opener word or a numeric date: enough to end a join started on an earlier line.
    static func startsStrongly(_ line: ArraySlice<UInt8>) -> Bool {
        startsWithOpener(line) || startsWithNumericDate(line)
    }

    static func startsWithOpener(_ line: ArraySlice<UInt8>) -> Bool {
        QuoteHeaderPatterns.openers.contains { opener in
            line.count > opener.count && line.starts(with: opener) && line[line.startIndex + opener.count] == ASCII.space
        }
    }

    /// "2016-10-24 …", "2013/7/20 …": how Gmail dates an attribution in some locales.
    static func startsWithNumericDate(_ line: ArraySlice<UInt8>) -> Bool {
        var index = line.startIndex
        func digits(_ minimum: Int, _ maximum: Int) -> Bool {
            var count = 0
            while index < line.endIndex, line[index].isASCIIDigit, count < maximum {
                index += 1
                count += 1
            }
            return count >= minimum
        }
        func separator() -> Bool {
            guard index < line.endIndex, line[index] == ASCII.hyphen || line[index] == ASCII.slash || line[index] == ASCII.dot
            else { return false }
            index += 1
            return true
        }
        guard digits(4, 4), separator(), digits(1, 2), separator(), digits(1, 2) else { return false }
        return index == line.endIndex || line[index].isWSP
    }

    private static func quotedContentLength(_ line: ArraySlice<UInt8>) -> Int {
        line.drop { $0 == ASCII.greaterThan || $0.isWSP }.count
    }

    /// Whether joined, folded text is a whole attribution.
    static func isAttribution(_ text: FoldedText, dated: Bool) -> Bool {
        guard let last = text.last else { return false }
        let bytes = text.bytes
        let hasDateOrAddress = bytes.contains { $0.isASCIIDigit || $0 == ASCII.at }
        let fullWidthColon: [UInt8] = [0xEF, 0xBC, 0x9A]
        let colonLength = last == ASCII.colon ? 1 : (bytes.count >= 3 && bytes.suffix(3).elementsEqual(fullWidthColon) ? 3 : 0)
        if colonLength > 0, hasDateOrAddress {
            let body = text.slice(from: 0, droppingLast: colonLength)
            for verb in QuoteHeaderPatterns.closingVerbs where body.hasSuffix(verb) {
                let before = body.count - verb.count
                if before == 0 || [ASCII.space, ASCII.quote, ASCII.greaterThan, ASCII.rightParen].contains(body.bytes[before - 1]) {
                    return true
                }
            }
            if QuoteHeaderPatterns.middleVerbs.contains(where: body.contains) { return true }
        }
        return dated && isDatedAttribution(text)
    }

    /// "2016-10-24 15:36 GMT+02:00 Ann <ann@example.org>:", "2016-03-03 17:21 GMT+01:00 Ann Lee",
    /// "2013/7/20 ann <ann@example.org>": Gmail's attribution without a verb.
    static func isDatedAttribution(_ text: FoldedText) -> Bool {
        let bytes = text.bytes
        if bytes.contains(ASCII.at), bytes.last == ASCII.colon || bytes.last == ASCII.greaterThan { return true }
        let words = bytes.split(separator: ASCII.space, maxSplits: 12)
        guard words.count >= 4, words.count <= 12 else { return false }
        let time = words[1]
        let isTime = time.count >= 4 && time.count <= 5 && time.allSatisfy { $0.isASCIIDigit || $0 == ASCII.colon }
            && time.contains(ASCII.colon)
        let zone = words[2]
        return isTime && (zone.starts(with: Array("gmt".utf8)) || zone.starts(with: Array("utc".utf8)))
    }
}
