/// A leaf of the MIME tree that is not the text a person reads: a file, an inline image, an extra
/// text part, or a part of an attached message.
public struct Attachment: Sendable {
    public var part: MessagePart
    /// Child indices from the message root to the part; an attached message is child 0 of its
    /// message/rfc822 part.
    public var path: [Int]
    /// Meant to be shown inside the body rather than offered as a file: `Content-Disposition:
    /// inline`, or a Content-ID inside multipart/related (an image the HTML refers to by `cid:`).
    public var isInline: Bool

    public init(part: MessagePart, path: [Int], isInline: Bool) {
        self.part = part
        self.path = path
        self.isInline = isInline
    }

    /// The file name, RFC 2231/2047 decoded; nil when the sender gave none.
    public var filename: String? { part.filename }
    public var contentType: ContentType { part.contentType }
    /// The Content-ID without angle brackets.
    public var contentID: String? { part.contentID }

    /// The content with its transfer encoding undone.
    public func decodedBody() -> [UInt8] {
        part.decodedBody()
    }
}
