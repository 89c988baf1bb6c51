/// Reads Outlook's winmail.dat (application/ms-tnef, [MS-OXTNEF]): the files attached inside it
/// and the message body. The stream is a signature, a key, then attributes (level byte, 32-bit
/// id, 32-bit length, data, 16-bit checksum); each attachment starts with attAttachRendData.
/// Every length is checked against the data before it is used; any damage throws, so the caller
/// keeps winmail.dat as it is.
enum TNEFReader {
    static let signature: UInt32 = 0x223E9F78

    /// A file taken out of the stream.
    struct File {
        var name: String?
        /// PR_ATTACH_MIME_TAG when the sender gave one.
        var mediaType: String?
        var contentID: String?
        var data: [UInt8]
    }

    /// What the stream holds that the reader can use.
    struct Content {
        var files: [File] = []
        var text: String?
        var html: String?
        /// Attachments that are not files (an embedded Outlook item, an OLE object), described.
        var unreadable: [String] = []
    }

    // Attribute ids, low 16 bits (the high 16 give the data type, which the reader does not need).
    private static let attBody: UInt32 = 0x800C
    private static let attAttachData: UInt32 = 0x800F
    private static let attAttachTitle: UInt32 = 0x8010
    private static let attAttachRendData: UInt32 = 0x9002
    private static let attMsgProps: UInt32 = 0x9003
    private static let attAttachment: UInt32 = 0x9005
    private static let attOemCodepage: UInt32 = 0x9007

    /// The attributes of one attachment, collected until the next attAttachRendData.
    private struct PendingAttachment {
        var isOLE = false
        var title: ArraySlice<UInt8>?
        var data: ArraySlice<UInt8>?
        var properties = TNEFProperties()
    }

    static func read(_ bytes: ArraySlice<UInt8>, maxAttachments: Int) throws(TNEFDamage) -> Content {
        var cursor = LittleEndianCursor(bytes)
        guard cursor.uint32() == signature, cursor.uint16() != nil else { throw .notTNEF }
        var charset = "windows-1252"
        var bodyAttribute: ArraySlice<UInt8>?
        var messageProperties = TNEFProperties()
        var attachments: [PendingAttachment] = []

        while !cursor.isAtEnd {
            let start = cursor.offset - bytes.startIndex
            // Zero padding after the last attribute, too short to be one.
            if cursor.remaining < 11, bytes[cursor.offset...].allSatisfy({ $0 == 0 }) { break }
            guard let level = cursor.uint8(), let id = cursor.uint32(), let length = cursor.length(),
                  let data = cursor.take(length), let checksum = cursor.uint16()
            else { throw .truncated(offset: start) }
            guard checksum == data.reduce(0, { $0 &+ UInt16($1) }) else { throw .badChecksum(attribute: id, offset: start) }
            let dataOffset = start + 9

            switch id & 0xFFFF {
            case attOemCodepage:
                var codepage = LittleEndianCursor(data)
                if let number = codepage.uint32() { charset = Self.charset(codepage: number) }
            case attBody where level == 1:
                bodyAttribute = data
            case attMsgProps where level == 1:
                messageProperties = try TNEFProperties(reading: data, origin: dataOffset)
            case attAttachRendData:
                guard attachments.count < maxAttachments else { throw .tooManyAttachments(limit: maxAttachments) }
                var attachment = PendingAttachment()
                // RENDDATA starts with the attachment type: 1 a file, 2 an OLE object.
                attachment.isOLE = data.first == 2
                attachments.append(attachment)
            case attAttachTitle, attAttachData, attAttachment:
                // QUIRK: an attachment attribute before any attAttachRendData starts an attachment.
                if attachments.isEmpty { attachments.append(PendingAttachment()) }
                let last = attachments.count - 1
                switch id & 0xFFFF {
                case attAttachTitle: attachments[last].title = data
                case attAttachData: attachments[last].data = data
                default: attachments[last].properties = try TNEFProperties(reading: data, origin: dataOffset)
                }
            default:
                break
            }
        }

        var content = Content()
        content.text = text(messageProperties[TNEFProperties.body], charset: charset)
            ?? bodyAttribute.flatMap { text(.string8($0), charset: charset) }
        if case .integer(let codepage)? = messageProperties[TNEFProperties.internetCodepage] {
            content.html = html(messageProperties[TNEFProperties.bodyHTML], charset: Self.charset(codepage: codepage))
        } else {
            content.html = html(messageProperties[TNEFProperties.bodyHTML], charset: charset)
        }
        for attachment in attachments {
            let properties = attachment.properties
            let name = text(properties[TNEFProperties.attachLongFilename], charset: charset)
                ?? attachment.title.flatMap { text(.string8($0), charset: charset) }
                ?? text(properties[TNEFProperties.attachFilename], charset: charset)
                ?? text(properties[TNEFProperties.displayName], charset: charset)
            var data = attachment.data
            if data == nil, case .binary(let bytes)? = properties[TNEFProperties.attachData] { data = bytes }
            guard let data, !attachment.isOLE else {
                let kind: String
                if case .object(let iid, _)? = properties[TNEFProperties.attachData],
                   iid.elementsEqual(TNEFProperties.messageInterface) {
                    kind = "an embedded Outlook item"
                } else if attachment.isOLE || properties[TNEFProperties.attachData] != nil {
                    kind = "an embedded OLE object"
                } else {
                    kind = "an attachment without data"
                }
                content.unreadable.append(name.map { "\(kind) (\"\($0.prefix(60))\")" } ?? kind)
                continue
            }
            content.files.append(File(
                name: name, mediaType: text(properties[TNEFProperties.attachMIMETag], charset: charset),
                contentID: text(properties[TNEFProperties.attachContentID], charset: charset), data: Array(data)))
        }
        return content
    }

    /// A string property as text without its NUL terminator; nil when absent, empty or not text.
    private static func text(_ value: TNEFProperties.Value?, charset: String) -> String? {
        let decoded: String
        switch value {
        case .string8(let bytes)?:
            decoded = Charset.decode(bytes.prefix { $0 != 0 }, charset: charset).text
        case .unicode(let bytes)?:
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var index = bytes.startIndex
            while index + 1 < bytes.endIndex {
                let unit = UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                if unit == 0 { break }
                units.append(unit)
                index += 2
            }
            decoded = String(decoding: units, as: UTF16.self)
        default:
            return nil
        }
        let trimmed = decoded.trimmingWhitespace
        return trimmed.isEmpty ? nil : decoded
    }

    /// PR_BODY_HTML, stored as bytes in the message's code page (or as a string property).
    private static func html(_ value: TNEFProperties.Value?, charset: String) -> String? {
        if case .binary(let bytes)? = value {
            return text(.string8(bytes), charset: charset)
        }
        return text(value, charset: charset)
    }

    /// The charset name for a Windows code page number (attOemCodepage, PR_INTERNET_CPID).
    static func charset(codepage: UInt32) -> String {
        switch codepage {
        case 65001: "utf-8"
        case 20127: "us-ascii"
        case 28591...28599: "iso-8859-\(codepage - 28590)"
        case 28603: "iso-8859-13"
        case 28605: "iso-8859-15"
        case 20866: "koi8-r"
        case 21866: "koi8-u"
        case 50220, 50221, 50222: "iso-2022-jp"
        case 51932: "euc-jp"
        case 51949: "euc-kr"
        case 1250...1258: "windows-\(codepage)"
        default: "cp\(codepage)"
        }
    }
}
