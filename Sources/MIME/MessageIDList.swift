/// Message ids from Message-ID, In-Reply-To and References values (RFC 5322 section 3.6.4),
/// tolerant of the phrases and comments old mailers put between them.
public enum MessageIDList {
    /// Every `<…>` token's content, without whitespace; when there is none, the whitespace-separated
    /// tokens that contain "@".
    public static func parse(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        var ids: [String] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == ASCII.lessThan else {
                index += 1
                continue
            }
            var end = index + 1
            var content: [UInt8] = []
            while end < bytes.count, bytes[end] != ASCII.greaterThan, bytes[end] != ASCII.lessThan {
                if !bytes[end].isWhitespace { content.append(bytes[end]) }
                end += 1
            }
            if end < bytes.count, bytes[end] == ASCII.greaterThan {
                if !content.isEmpty { ids.append(String(decoding: content, as: UTF8.self)) }
                index = end + 1
            } else {
                // Unclosed, or a new "<" started: resume at that "<".
                index = end
            }
        }
        if !ids.isEmpty { return ids }
        let separators: Set<UInt8> = [ASCII.space, ASCII.tab, ASCII.cr, ASCII.lf, ASCII.comma]
        let trim: Set<UInt8> = [ASCII.lessThan, ASCII.greaterThan, ASCII.quote, ASCII.leftParen, ASCII.rightParen,
                                ASCII.semicolon, ASCII.apostrophe]
        return bytes.split { separators.contains($0) }.compactMap { token -> String? in
            guard token.contains(ASCII.at) else { return nil }
            var start = token.startIndex
            var end = token.endIndex
            while start < end, trim.contains(token[start]) { start += 1 }
            while end > start, trim.contains(token[end - 1]) { end -= 1 }
            return start < end ? String(decoding: token[start..<end], as: UTF8.self) : nil
        }
    }

    /// The single id of a Message-ID field: the first id found, or the trimmed value when it has
    /// no brackets and no "@" but is one token.
    static func single(_ value: String) -> String? {
        if let first = parse(value).first { return first }
        let trimmed = value.trimmingWhitespace
        guard !trimmed.isEmpty, !trimmed.utf8.contains(where: \.isWhitespace) else { return nil }
        return trimmed
    }
}
