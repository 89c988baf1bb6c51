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
    /// Separator lines are short even in scripts of three bytes a character.
    static let maxSeparatorLength = 200
    /// A field name ("Von", "Enviado el", "تم الإرسال") fits in this many bytes before its colon.
    static let maxFieldNameLength = 40
    /// A header block that does not open with the sender names it among its first fields.
    static let maxFieldsBeforeSender = 2

    /// One entry per line: what the line introduces, or nil where it is no quote header.
    func headers() -> [QuoteHeader?] {
        var marks = [QuoteHeader?](repeating: nil, count: lines.count)
        var line = 0
        while line < lines.count {
            if isQuote[line] || isDelimiter[line] || lines.isBlank(line) {
                line += 1
                continue
            }
            if let separator = separatorKind(line) {
                marks[line] = separator
                line += 1
                continue
            }
            let found: (end: Int, kind: QuoteHeader)? =
                if let end = headerBlockEnd(from: line) {
                    (end, .fieldBlock)
                } else if let end = attributionEnd(from: line) {
                    (end, .attribution)
                } else {
                    nil
                }
            if let found {
                let start = found.kind == .attribution && startsWithWrappedAddress(line, marks) ? line - 1 : line
                for marked in start...found.end { marks[marked] = found.kind }
                line = found.end + 1
            } else {
                line += 1
            }
        }
        return marks
    }

    /// An attribution starting with "<address>" whose name the client wrapped onto the line above:
    /// "Mailgate Destek Müşteri Hizmetleri" / "<support@example.org>, 6 Eki 2014 … şunu yazdı:".
    private func startsWithWrappedAddress(_ line: Int, _ marks: [QuoteHeader?]) -> Bool {
        guard line > 0, lines.trimmed(line).first == ASCII.lessThan else { return false }
        let above = line - 1
        return marks[above] == nil && !isQuote[above] && !isDelimiter[above] && !lines.isBlank(above)
            && lines.trimmed(above).count <= Self.maxFirstLineLength
    }

    // MARK: Separator lines

    /// "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:".
    func separatorKind(_ line: Int) -> QuoteHeader? {
        let trimmed = lines.trimmed(line)
        guard trimmed.count <= Self.maxSeparatorLength else { return nil }
        // Printable ASCII folds to itself or its lower case, so ends like these decide without
        // folding the line: most lines end in a letter or a full stop.
        if let first = trimmed.first, let last = trimmed.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last),
            !Self.isDecoration(first), !Self.isDecoration(last), last != ASCII.colon
        {
            return nil
        }
        // Folded, so "原始邮件：" ends in a plain colon and direction marks are gone.
        let folded = FoldedText(trimmed).bytes
        guard let first = folded.first, let last = folded.last,
            // Without dashes around it or a colon after it, "original message" is just words.
            Self.isDecoration(first) || Self.isDecoration(last) || last == ASCII.colon
        else { return nil }
        var lower = 0
        var upper = folded.count
        while lower < upper, Self.isDecoration(folded[lower]) { lower += 1 }
        while upper > lower, Self.isDecoration(folded[upper - 1]) || folded[upper - 1] == ASCII.colon { upper -= 1 }
        guard lower < upper else { return nil }
        let inner = FoldedText(folded[lower..<upper])
        let patterns = QuoteHeaderPatterns.self
        if patterns.replySeparators.contains(inner) { return .replySeparator }
        if patterns.forwardSeparators.contains(inner) { return .forwardSeparator }
        let decorated = lower >= 2 && upper <= folded.count - 2
        if decorated, patterns.decoratedReplySeparators.contains(inner) { return .replySeparator }
        return nil
    }

    static func isDecoration(_ byte: UInt8) -> Bool {
        switch byte {
        case ASCII.hyphen, ASCII.underscore, ASCII.equals, ASCII.asterisk, ASCII.space: true
        default: false
        }
    }

    // MARK: Header blocks

    /// The field name of a "Name: value" line, folded ("*From:*" and "De :" give "from", "de";
    /// "发件人：" with its full-width colon gives "发件人").
    func fieldKey(_ line: Int) -> [UInt8]? {
        let trimmed = lines.trimmed(line)
        var start = trimmed.startIndex
        while start < trimmed.endIndex, trimmed[start] == ASCII.asterisk || trimmed[start] == ASCII.underscore {
            start += 1
        }
        let searchEnd = min(trimmed.endIndex, start + Self.maxFieldNameLength)
        guard let colon = Self.firstColon(trimmed[start..<searchEnd]) else { return nil }
        var keyEnd = colon
        while keyEnd > start, trimmed[keyEnd - 1] == ASCII.asterisk || trimmed[keyEnd - 1].isWSP { keyEnd -= 1 }
        guard keyEnd > start else { return nil }
        return FoldedText(trimmed[start..<keyEnd]).bytes
    }

    /// The index of the first ":" or "：" (U+FF1A).
    private static func firstColon(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == ASCII.colon { return index }
            if bytes[index] == 0xEF, index + 2 < bytes.endIndex, bytes[index + 1] == 0xBC, bytes[index + 2] == 0x9A {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The last line of a header block starting at `line`: a sender field and at least two of
    /// date, recipients and subject, in any order, opening with the sender, the date or the
    /// subject (wrapped values and single blank lines between fields allowed).
    func headerBlockEnd(from line: Int) -> Int? {
        let patterns = QuoteHeaderPatterns.self
        guard let key = fieldKey(line), patterns.openingKeys.contains(key) else { return nil }
        var hasSender = patterns.senderKeys.contains(key)
        var otherFields = hasSender ? 0 : 1
        var end = line
        var next = line + 1
        while next < lines.count, next - line < Self.maxHeaderBlockLines, !isQuote[next], !isDelimiter[next] {
            if lines.isBlank(next) {
                let after = next + 1
                if after < lines.count, !isQuote[after], !lines.isBlank(after),
                    let afterKey = fieldKey(after), patterns.otherKeys.contains(afterKey)
                {
                    next = after
                    continue
                }
                break
            }
            if let key = fieldKey(next) {
                if patterns.senderKeys.contains(key) {
                    if hasSender { break }  // the next quoted message's block
                    hasSender = true
                } else if patterns.otherKeys.contains(key) {
                    // Blocks that do not open with the sender name it soon, before any recipient:
                    // GMX's "Gesendet:", "Von:"; Thunderbird's "Betreff:", "Datum:", "Von:".
                    if !hasSender, otherFields >= Self.maxFieldsBeforeSender || !patterns.openingKeys.contains(key) {
                        return nil
                    }
                    otherFields += 1
                }
            }
            end = next
            next += 1
        }
        return hasSender && otherFields >= 2 ? end : nil
    }
}
