/// The words of a subject without what mail clients and the help desk put around them.
public enum SubjectLine {
    /// Reply and forward prefixes of common mail clients, lower-cased, without the colon.
    static let prefixes: Set<String> = [
        "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "doorst", "rif", "odp", "tr", "enc", "res",
        "回复", "回覆", "转发", "答复", "ответ", "fwd", "r",
    ]

    /// `Re: AW: [SUPP-1] Printer` → `Printer`: the subject of a follow-up that becomes a ticket of
    /// its own, without the old key (which would thread replies to the old ticket) or the chain.
    public static func base(_ subject: String, removing keys: [TicketKey]) -> String {
        var rest = Substring(removingTokens(of: Set(keys), from: subject)).trimmingSpaces()
        while let colon = rest.firstIndex(where: { $0 == ":" || $0 == "：" }) {
            // "Re[2]" and "Re" both count; anything longer than a prefix ends the chain.
            let word = rest[..<colon].trimmingSpaces().lowercased()
            let bare = word.split(separator: "[").first.map(String.init) ?? word
            guard prefixes.contains(bare) else { break }
            rest = rest[rest.index(after: colon)...].trimmingSpaces()
        }
        let collapsed = rest.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.isEmpty ? "(no subject)" : collapsed
    }
}

extension SubjectLine {
    /// Every bracketed group that `SubjectToken` reads as one of `keys`, removed.
    static func removingTokens(of keys: Set<TicketKey>, from subject: String) -> String {
        var out = ""
        var kept = subject.startIndex
        for token in SubjectToken.tokens(in: subject) where keys.contains(token.key) {
            out += subject[kept..<token.range.lowerBound]
            kept = token.range.upperBound
        }
        return out + subject[kept...]
    }
}
