/// Decides which lines are the new text, from the kind of each line alone.
///
/// The rules, in order:
/// 1. Nothing after the first delimiter ("-- ", a long rule) is new.
/// 2. App footers go (the classifier only marks those that end the writer's text).
/// 3. A quote header after some text starts the history, and the text is cut there, when what
///    it introduces is unquoted (Outlook, forwarded mail) or is a quote running to the end
///    (top posting). A header whose quote is followed by more text is an inline reply: the
///    header goes, the quote stays as context for the answer under it.
/// 4. Quotes after the last line of text are history. A message without any text keeps its
///    quote when nothing introduced it (a bare "> …" is all there is to show) or when it is
///    forwarded mail; under any other quote header it is a reply that added nothing, and its
///    new text is empty.
/// 5. A message that opens with a header and its quote, then only text (bottom posting), or
///    with a header and unquoted text (a forward without a note), keeps only the text; unless
///    the header is "-----Original Message-----", which says that text is a reply's history.
/// 6. Remaining header lines go; leading and trailing blank lines go.
struct ReplyLayout {
    let kinds: [ReplyLineKind]

    /// The indices of the lines to keep, in order.
    func keptLines() -> [Int] {
        let end = kinds.firstIndex(of: .delimiter) ?? kinds.count
        let lines = (0..<end).filter { kinds[$0] != .footer }
        let cut = historyStart(lines)
        var kept = Array(lines[..<cut])
        kept = withoutTrailingQuotes(kept)
        kept = withoutBottomPostedHistory(kept)
        kept.removeAll { kinds[$0].isHeader }
        guard let first = kept.firstIndex(where: { kinds[$0] != .blank }),
            let last = kept.lastIndex(where: { kinds[$0] != .blank })
        else { return [] }
        return Array(kept[first...last])
    }

    /// Rule 3: the position in `lines` where quoted history starts (`lines.count` if it never does).
    private func historyStart(_ lines: [Int]) -> Int {
        var seenText = false
        var position = 0
        while position < lines.count {
            let kind = kinds[lines[position]]
            if kind == .text { seenText = true }
            guard kind.isHeader, seenText else {
                position += 1
                continue
            }
            var next = position
            while next < lines.count, kinds[lines[next]].isHeader || kinds[lines[next]] == .blank { next += 1 }
            if next == lines.count || kinds[lines[next]] != .quote { return position }
            while next < lines.count, kinds[lines[next]] != .text { next += 1 }
            if next == lines.count { return position }
            position = next
        }
        return lines.count
    }

    /// Rule 4.
    private func withoutTrailingQuotes(_ lines: [Int]) -> [Int] {
        guard let lastText = lines.lastIndex(where: { kinds[$0] == .text }) else {
            let headers = lines.compactMap { kinds[$0].header }
            return headers.isEmpty || headers.contains(.forwardSeparator) ? lines : []
        }
        return Array(lines[...lastText])
    }

    /// Rule 5.
    private func withoutBottomPostedHistory(_ lines: [Int]) -> [Int] {
        guard let firstText = lines.firstIndex(where: { kinds[$0] == .text }) else { return lines }
        let opening = lines[..<firstText]
        let headers = opening.compactMap { kinds[$0].header }
        guard !headers.isEmpty, !lines[firstText...].contains(where: { kinds[$0] == .quote }) else { return lines }
        if opening.contains(where: { kinds[$0] == .quote }) { return Array(lines[firstText...]) }
        // "-----Original Message-----" says what follows is history; any other header may
        // stand above text of its own (a forward, or an answer under "On … wrote:").
        let history = headers.contains(.replySeparator) && !headers.contains(.forwardSeparator)
        return history ? [] : Array(lines[firstText...])
    }
}
