/// Splits SQL text into statements at the semicolons that end them: not those inside quotes,
/// quoted names, dollar-quoted bodies (`$$ … $$`, `$fn$ … $fn$`) or comments.
enum SQLScript {
    static func statements(_ sql: String) -> [String] {
        var result: [String] = []
        var current: [Character] = []
        let characters = Array(sql)
        var index = 0
        func flush() {
            let text = String(current).trimmingWhitespace()
            if !text.isEmpty { result.append(text) }
            current = []
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "'", "\"":
                // A doubled quote inside is an escaped one: the scan simply closes and reopens.
                let end = characters[(index + 1)...].firstIndex(of: character) ?? characters.count - 1
                current += characters[index...end]
                index = end + 1
            case "-" where index + 1 < characters.count && characters[index + 1] == "-":
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                index = end
            case "$":
                // A dollar-quote tag is `$name$` with name letters, digits or _ (not starting with a digit).
                var tagEnd = index + 1
                while tagEnd < characters.count, characters[tagEnd] == "_" || characters[tagEnd].isLetter || characters[tagEnd].isNumber {
                    tagEnd += 1
                }
                guard tagEnd < characters.count, characters[tagEnd] == "$", !(characters[index + 1].isNumber) else {
                    current.append(character)
                    index += 1
                    continue
                }
                let tag = Array(characters[index...tagEnd])
                var search = tagEnd + 1
                var closing = characters.count
                while search + tag.count <= characters.count {
                    if Array(characters[search..<(search + tag.count)]) == tag {
                        closing = search + tag.count
                        break
                    }
                    search += 1
                }
                current += characters[index..<min(closing, characters.count)]
                index = closing
            case ";":
                flush()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return result
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
