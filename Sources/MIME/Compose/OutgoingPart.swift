/// A file carried by an outgoing message: an attachment offered for download, or an inline part
/// (an image the HTML shows by `cid:`). The writer's mirror of the reader's `Attachment`.
public struct OutgoingPart: Sendable, Equatable {
    /// Offered as a file name to save under; made safe for a header when written.
    public var filename: String
    /// `type/subtype`, e.g. `application/pdf`.
    public var contentType: String
    public var bytes: [UInt8]
    /// Without angle brackets; set for inline parts, which the HTML names as `cid:<contentID>`.
    public var contentID: String?

    public init(filename: String, contentType: String, bytes: [UInt8], contentID: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
        self.contentID = contentID
    }

    /// The part's header fields (folded), its disposition set by `inline`.
    func headerFields(inline: Bool) -> [String] {
        var fields = [
            HeaderFolding.fold(name: "Content-Type", value: "\(Self.mediaType(contentType)); \(Self.filenameParameter("name", filename))"),
            "Content-Transfer-Encoding: base64",
            HeaderFolding.fold(name: "Content-Disposition", value: "\(inline ? "inline" : "attachment"); \(Self.filenameParameter("filename", filename))"),
        ]
        let id = HeaderSanitizer.messageID(contentID ?? "")
        if !id.isEmpty { fields.append("Content-ID: <\(id)>") }
        return fields
    }

    /// The content in base64, 76-character lines, CRLF after the last.
    var encodedBody: [UInt8] {
        let encoded = Base64.encode(bytes, lineLength: 76)
        return encoded.isEmpty || encoded.last == ASCII.lf ? encoded : encoded + [ASCII.cr, ASCII.lf]
    }

    /// A `type/subtype` of RFC 2045 tokens. Anything else, and the composite types (multipart,
    /// message), which may not be sent base64-encoded, become `application/octet-stream`.
    static func mediaType(_ text: String) -> String {
        let lowered = text.lowercased().trimmingWhitespace
        let parts = lowered.split(separator: "/", omittingEmptySubsequences: false)
        let tspecials = Set("()<>@,;:\\\"/[]?=".utf8)
        let isToken = { (part: Substring) in
            !part.isEmpty && part.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !tspecials.contains($0) }
        }
        guard parts.count == 2, isToken(parts[0]), isToken(parts[1]), parts[0] != "multipart", parts[0] != "message" else {
            return "application/octet-stream"
        }
        return lowered
    }

    /// `filename="report.pdf"`; a name that is not printable ASCII, or too long for one line, in
    /// RFC 2231 form with continuations (`filename*0*=utf-8''r%C3%A9sum; filename*1*=%C3%A9.pdf`).
    /// Control characters, quotes and path separators never get through.
    static func filenameParameter(_ parameter: String, _ filename: String) -> String {
        var cleaned = String(filename.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && $0 != "/" && $0 != "\\" && $0 != "\"" })
        cleaned = cleaned.trimmingWhitespace
        if cleaned.isEmpty { cleaned = "attachment" }
        if cleaned.utf8.allSatisfy({ $0 < 0x80 }) && cleaned.utf8.count <= 60 { return "\(parameter)=\"\(cleaned)\"" }
        // Percent-encoded in pieces of at most 60 characters, never splitting an escape.
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let digits = Array("0123456789ABCDEF".utf8)
        var pieces: [String] = ["utf-8''"]
        for byte in cleaned.utf8 {
            let escaped = unreserved.contains(byte)
                ? String(Unicode.Scalar(byte))
                : "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
            if pieces[pieces.count - 1].utf8.count + escaped.utf8.count > 60 { pieces.append("") }
            pieces[pieces.count - 1] += escaped
        }
        return pieces.enumerated().map { "\(parameter)*\($0.offset)*=\($0.element)" }.joined(separator: "; ")
    }
}
