/// Attached messages whose damage would otherwise hide their parts, and the files in them.
extension PartParser {
    /// An attached message that starts with empty lines would be read as a header-less body,
    /// its parts and files lost; skips up to a few of them when a header follows.
    mutating func skippingBlankLines(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        for _ in 0..<4 {
            let line = HeaderParser.line(in: bytes, at: start)
            guard line.isEmpty, line.next < bytes.endIndex else { break }
            start = line.next
        }
        guard start > bytes.startIndex else { return bytes }
        let rest = bytes[start...]
        let first = HeaderParser.line(in: rest, at: start)
        guard HeaderParser.fieldNameEnd(in: rest, line: first) != nil,
              HeaderParser.parse(rest).header.fields.count >= 2
        else { return bytes }
        defects.append(.blankLinesBeforeHeader)
        return rest
    }

    /// The message inside a part labelled text/plain that starts with a message header whose
    /// Content-Type is a multipart found in the body (a forward saved as text); nil otherwise.
    /// Read as text, its parts, and the files among them, would be lost in one text blob.
    func mislabelledMessage(_ part: MessagePart) -> ArraySlice<UInt8>? {
        guard part.contentType.isPlainText, part.transferEncoding != "base64" else { return nil }
        let body = part.rawBody
        let first = HeaderParser.line(in: body, at: body.startIndex)
        // The cheap test first: most text does not start with "Name: value".
        guard !first.isEmpty, HeaderParser.fieldNameEnd(in: body, line: first) != nil else { return nil }
        let inner = part.transferEncoding == "quoted-printable" ? part.decodedBody()[...] : body
        let header = HeaderParser.parse(inner)
        guard let raw = header.header["Content-Type"], let type = ContentType(parsing: raw), type.isMultipart,
              let boundary = type.boundary, !boundary.isEmpty,
              ["From", "Date", "Subject", "Message-ID", "MIME-Version"].contains(where: header.header.contains)
        else { return nil }
        let split = MultipartSplitter.split(inner[header.bodyStart...], boundary: Array(boundary.utf8), maxParts: 1)
        return split.parts.isEmpty ? nil : inner
    }
}
