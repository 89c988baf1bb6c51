/// Recognises where a signature starts ("-- ", separator rules) and app footers ("Sent from my iPhone").
enum SignatureDetector {
    /// Lines longer than this are sentences, not footers; checked before any work is done.
    static let maxFooterLength = 300
    static let maxFooterWords = 12

    /// A line after which nothing the writer wrote follows: the "-- " signature delimiter (also
    /// without its space, as many clients send it) and the long rules Outlook and mailing lists
    /// draw. Short rules ("---", "***", "===") stay: people use them inside their text.
    static func isDelimiter(_ trimmed: ArraySlice<UInt8>) -> Bool {
        guard let first = trimmed.first else { return false }
        if trimmed.elementsEqual([ASCII.hyphen, ASCII.hyphen]) { return true }
        switch first {
        case ASCII.underscore: return trimmed.count >= 5 && trimmed.allSatisfy { $0 == ASCII.underscore }
        case ASCII.hyphen: return trimmed.count >= 10 && trimmed.allSatisfy { $0 == ASCII.hyphen }
        default: return false
        }
    }

    /// An app's footer line. Whether it is at the end of the text is the caller's question.
    static func isMobileFooter(_ trimmed: ArraySlice<UInt8>) -> Bool {
        guard !trimmed.isEmpty, trimmed.count <= maxFooterLength else { return false }
        let text = withoutLinksAndBrackets(FoldedText(trimmed))
        guard !text.isEmpty, text.wordCount <= maxFooterWords else { return false }
        let patterns = MobileFooterPatterns.self
        if patterns.exactFooters.contains(text) { return true }
        for prefix in patterns.deviceOwnerPrefixes where text.hasPrefix(prefix) {
            let (clause, rest) = splitClause(text.slice(from: prefix.count))
            if (1...6).contains(clause.wordCount), isApology(rest) { return true }
        }
        for prefix in patterns.appPrefixes where text.hasPrefix(prefix) {
            let (clause, rest) = splitClause(text)
            if patterns.deviceWords.contains(where: clause.contains), isApology(rest) { return true }
        }
        if text.wordCount <= 5, patterns.fromDeviceSuffixes.contains(where: text.hasSuffix) { return true }
        if text.wordCount <= 6, patterns.appSuffixes.contains(where: text.hasSuffix),
            patterns.deviceWords.contains(where: text.contains)
        {
            return true
        }
        for prefix in patterns.outlookPrefixes where text.hasPrefix(prefix) {
            let rest = text.slice(from: prefix.count)
            if rest.wordCount <= 3, patterns.outlookPlatforms.contains(where: rest.contains) { return true }
        }
        return false
    }

    /// Empty, or an apology for the device's typing ("please excuse typos").
    private static func isApology(_ rest: FoldedText) -> Bool {
        rest.isEmpty || MobileFooterPatterns.apologyWords.contains(where: rest.contains)
    }

    /// The text up to the first ", ", ". ", "; " or " - ", and what follows it.
    private static func splitClause(_ text: FoldedText) -> (FoldedText, FoldedText) {
        let bytes = text.bytes
        var index = 0
        while index + 1 < bytes.count {
            let byte = bytes[index]
            let next = bytes[index + 1]
            if [ASCII.comma, ASCII.dot, ASCII.semicolon, ASCII.exclamation].contains(byte), next == ASCII.space {
                return (FoldedText(bytes[..<index]), FoldedText(bytes[(index + 1)...]))
            }
            if byte == ASCII.space, next == ASCII.hyphen, index + 2 < bytes.count, bytes[index + 2] == ASCII.space {
                return (FoldedText(bytes[..<index]), FoldedText(bytes[(index + 2)...]))
            }
            index += 1
        }
        return (text, FoldedText())
    }

    /// The words of a footer without its links and decoration: "Get [Outlook for Android](https://…)"
    /// reads "get outlook for android", "<<sent by galaxy>>" reads "sent by galaxy".
    static func withoutLinksAndBrackets(_ text: FoldedText) -> FoldedText {
        let bytes = text.bytes
        let http = Array("http".utf8)
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x68, bytes[index...].starts(with: http), isURLStart(bytes, index + http.count) {
                // A URL runs to the next space; a glued one ("iOShttps://…") ends the word before it.
                while index < bytes.count, bytes[index] != ASCII.space { index += 1 }
                kept.append(ASCII.space)
                continue
            }
            switch bytes[index] {
            case ASCII.lessThan, ASCII.greaterThan, ASCII.leftParen, ASCII.rightParen,
                ASCII.leftBracket, ASCII.rightBracket, ASCII.asterisk, ASCII.underscore, ASCII.quote:
                kept.append(ASCII.space)
            default:
                kept.append(bytes[index])
            }
            index += 1
        }
        // Trailing full stops and the like do not change what the footer says.
        while let last = kept.last, [ASCII.dot, ASCII.exclamation, ASCII.comma, ASCII.space, 0x7E].contains(last) {
            kept.removeLast()
        }
        return FoldedText(kept[...])
    }

    private static func isURLStart(_ bytes: [UInt8], _ index: Int) -> Bool {
        let rest = bytes[min(index, bytes.count)...]
        return rest.starts(with: Array("://".utf8)) || rest.starts(with: Array("s://".utf8))
    }
}
