/// Finds the new text a person wrote in a reply: quoted history and signatures removed.
///
/// Each line is given a kind (`ReplyLineKind`) by byte comparisons against folded patterns,
/// then `ReplyLayout` decides from the sequence of kinds which lines are new. Lines come out
/// as they went in (only a CR before each LF is dropped), so the result is always a selection
/// of the input's lines, with blank lines trimmed from both ends and trailing whitespace from
/// the last line. Time is linear in the input: every pattern is checked at one line's start
/// or end, and attributions are joined over a bounded number of lines.
public enum ReplyExtractor {
    /// The reply's own text; the whole text when nothing looks quoted.
    public static func newText(_ text: String) -> String {
        let lines = ReplyLines(text)
        let kinds = classify(lines)
        let kept = ReplyLayout(kinds: kinds).keptLines()
        guard !kept.isEmpty else { return "" }
        var output: [UInt8] = []
        output.reserveCapacity(kept.reduce(0) { $0 + lines.ranges[$1].count + 1 })
        for (position, line) in kept.enumerated() {
            if position > 0 { output.append(ASCII.lf) }
            output.append(contentsOf: lines[line])
        }
        while let last = output.last, last.isWhitespace { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }

    /// The kind of every line of `lines`.
    static func classify(_ lines: ReplyLines) -> [ReplyLineKind] {
        var kinds = [ReplyLineKind](repeating: .text, count: lines.count)
        for line in 0..<lines.count {
            let trimmed = lines.trimmed(line)
            if trimmed.isEmpty {
                kinds[line] = .blank
            } else if QuotedLine.isQuoted(lines[line]) {
                kinds[line] = .quote
            } else if SignatureDetector.isDelimiter(trimmed) {
                kinds[line] = .delimiter
            }
        }
        let headers = QuoteHeaderDetector(
            lines: lines,
            isQuote: kinds.map { $0 == .quote },
            isDelimiter: kinds.map { $0 == .delimiter }
        ).headers()
        for line in 0..<lines.count {
            if let header = headers[line] { kinds[line] = .header(header) }
        }
        // A footer counts only where it ends the writer's text: followed by nothing but blank
        // lines, other footers, quotes, headers or a delimiter. Checking is the costly part,
        // so it is done from the end backwards, and only on lines in that position.
        var closing = true
        for line in stride(from: lines.count - 1, through: 0, by: -1) {
            switch kinds[line] {
            case .blank, .footer: continue
            case .quote, .header, .delimiter: closing = true
            case .text:
                if closing, SignatureDetector.isMobileFooter(lines.trimmed(line)) {
                    kinds[line] = .footer
                } else {
                    closing = false
                }
            }
        }
        return kinds
    }
}
