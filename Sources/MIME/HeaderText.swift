/// Turns text into outgoing header syntax: phrases (display names) and unstructured text
/// (Subject), using RFC 2047 encoded words only for the words that need them.
enum HeaderText {
    /// Longest plain word kept as is; longer ones are encoded so no line exceeds 998 octets.
    static let maxPlainWord = 900

    /// A display name: atoms as is, otherwise a quoted string, or encoded words when non-ASCII.
    static func phrase(_ name: String, maxWordLength: Int = 68) -> String {
        let needsEncoding = !Bytes.isASCII(name.utf8) || name.contains("=?") || name.utf8.count > maxPlainWord
        if !needsEncoding {
            let words = name.split(separator: " ", omittingEmptySubsequences: false)
            if words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isAtext) }) { return name }
            return quoted(name)
        }
        return encodeWords(name, maxWordLength: maxWordLength) { word in
            !word.isEmpty && word.utf8.allSatisfy(isAtext)
        }
    }

    /// Unstructured text (RFC 5322 section 3.2.5): printable ASCII words as is, the rest encoded.
    static func unstructured(_ text: String, maxWordLength: Int = 68) -> String {
        encodeWords(text, maxWordLength: maxWordLength) { word in
            word.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } && !word.contains("=?") && word.utf8.count <= maxPlainWord
        }
    }

    /// Splits at spaces; consecutive words that are not `plain` are encoded together, spaces and
    /// all (a decoder drops the whitespace between encoded words, so it must be inside them).
    private static func encodeWords(_ text: String, maxWordLength: Int, plain: (Substring) -> Bool) -> String {
        var output: [String] = []
        var run: [Substring] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            output.append(EncodedWord.encode(run.joined(separator: " "), maxLength: maxWordLength).joined(separator: " "))
            run.removeAll()
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if word.isEmpty {
                // Extra spaces: inside a run they are encoded with it, elsewhere they stay literal.
                if run.isEmpty { output.append("") } else { run.append(word) }
            } else if plain(word) {
                flushRun()
                output.append(String(word))
            } else {
                run.append(word)
            }
        }
        flushRun()
        return output.joined(separator: " ")
    }

    /// A quoted string with `"` and `\` escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    /// atext of RFC 5322 section 3.2.3.
    static func isAtext(_ byte: UInt8) -> Bool {
        if byte.isASCIILetter || byte.isASCIIDigit { return true }
        switch byte {
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2F, 0x3D, 0x3F, 0x5E, 0x5F, 0x60, 0x7B, 0x7C, 0x7D, 0x7E:
            return true
        default:
            return false
        }
    }
}
