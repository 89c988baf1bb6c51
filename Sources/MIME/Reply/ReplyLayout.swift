/// Decides which lines are the new text, from the kind of each line alone.
///
/// The rules, in order:
/// 1. Nothing after the first delimiter ("-- ", a long rule) is new.
/// 2. App footers go (the classifier only marks those that end the writer's text).
/// 3. A quote header after some text starts the history, and the text is cut there, when what
///    it introduces is unquoted (Outlook, forwarded mail) or is a quote running to the end
///    (top posting). A header whose quote is followed by more text is an inline reply: the
///    header goes, the quote stays as context for the answer under it.
/// 4. Quotes after the last line of text are history, unless there is no text at all (a
///    message that is only a quote keeps it: there is nothing else to show).
/// 5. A message that opens with a header and its quote, then only text (bottom posting, or a
///    forward with a note under it), keeps only the text.
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
        kept.removeAll { kinds[$0] == .header }
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
            guard kind == .header, seenText else {
                position += 1
                continue
            }
            var next = position
            while next < lines.count, kinds[lines[next]] == .header || kinds[lines[next]] == .blank { next += 1 }
            if next == lines.count || kinds[lines[next]] != .quote { return position }
            while next < lines.count, kinds[lines[next]] != .text { next += 1 }
            if next == lines.count { return position }
            position = next
        }
        return lines.count
    }

    /// Rule 4.
    private func withoutTrailingQuotes(_ lines: [Int]) -> [Int] {
        guard let lastText = lines.lastIndex(where: { kinds[$0] == .text }) else { return lines }
        return Array(lines[...lastText])
    }

    /// Rule 5.
    private func withoutBottomPostedHistory(_ lines: [Int]) -> [Int] {
        guard let firstText = lines.firstIndex(where: { kinds[$0] == .text }),
            lines[..<firstText].contains(where: { kinds[$0] == .header }),
            !lines[firstText...].contains(where: { kinds[$0] == .quote })
        else { return lines }
        return Array(lines[firstText...])
    }
}
