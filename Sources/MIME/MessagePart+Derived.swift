extension MessagePart {
    /// A part the reader made from content inside another part: a uuencoded file, a file or the
    /// body of a winmail.dat. It has no header of its own beyond a Content-ID when one was given;
    /// its bytes are final (no transfer encoding), and a file is marked as an attachment.
    static func derived(
        origin: PartOrigin, contentType: ContentType, bytes: [UInt8], filename: String? = nil, contentID: String? = nil
    ) -> MessagePart {
        var header = MessageHeader()
        if let contentID { header.fields.append(HeaderField(name: "Content-ID", value: "<\(contentID)>")) }
        var disposition: ParameterizedValue?
        if origin != .tnefBody {
            disposition = ParameterizedValue(value: "attachment", parameters: filename.map { ["filename": $0] } ?? [:])
        }
        var part = MessagePart(
            header: header, contentType: contentType, transferEncoding: "binary", disposition: disposition, rawBody: bytes[...])
        part.origin = origin
        return part
    }

    /// Outlook's winmail.dat: application/ms-tnef, or a file of that name sent as octet-stream.
    var isTNEF: Bool {
        guard contentType.type == "application" else { return false }
        switch contentType.subtype {
        case "ms-tnef", "vnd.ms-tnef": return true
        case "octet-stream": return filename.map { Bytes.equalsIgnoringCase($0, "winmail.dat") } == true
        default: return false
        }
    }
}
