/// Recognises lines quoted from an earlier message.
enum QuotedLine {
    /// Deeper indentation is a code block (Markdown's four spaces), where ">" is data, not quoting.
    static let maxIndent = 3
    /// Supercite prefixes the writer's initials ("JD> "); longer words before ">" are text.
    static let maxInitials = 3

    /// "> text", ">text", "  > text", and Supercite's "AB> text" / "C>".
    static func isQuoted(_ line: ArraySlice<UInt8>) -> Bool {
        var index = line.startIndex
        while index < line.endIndex, line[index] == ASCII.space, index - line.startIndex < maxIndent { index += 1 }
        guard index < line.endIndex else { return false }
        if line[index] == ASCII.greaterThan { return true }
        let initialsStart = index
        while index < line.endIndex, line[index] >= 0x41, line[index] <= 0x5A, index - initialsStart < maxInitials {
            index += 1
        }
        guard index > initialsStart, index < line.endIndex, line[index] == ASCII.greaterThan else { return false }
        let after = index + 1
        return after == line.endIndex || line[after] == ASCII.space || line[after] == ASCII.greaterThan
    }
}
