/// Finds the boundary a multipart really uses when the one its Content-Type declares is not in
/// the body: a boundary folded onto the next header line (`boundary="----=_Part_1` + ` _2"`)
/// keeps the fold's whitespace, and a fold without indentation cuts the value short.
enum BoundaryRecovery {
    /// How many `--xxx` lines are tried as the boundary before giving up (each try is a split).
    static let maxCandidates = 8
    /// RFC 2046 allows 70 characters; senders exceed that, but not by this much.
    static let maxLength = 200

    /// The boundary and the split it gives, or nil when no line of the body fits.
    static func recover(
        in body: ArraySlice<UInt8>, declared: String?, maxParts: Int
    ) -> (boundary: String, split: MultipartSplitter.Result)? {
        let declaredBytes = declared.map { Array($0.utf8).filter { !$0.isWhitespace } } ?? []
        func split(_ boundary: [UInt8]) -> (boundary: String, split: MultipartSplitter.Result)? {
            let result = MultipartSplitter.split(body, boundary: boundary, maxParts: maxParts)
            return result.parts.isEmpty ? nil : (String(decoding: boundary, as: UTF8.self), result)
        }
        // The declared boundary with the fold's whitespace taken out.
        if let declared, declaredBytes.count != declared.utf8.count, !declaredBytes.isEmpty,
           let found = split(declaredBytes) {
            return found
        }
        // Otherwise the first "--xxx" line that looks like a boundary: it starts the declared one
        // (or the declared one starts it), or a part header follows it.
        var tried: Set<[UInt8]> = []
        var position = body.startIndex
        while position < body.endIndex, tried.count < maxCandidates {
            let line = HeaderParser.line(in: body, at: position)
            defer { position = line.next }
            guard line.end - line.start >= 3, body[line.start] == ASCII.hyphen, body[line.start + 1] == ASCII.hyphen else { continue }
            let token = Array(Bytes.trimmed(body[(line.start + 2)..<line.end]))
            guard !token.isEmpty, token.count <= maxLength, token.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
                  !tried.contains(token)
            else { continue }
            let resembles = !declaredBytes.isEmpty && min(token.count, declaredBytes.count) >= 4
                && (token.starts(with: declaredBytes) || declaredBytes.starts(with: token))
            guard resembles || partHeaderFollows(line, in: body) else { continue }
            tried.insert(token)
            if let found = split(token) { return found }
        }
        return nil
    }

    /// Whether the line after `line` is a `Content-…:` field, as at the start of a MIME part.
    private static func partHeaderFollows(_ line: HeaderParser.Line, in body: ArraySlice<UInt8>) -> Bool {
        let next = HeaderParser.line(in: body, at: line.next)
        return !next.isEmpty && Bytes.hasPrefix(body, at: next.start, caseInsensitive: Array("content-".utf8))
            && HeaderParser.fieldNameEnd(in: body, line: next) != nil
    }
}
