import Crypto
public import Foundation
public import MIME

/// How the gateway reads one message, in the shape `helpdesk parse FILE --json` prints (issue 3):
/// every key always present, `null` where a value is missing.
public struct ParsedMessageReport: Encodable, Sendable {
    public var subject: String?
    public var from: [AddressEntry]
    public var to: [AddressEntry]
    public var cc: [AddressEntry]
    public var replyTo: [AddressEntry]
    /// Without angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    /// ISO 8601 in UTC, e.g. "2026-11-24T09:12:00Z".
    public var date: String?
    public var autoSubmitted: String?
    public var text: String?
    public var html: String?
    public var reply: String?
    public var attachments: [AttachmentEntry]
    public var parts: PartEntry
    public var defects: [String]
    /// Not part of the JSON, whose shape the issue fixes; the human summary shows it.
    public var deliveryStatus: DeliveryStatusReport?

    /// A name and address of From, To, Cc or Reply-To.
    public struct AddressEntry: Encodable, Sendable, Equatable {
        public var name: String?
        public var address: String

        public init(_ address: Address) {
            name = address.name
            self.address = address.address
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(address, forKey: .address)
        }

        enum CodingKeys: String, CodingKey {
            case name, address
        }
    }

    /// One entry of `attachments`: a leaf that is not the chosen text or HTML body.
    public struct AttachmentEntry: Encodable, Sendable, Equatable {
        public var filename: String?
        public var contentType: String
        /// Decoded bytes.
        public var size: Int
        /// Lower-case hex SHA-256 of the decoded bytes, so a file can be recognised without its content.
        public var sha256: String
        public var inline: Bool
        public var contentID: String?

        public init(_ attachment: Attachment) {
            let bytes = attachment.decodedBody()
            filename = attachment.filename
            contentType = attachment.contentType.mediaType
            size = bytes.count
            sha256 = SHA256.hex(of: bytes)
            inline = attachment.isInline
            contentID = attachment.contentID
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(filename, forKey: .filename)
            try container.encode(contentType, forKey: .contentType)
            try container.encode(size, forKey: .size)
            try container.encode(sha256, forKey: .sha256)
            try container.encode(inline, forKey: .inline)
            try container.encode(contentID, forKey: .contentID)
        }

        enum CodingKeys: String, CodingKey {
            case filename, size, sha256, inline
            case contentType = "content_type"
            case contentID = "content_id"
        }
    }

    /// One node of the MIME tree. `charset`, `encoding` and `disposition` are null when the part's
    /// header does not give them (the reader then uses the RFC 2045 defaults).
    public struct PartEntry: Encodable, Sendable, Equatable {
        public var contentType: String
        public var charset: String?
        public var encoding: String?
        public var disposition: String?
        /// The parts of a multipart, or the message inside a message/rfc822 part; empty for a leaf.
        public var parts: [PartEntry]

        public init(_ part: MessagePart) {
            contentType = part.contentType.mediaType
            charset = part.contentType.charset?.lowercased()
            encoding = part.header.contains("Content-Transfer-Encoding") ? part.transferEncoding : nil
            disposition = part.disposition?.value
            parts = part.children.map(PartEntry.init)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(contentType, forKey: .contentType)
            try container.encode(charset, forKey: .charset)
            try container.encode(encoding, forKey: .encoding)
            try container.encode(disposition, forKey: .disposition)
            try container.encode(parts, forKey: .parts)
        }

        enum CodingKeys: String, CodingKey {
            case charset, encoding, disposition, parts
            case contentType = "content_type"
        }
    }

    public init(message: Message) {
        subject = message.subject
        from = message.from.map(AddressEntry.init)
        to = message.to.map(AddressEntry.init)
        cc = message.cc.map(AddressEntry.init)
        replyTo = message.replyTo.map(AddressEntry.init)
        messageID = message.messageID
        inReplyTo = message.inReplyTo
        references = message.references
        date = message.date.map(Self.utcTimestamp)
        autoSubmitted = message.autoSubmitted
        text = message.textBody
        html = message.htmlBody
        reply = message.reply
        attachments = message.attachments.map(AttachmentEntry.init)
        parts = PartEntry(message.root)
        defects = message.defects.map(\.description)
        deliveryStatus = message.deliveryStatus
    }

    /// Parses raw message bytes and reports them.
    public init(bytes: [UInt8]) {
        self.init(message: Message.parse(bytes))
    }

    /// The report as one JSON object, UTF-8, keys sorted.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        // Sorted keys: the encoder cannot keep declaration order, and scripts diff the output.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(cc, forKey: .cc)
        try container.encode(replyTo, forKey: .replyTo)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(inReplyTo, forKey: .inReplyTo)
        try container.encode(references, forKey: .references)
        try container.encode(date, forKey: .date)
        try container.encode(autoSubmitted, forKey: .autoSubmitted)
        try container.encode(text, forKey: .text)
        try container.encode(html, forKey: .html)
        try container.encode(reply, forKey: .reply)
        try container.encode(attachments, forKey: .attachments)
        try container.encode(parts, forKey: .parts)
        try container.encode(defects, forKey: .defects)
    }

    enum CodingKeys: String, CodingKey {
        case subject, from, to, cc, date, text, html, reply, attachments, parts, defects, references
        case replyTo = "reply_to"
        case messageID = "message_id"
        case inReplyTo = "in_reply_to"
        case autoSubmitted = "auto_submitted"
    }

    /// Seconds precision in UTC: mail dates carry no fractions.
    static func utcTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
