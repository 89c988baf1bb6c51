/// The `[SUPP-42]` token that ties a subject line to a ticket.
public enum SubjectToken {
    /// Every ticket key in brackets in `subject` (`[SUPP-42]`, also `[#SUPP-42]`) whose prefix is
    /// one of `prefixes` (compared case-insensitively), in order of appearance.
    public static func keys(in subject: String, prefixes: Set<String>) -> [TicketKey] {
        let wanted = Set(prefixes.map { $0.uppercased() })
        var keys: [TicketKey] = []
        for token in tokens(in: subject) where wanted.contains(token.key.prefix) && !keys.contains(token.key) {
            keys.append(token.key)
        }
        return keys
    }

    /// Every bracketed ticket key in `subject`, any prefix, with the range of its brackets.
    static func tokens(in subject: String) -> [(key: TicketKey, range: Range<String.Index>)] {
        var found: [(key: TicketKey, range: Range<String.Index>)] = []
        var rest = subject[...]
        while let open = rest.firstIndex(of: "[") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "]") else { break }
            var inside = rest[afterOpen..<close].trimmingSpaces()
            if inside.hasPrefix("#") { inside = inside.dropFirst() }
            if let key = TicketKey(inside) { found.append((key, open..<subject.index(after: close))) }
            // A nested "[" restarts the search there, so "[[SUPP-1]" still finds the key.
            rest = rest[afterOpen...]
        }
        return found
    }

    /// The subject with `[KEY]` added in front, unless it already carries that key.
    public static func tagged(_ subject: String, with key: TicketKey) -> String {
        if keys(in: subject, prefixes: [key.prefix]).contains(key) { return subject }
        let trimmed = subject.trimmingSpaces()
        return trimmed.isEmpty ? "[\(key)]" : "[\(key)] \(trimmed)"
    }
}

extension StringProtocol {
    func trimmingSpaces() -> SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
