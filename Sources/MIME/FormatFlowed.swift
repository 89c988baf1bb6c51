/// Reads `text/plain; format=flowed` (RFC 3676): lines ending in a space were wrapped by the
/// sender and are joined back into paragraphs, so readers (and the reply extractor) see what
/// was written rather than where the sender's client broke it.
enum FormatFlowed {
    /// Unwraps `text` ("\n" line ends). A flowed line joins the next line of the same quote
    /// depth; quoted paragraphs keep one ">" per level and a space ("> text", ">> text").
    /// `deleteSpace` is `DelSp=yes`: the space that marks a soft break was added by the sender,
    /// not typed, and is dropped when joining (section 4.2).
    static func unwrap(_ text: String, deleteSpace: Bool) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        // The quote depth of the paragraph a flowed line left open; nil when the last line was fixed.
        var openDepth: Int?
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != ASCII.lf { lineEnd += 1 }
            var index = lineStart
            var depth = 0
            while index < lineEnd, bytes[index] == ASCII.greaterThan {
                depth += 1
                index += 1
            }
            // Space-stuffing (section 4.4): one space after the quote marks was added by the sender.
            if index < lineEnd, bytes[index] == ASCII.space { index += 1 }
            var content = bytes[index..<lineEnd]
            // The signature separator "-- " is never flowed (section 4.3).
            let isSignatureSeparator = content.elementsEqual([ASCII.hyphen, ASCII.hyphen, ASCII.space])
            let isFlowed = !isSignatureSeparator && content.last == ASCII.space
            if let open = openDepth, open != depth {
                // A change of quote depth ends the paragraph whatever the last line said (section 4.5).
                out.append(ASCII.lf)
                openDepth = nil
            }
            if isFlowed, deleteSpace { content = content.dropLast() }
            if openDepth == nil, depth > 0 {
                out += repeatElement(ASCII.greaterThan, count: depth)
                if !content.isEmpty { out.append(ASCII.space) }
            }
            out += content
            if isFlowed {
                openDepth = depth
            } else if lineEnd < bytes.count {
                out.append(ASCII.lf)
                openDepth = nil
            }
            lineStart = lineEnd + 1
        }
        // A paragraph still open at the end keeps the line end the text had.
        if openDepth != nil, bytes.last == ASCII.lf { out.append(ASCII.lf) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension ContentType {
    /// `text/plain; format=flowed` (RFC 3676); other types ignore the parameter.
    var isFlowed: Bool {
        isPlainText && parameters["format"].map { Bytes.equalsIgnoringCase($0.trimmingWhitespace, "flowed") } == true
    }

    /// `DelSp=yes`: the space before each soft break is to be removed when unwrapping.
    var deletesFlowedSpace: Bool {
        parameters["delsp"].map { Bytes.equalsIgnoringCase($0.trimmingWhitespace, "yes") } == true
    }
}
