/// Folds outgoing header fields (RFC 5322 section 2.2.3) at whitespace so lines stay within 78
/// characters where a space allows it; encoded words and quoted strings are never broken.
enum HeaderFolding {
    static let preferredLength = 78

    /// `Name: value` with CRLF inserted before a run of spaces where the next word would pass the
    /// limit; no final CRLF. `structured` values (addresses) are not folded inside quoted strings.
    static func fold(name: String, value: String, structured: Bool = true) -> String {
        if value.isEmpty { return name + ":" }
        let pieces = structured
            ? splitOutsideQuotes(value)
            : value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var result = name + ":"
        var lineLength = result.utf8.count
        var spaces = 1   // the space after the colon
        for (index, piece) in pieces.enumerated() {
            if index > 0 { spaces += 1 }
            // Extra spaces travel with the next word, so a fold never leaves them dangling.
            if piece.isEmpty, index < pieces.count - 1 { continue }
            let width = spaces + piece.utf8.count
            if index > 0, !piece.isEmpty, lineLength + width > preferredLength {
                result += "\r\n"
                lineLength = 0
            }
            result += String(repeating: " ", count: spaces) + piece
            lineLength += width
            spaces = 0
        }
        return result
    }

    /// Splits at single spaces that are not inside a quoted string (folding inside one would work,
    /// but some readers mishandle it).
    private static func splitOutsideQuotes(_ value: String) -> [String] {
        var units: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        var escaped = false
        for byte in value.utf8 {
            if escaped {
                escaped = false
            } else if byte == ASCII.backslash, inQuotes {
                escaped = true
            } else if byte == ASCII.quote {
                inQuotes.toggle()
            } else if byte == ASCII.space, !inQuotes {
                units.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                continue
            }
            current.append(byte)
        }
        units.append(String(decoding: current, as: UTF8.self))
        return units
    }
}
