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

    /// A `type/subtype` made of token characters only; anything else is `application/octet-stream`.
    static func mediaType(_ text: String) -> String {
        let lowered = text.lowercased().trimmingWhitespace
        let parts = lowered.split(separator: "/", omittingEmptySubsequences: false)
        let isToken = { (part: Substring) in
            !part.isEmpty && part.utf8.allSatisfy { HeaderText.isAtext($0) && $0 != UInt8(ascii: "/") }
        }
        guard parts.count == 2, isToken(parts[0]), isToken(parts[1]) else { return "application/octet-stream" }
        return lowered
    }

    /// `filename="report.pdf"`, or RFC 2231 `filename*=utf-8''r%C3%A9sum%C3%A9.pdf` when the name
    /// is not printable ASCII. Control characters, quotes and path separators never get through.
    static func filenameParameter(_ parameter: String, _ filename: String) -> String {
        var cleaned = String(filename.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && $0 != "/" && $0 != "\\" && $0 != "\"" })
        cleaned = cleaned.trimmingWhitespace
        if cleaned.isEmpty { cleaned = "attachment" }
        if cleaned.utf8.allSatisfy({ $0 < 0x80 }) { return "\(parameter)=\"\(cleaned)\"" }
        var encoded = "utf-8''"
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in cleaned.utf8 {
            if unreserved.contains(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return "\(parameter)*=\(encoded)"
    }
}
