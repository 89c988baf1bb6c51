extension QuoteHeaderDetector {
    /// The last line of an attribution starting at `line`, joining lines the client wrapped.
    func attributionEnd(from line: Int) -> Int? {
        let first = lines.trimmed(line)
        guard first.count <= Self.maxFirstLineLength else { return nil }
        if Self.isDecoratedAttribution(first) { return line }
        let byYearOnly: Bool
        if Self.startsLikeAttribution(first) {
            byYearOnly = false
        } else if Self.containsYear(first) {
            // A year alone is weak ("In 2019 my boss wrote:"): the attribution must then name
            // an address or a time of day too, as the weekday-first and name-first forms do
            // ("понедельник, 6 октября 2014 г. …", "Ann 於 2014/10/6 10:00 寫道:").
            byYearOnly = true
        } else {
            return nil
        }
        let dated = Self.startsWithNumericDate(first)
        var joined = FoldedText(first)
        func isWhole(_ text: FoldedText) -> Bool {
            Self.isAttribution(text, dated: dated)
                && (!byYearOnly || text.bytes.contains(ASCII.at) || Self.containsTime(text.bytes[...]))
        }
        if isWhole(joined) { return line }
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
            if isWhole(joined) { return next }
            if isQuote[next] { break }
            next += 1
        }
        return nil
    }

    /// Opener word, a date or an address: the ways attribution lines begin. (A year elsewhere in
    /// the line is the weaker sign of the forms that open with a weekday, "понедельник, 6 октября
    /// 2014 г. …", "pon., 6 paź 2014 o 10:00 …", when the address was wrapped onto the next line.)
    static func startsLikeAttribution(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.first else { return false }
        return first.isASCIIDigit || startsWithOpener(line) || line.contains(ASCII.lessThan)
            || line.contains(ASCII.at)
    }

    /// Opener word or a numeric date: enough to end a join started on an earlier line.
    static func startsStrongly(_ line: ArraySlice<UInt8>) -> Bool {
        startsWithOpener(line) || startsWithNumericDate(line)
    }

    static func startsWithOpener(_ line: ArraySlice<UInt8>) -> Bool {
        guard let lead = line.first else { return false }
        let spaced = QuoteHeaderPatterns.openersByLead[Int(lead)].contains { opener in
            line.count > opener.count && line.starts(with: opener) && line[line.startIndex + opener.count] == ASCII.space
        }
        return spaced || QuoteHeaderPatterns.attachedOpeners.contains { line.count > $0.count && line.starts(with: $0) }
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

    /// Four digits from 1900 to 2099 standing alone: "2014", "2014年", "06.10.2014,".
    static func containsYear(_ bytes: some Collection<UInt8>) -> Bool {
        var run = 0
        var century: (UInt8, UInt8) = (0, 0)
        for byte in bytes {
            if byte.isASCIIDigit {
                run += 1
                if run == 1 { century.0 = byte } else if run == 2 { century.1 = byte }
                continue
            }
            if run == 4, century == (0x31, 0x39) || century == (0x32, 0x30) { return true }
            run = 0
        }
        return run == 4 && (century == (0x31, 0x39) || century == (0x32, 0x30))
    }

    private static func quotedContentLength(_ line: ArraySlice<UInt8>) -> Int {
        line.drop { $0 == ASCII.greaterThan || $0.isWSP }.count
    }

    /// Zoho's attribution between dashes and without a colon:
    /// "---- On Tue, 22 Dec 2015 14:17:36 +0530 Ann <ann@example.org> wrote ----".
    static func isDecoratedAttribution(_ line: ArraySlice<UInt8>) -> Bool {
        let rule: Set<UInt8> = [ASCII.hyphen, ASCII.equals]
        guard line.count >= 8, line.prefix(2).allSatisfy(rule.contains), line.suffix(2).allSatisfy(rule.contains)
        else { return false }
        let inner = line.drop { rule.contains($0) || $0.isWSP }.reversed().drop { rule.contains($0) || $0.isWSP }
        let text = FoldedText(ArraySlice(inner.reversed()))
        guard text.bytes.contains(where: { $0.isASCIIDigit || $0 == ASCII.at }) else { return false }
        return endsWithVerb(text) || isAttribution(text, dated: false)
    }

    /// Whether joined, folded text is a whole attribution.
    static func isAttribution(_ text: FoldedText, dated: Bool) -> Bool {
        let bytes = text.bytes
        guard bytes.last == ASCII.colon else { return dated && isDatedAttribution(text) }
        let hasDateOrAddress = bytes.contains { $0.isASCIIDigit || $0 == ASCII.at }
        if hasDateOrAddress {
            let body = text.slice(from: 0, droppingLast: 1)
            if endsWithVerb(body) || QuoteHeaderPatterns.middleVerbs.contains(where: body.contains) { return true }
            if endsWithDatedAddress(body) { return true }
        }
        return dated && isDatedAttribution(text)
    }

    /// "… Ann wrote", "… <ann@example.org> a écrit", "…<hong@example.kr>님이 작성", "…10:00写道".
    static func endsWithVerb(_ body: FoldedText) -> Bool {
        for verb in QuoteHeaderPatterns.closingVerbs where body.hasSuffix(verb) {
            let before = body.count - verb.count
            if before == 0 || Self.wordBoundaries.contains(body.bytes[before - 1]) { return true }
        }
        return QuoteHeaderPatterns.attachedClosings.contains(where: body.hasSuffix)
    }

    /// Bytes after which a verb starts a new word.
    private static let wordBoundaries: Set<UInt8> = [
        ASCII.space, ASCII.quote, ASCII.greaterThan, ASCII.rightParen, ASCII.rightBracket, ASCII.comma,
    ]

    /// Attributions without a verb: an address in brackets right before the colon, and a year
    /// and a time in front of it. Gmail in Japanese ("2014年10月6日(月) 10:00 Taro <taro@example.jp>:"),
    /// Russian, Hebrew and Arabic, Yandex ("06.10.2014, 10:00, "Ivan" <ivan@yandex.ru>:") and
    /// Mail.ru ("Понедельник, 6 октября 2014, 10:00 +04:00 от Ivan <ivan@mail.ru>:").
    static func endsWithDatedAddress(_ body: FoldedText) -> Bool {
        let bytes = body.bytes
        guard bytes.last == ASCII.greaterThan || bytes.last == ASCII.rightParen,
            let open = bytes.lastIndex(where: { $0 == ASCII.lessThan || $0 == ASCII.leftParen }),
            bytes[open...].contains(ASCII.at)
        else { return false }
        return containsYear(bytes[..<open]) && containsTime(bytes[..<open])
    }

    /// "10:00", "9:05": a time of day.
    static func containsTime(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while let colon = bytes[index...].firstIndex(of: ASCII.colon) {
            let digitsAfter = bytes[(colon + 1)...].prefix { $0.isASCIIDigit }.count
            if colon > bytes.startIndex, bytes[colon - 1].isASCIIDigit, digitsAfter == 2 { return true }
            index = colon + 1
        }
        return false
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
