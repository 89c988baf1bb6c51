/// One entity of the MIME tree: its header, content type, and either child parts or a body.
public struct MessagePart: Sendable {
    public var header: MessageHeader
    /// From Content-Type, or the default for where the part sits (text/plain, or message/rfc822
    /// inside multipart/digest) when absent or unreadable.
    public var contentType: ContentType
    /// Content-Transfer-Encoding, lower-cased; "7bit" when absent.
    public var transferEncoding: String
    /// Content-Disposition, when present (value lower-cased: "inline", "attachment").
    public var disposition: ParameterizedValue?
    /// The body as transferred (still transfer-encoded). For a multipart, everything after the
    /// header including the boundary lines.
    public var rawBody: ArraySlice<UInt8>
    /// The parts of a multipart, or the one embedded message of a message/rfc822 part; for a
    /// text or winmail.dat part, the files the reader took out of it (see `origin`).
    public var children: [MessagePart]
    /// Whether the part was read from the MIME structure or made by the reader from content
    /// inside its parent.
    public var origin: PartOrigin = .mime

    public init(
        header: MessageHeader = MessageHeader(), contentType: ContentType = .textPlain, transferEncoding: String = "7bit",
        disposition: ParameterizedValue? = nil, rawBody: ArraySlice<UInt8> = [], children: [MessagePart] = []
    ) {
        self.header = header
        self.contentType = contentType
        self.transferEncoding = transferEncoding
        self.disposition = disposition
        self.rawBody = rawBody
        self.children = children
    }

    /// Whether the sender marked it `Content-Disposition: attachment`.
    public var isAttachment: Bool { disposition?.value == "attachment" }

    /// The file name from Content-Disposition or the Content-Type `name`, RFC 2047/2231 decoded.
    public var filename: String? {
        let raw = disposition?.parameters["filename"] ?? contentType.parameters["name"]
        guard let raw else { return nil }
        // QUIRK: RFC 2047 forbids encoded words in parameters, but most mailers use them there.
        let decoded = EncodedWord.decode(raw).trimmingWhitespace
        return decoded.isEmpty ? nil : decoded
    }

    /// The body with its transfer encoding undone (base64, quoted-printable); other encodings as is.
    public func decodedBody() -> [UInt8] {
        switch transferEncoding {
        case "base64": Base64.decode(rawBody)
        case "quoted-printable": QuotedPrintable.decode(rawBody)
        default: Array(rawBody)
        }
    }

    /// The body as text: transfer-decoded, converted from its charset, line ends "\n"; without
    /// the uuencoded files taken out of it, and unwrapped when it is `format=flowed`.
    public func decodedText() -> Charset.Decoded {
        var body = decodedBody()
        if children.contains(where: { $0.origin == .uuencoded }) { body = UUDecoder.removingBlocks(from: body) }
        var decoded = Charset.decode(body, charset: contentType.charset)
        decoded.text = decoded.text.normalizingLineEnds
        if contentType.isFlowed {
            decoded.text = FormatFlowed.unwrap(decoded.text, deleteSpace: contentType.deletesFlowedSpace)
        }
        return decoded
    }

    /// The parts of the tree in depth-first order, this one first.
    public var allParts: [MessagePart] {
        var result: [MessagePart] = [self]
        for child in children { result += child.allParts }
        return result
    }
}
