public import Foundation

/// A parsed message: the header fields a help desk needs, decoded, plus the text a person reads.
public struct Message: Sendable {
    public var header: MessageHeader
    /// RFC 2047 decoded, unfolded, trimmed.
    public var subject: String?
    public var from: [Address]
    public var to: [Address]
    public var cc: [Address]
    public var replyTo: [Address]
    public var sender: Address?
    /// From Return-Path: "" for `<>` (a bounce or other automatic notice), nil when absent.
    public var returnPath: String?
    /// Without angle brackets.
    public var messageID: String?
    /// Message ids without angle brackets.
    public var inReplyTo: [String]
    public var references: [String]
    /// nil when absent or unreadable.
    public var date: Date?
    /// Lower-cased token, e.g. "auto-replied" (RFC 3834).
    public var autoSubmitted: String?
    /// Lower-cased, e.g. "bulk".
    public var precedence: String?
    /// The list identifier from List-Id (RFC 2919), without angle brackets.
    public var listID: String?
    /// The text a person reads: the first text/plain part that is not an attachment, else the
    /// first HTML part rendered as text; "\n" line ends.
    public var textBody: String?
    /// The first text/html part that is not an attachment, decoded but not rendered.
    public var htmlBody: String?
    /// Where `textBody` came from: child indices from `root` (`[]` is the root itself; an attached
    /// message is child 0 of its message/rfc822 part). The HTML part's path when the text is rendered HTML.
    public var textBodyPath: [Int]?
    /// Where `htmlBody` came from, as for `textBodyPath`.
    public var htmlBodyPath: [Int]?
    /// The MIME tree; its root carries the message header.
    public var root: MessagePart
    /// Everything the reader had to bend or skip.
    public var defects: [Defect]

    /// An empty message, to fill in field by field (tests, synthesised events).
    public init() {
        header = MessageHeader()
        from = []
        to = []
        cc = []
        replyTo = []
        inReplyTo = []
        references = []
        root = MessagePart()
        defects = []
    }

    /// Parses raw message bytes (CRLF or LF line ends). Never fails and never traps: whatever
    /// cannot be read is skipped and listed in `defects`.
    public static func parse(_ bytes: [UInt8]) -> Message {
        var parser = PartParser()
        let root = parser.parse(bytes[...])
        var defects = parser.defects
        let header = root.header
        var message = Message()
        message.header = header
        message.root = root

        if let subject = header["Subject"] {
            // A tab left by unfolding ("…\r\n\tmore") is a fold, not content: show it as a space.
            let unfolded = subject.contains("\t") ? subject.replacing("\t", with: " ") : subject
            message.subject = EncodedWord.decode(unfolded, defects: &defects).trimmingWhitespace
        }
        func addresses(_ name: String, allFields: Bool) -> [Address] {
            let values = allFields ? header.all(name) : header[name].map { [$0] } ?? []
            return values.flatMap { AddressParser.parse($0, defects: &defects) }
        }
        message.from = addresses("From", allFields: false)
        message.to = addresses("To", allFields: true)
        message.cc = addresses("Cc", allFields: true)
        message.replyTo = addresses("Reply-To", allFields: false)
        message.sender = addresses("Sender", allFields: false).first
        message.returnPath = header["Return-Path"].map(Self.returnPath)
        message.messageID = header["Message-ID"].flatMap(MessageIDList.single)
        message.inReplyTo = header.all("In-Reply-To").flatMap(MessageIDList.parse)
        message.references = header.all("References").flatMap(MessageIDList.parse)
        if let date = header["Date"] {
            message.date = RFC5322Date.parse(date)
            if message.date == nil { defects.append(.unreadableDate(String(date.prefix(80)))) }
        }
        message.autoSubmitted = header["Auto-Submitted"].flatMap(Self.leadingToken)
        message.precedence = header["Precedence"].flatMap(Self.leadingToken)
        message.listID = header["List-Id"].flatMap(Self.listID)

        (message.textBody, message.htmlBody, message.textBodyPath, message.htmlBodyPath) =
            TextSelection(root: root).bodies(defects: &defects)
        message.defects = defects
        return message
    }

    /// Parses raw message bytes held in `Data`.
    public static func parse(_ data: Data) -> Message {
        parse([UInt8](data))
    }

    /// Every leaf part that is not the chosen text or HTML body, in document order, including the
    /// leaves of attached messages (files, inline images, extra text parts, forwarded bodies).
    public var attachments: [Attachment] {
        AttachmentList.collect(root: root, excluding: [textBodyPath, htmlBodyPath].compactMap(\.self))
    }

    /// `<>` → "", `<a@x>` → "a@x" (route dropped), a bare value → itself (trimmed).
    static func returnPath(_ value: String) -> String {
        guard let open = value.firstIndex(of: "<") else {
            return value.trimmingWhitespace
        }
        let rest = value[value.index(after: open)...]
        var inner = String(rest.prefix { $0 != ">" }).filter { !$0.isWhitespace }
        if inner.hasPrefix("@"), let colon = inner.firstIndex(of: ":") {
            inner = String(inner[inner.index(after: colon)...])
        }
        return inner
    }

    /// The first token, lower-cased: `auto-replied; owner=…` → "auto-replied".
    static func leadingToken(_ value: String) -> String? {
        let token = value.split { $0 == ";" || $0 == " " || $0 == "\t" || $0 == "(" }.first.map(String.init)
        guard let token, !token.isEmpty else { return nil }
        return token.lowercased()
    }

    /// `Support <support.example.test>` → "support.example.test"; without brackets, the trimmed value.
    static func listID(_ value: String) -> String? {
        if let open = value.lastIndex(of: "<") {
            let inner = String(value[value.index(after: open)...].prefix { $0 != ">" }).trimmingWhitespace
            if !inner.isEmpty { return inner }
        }
        let trimmed = value.trimmingWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }
}
