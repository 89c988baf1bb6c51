/// One entity of an outgoing MIME tree: a text leaf, a file, or a multipart of entities. The
/// writer builds the same shapes the reader walks (mixed › alternative › related).
indirect enum MIMEEntity {
    case text(subtype: String, String)
    case file(OutgoingPart, inline: Bool)
    case multipart(subtype: String, [MIMEEntity])

    /// Header lines (CRLF after each) and the blank line that ends them.
    static func head(_ lines: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            out += line.utf8
            out += [ASCII.cr, ASCII.lf]
        }
        out += [ASCII.cr, ASCII.lf]
        return out
    }

    /// The entity's own Content-* lines and its body; `boundaries` numbers nested multiparts so
    /// every boundary in the message is distinct.
    func rendered(seed: String, boundaries: inout Int) -> (headers: [String], body: [UInt8]) {
        switch self {
        case .text(let subtype, let text):
            let body = OutgoingMessage.encodedBody(text)
            return (["Content-Type: text/\(subtype); charset=utf-8", "Content-Transfer-Encoding: \(body.encoding)"], body.bytes)
        case .file(let part, let inline):
            return (part.headerFields(inline: inline), part.encodedBody)
        case .multipart(let subtype, let children):
            boundaries += 1
            // Base64 and quoted-printable output never contain "=_", so no encoded body can hold
            // the boundary; a 7bit text line could, and then the number goes up until none does.
            var rendered: [(headers: [String], body: [UInt8])] = []
            for child in children { rendered.append(child.rendered(seed: seed, boundaries: &boundaries)) }
            var boundary = "=_mailgate_\(seed)_\(boundaries)"
            while rendered.contains(where: { Self.contains($0.body, Array(boundary.utf8)) }) {
                boundaries += 1
                boundary = "=_mailgate_\(seed)_\(boundaries)"
            }
            var body: [UInt8] = []
            for child in rendered {
                body += Array("--\(boundary)\r\n".utf8)
                body += Self.head(child.headers)
                body += child.body
                // The CRLF before a boundary belongs to the boundary (RFC 2046 5.1.1): without
                // one more, the body's own last line end would be lost.
                body += [ASCII.cr, ASCII.lf]
            }
            body += Array("--\(boundary)--\r\n".utf8)
            // Folded: with a long Message-ID the line would pass 78 characters.
            return ([HeaderFolding.fold(name: "Content-Type", value: "multipart/\(subtype); boundary=\"\(boundary)\"", structured: true)], body)
        }
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
