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
        var text = subject
        for key in keys {
            for form in ["[\(key)]", "[#\(key)]"] {
                text = text.replacingOccurrences(ofCaseInsensitive: form)
            }
        }
        var rest = Substring(text).trimmingSpaces()
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

extension String {
    /// Removes every case-insensitive occurrence of `needle` (ASCII case folding suffices for keys).
    func replacingOccurrences(ofCaseInsensitive needle: String) -> String {
        let lowerNeedle = needle.lowercased()
        var out = ""
        var index = startIndex
        while index < endIndex {
            let end = self.index(index, offsetBy: needle.count, limitedBy: endIndex) ?? endIndex
            if self[index..<end].lowercased() == lowerNeedle {
                index = end
            } else {
                out.append(self[index])
                index = self.index(after: index)
            }
        }
        return out
    }
}
