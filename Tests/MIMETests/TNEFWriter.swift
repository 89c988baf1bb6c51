/// Writes TNEF streams ([MS-OXTNEF]) for the tests: signature, key, then attributes with their
/// checksums, and MAPI property lists for attMsgProps and attAttachment.
struct TNEFWriter {
    static let messageLevel: UInt8 = 1
    static let attachmentLevel: UInt8 = 2

    // Full attribute ids (type in the high 16 bits).
    static let attTnefVersion: UInt32 = 0x0008_9006
    static let attOemCodepage: UInt32 = 0x0006_9007
    static let attMessageClass: UInt32 = 0x0007_8008
    static let attSubject: UInt32 = 0x0001_8004
    static let attBody: UInt32 = 0x0002_800C
    static let attMsgProps: UInt32 = 0x0006_9003
    static let attAttachRendData: UInt32 = 0x0006_9002
    static let attAttachTitle: UInt32 = 0x0001_8010
    static let attAttachData: UInt32 = 0x0006_800F
    static let attAttachment: UInt32 = 0x0006_9005

    private(set) var bytes: [UInt8] = Self.le32(0x223E_9F78) + Self.le16(0x0001)

    init(codepage: UInt32? = nil) {
        attribute(level: Self.messageLevel, id: Self.attTnefVersion, data: Self.le32(0x0001_0000))
        if let codepage { attribute(level: Self.messageLevel, id: Self.attOemCodepage, data: Self.le32(codepage) + Self.le32(0)) }
        attribute(level: Self.messageLevel, id: Self.attMessageClass, data: Array("IPM.Microsoft Mail.Note\0".utf8))
    }

    /// One attribute; `checksum` overrides the right one (to write a damaged stream).
    mutating func attribute(level: UInt8, id: UInt32, data: [UInt8], checksum: UInt16? = nil) {
        bytes.append(level)
        bytes += Self.le32(id) + Self.le32(UInt32(data.count)) + data
        bytes += Self.le16(checksum ?? data.reduce(0) { $0 &+ UInt16($1) })
    }

    /// A file: attAttachRendData, attAttachTitle, attAttachData, then attAttachment with `properties`.
    mutating func file(title: [UInt8]?, data: [UInt8]?, properties: [Property] = [], renderType: UInt16 = 1) {
        attribute(level: Self.attachmentLevel, id: Self.attAttachRendData, data: Self.le16(renderType) + [UInt8](repeating: 0xFF, count: 4) + [UInt8](repeating: 0, count: 8))
        if let title { attribute(level: Self.attachmentLevel, id: Self.attAttachTitle, data: title + [0]) }
        if let data { attribute(level: Self.attachmentLevel, id: Self.attAttachData, data: data) }
        if !properties.isEmpty { attribute(level: Self.attachmentLevel, id: Self.attAttachment, data: Self.properties(properties)) }
    }

    /// A MAPI property as written in a property list.
    struct Property {
        var bytes: [UInt8]

        /// PT_UNICODE, NUL-terminated UTF-16LE.
        static func unicode(_ id: UInt16, _ text: String) -> Property {
            Property(bytes: TNEFWriter.le16(0x001F) + TNEFWriter.le16(id) + TNEFWriter.variable([TNEFWriter.utf16(text)]))
        }

        /// PT_STRING8, NUL-terminated, in the stream's code page.
        static func string8(_ id: UInt16, _ bytes: [UInt8]) -> Property {
            Property(bytes: TNEFWriter.le16(0x001E) + TNEFWriter.le16(id) + TNEFWriter.variable([bytes + [0]]))
        }

        static func binary(_ id: UInt16, _ bytes: [UInt8]) -> Property {
            Property(bytes: TNEFWriter.le16(0x0102) + TNEFWriter.le16(id) + TNEFWriter.variable([bytes]))
        }

        /// PT_OBJECT: the interface id, then the data.
        static func object(_ id: UInt16, iid: [UInt8], _ bytes: [UInt8]) -> Property {
            Property(bytes: TNEFWriter.le16(0x000D) + TNEFWriter.le16(id) + TNEFWriter.variable([iid + bytes]))
        }

        static func long(_ id: UInt16, _ value: UInt32) -> Property {
            Property(bytes: TNEFWriter.le16(0x0003) + TNEFWriter.le16(id) + TNEFWriter.le32(value))
        }

        /// PT_BOOLEAN, padded to four bytes.
        static func boolean(_ id: UInt16, _ value: Bool) -> Property {
            Property(bytes: TNEFWriter.le16(0x000B) + TNEFWriter.le16(id) + TNEFWriter.le16(value ? 1 : 0) + [0, 0])
        }

        static func systemTime(_ id: UInt16) -> Property {
            Property(bytes: TNEFWriter.le16(0x0040) + TNEFWriter.le16(id) + [UInt8](repeating: 0x11, count: 8))
        }

        /// PT_MV_UNICODE: several strings.
        static func unicodeList(_ id: UInt16, _ texts: [String]) -> Property {
            Property(bytes: TNEFWriter.le16(0x101F) + TNEFWriter.le16(id) + TNEFWriter.variable(texts.map(TNEFWriter.utf16)))
        }

        /// PT_MV_LONG.
        static func longList(_ id: UInt16, _ values: [UInt32]) -> Property {
            Property(bytes: TNEFWriter.le16(0x1003) + TNEFWriter.le16(id) + TNEFWriter.le32(UInt32(values.count))
                     + values.flatMap { TNEFWriter.le32($0) })
        }

        /// A named property (id from 0x8000) with a string name: GUID, kind 1, name, then a PT_LONG value.
        static func named(_ name: String, value: UInt32) -> Property {
            let nameBytes = TNEFWriter.utf16(name)
            return Property(bytes: TNEFWriter.le16(0x0003) + TNEFWriter.le16(0x8001) + [UInt8](repeating: 0xAB, count: 16)
                             + TNEFWriter.le32(1) + TNEFWriter.le32(UInt32(nameBytes.count)) + TNEFWriter.padded(nameBytes)
                             + TNEFWriter.le32(value))
        }
    }

    static func properties(_ properties: [Property]) -> [UInt8] {
        le32(UInt32(properties.count)) + properties.flatMap(\.bytes)
    }

    /// Variable-length values: count, then length, data and padding to four bytes for each.
    static func variable(_ values: [[UInt8]]) -> [UInt8] {
        le32(UInt32(values.count)) + values.flatMap { le32(UInt32($0.count)) + padded($0) }
    }

    /// NUL-terminated UTF-16LE.
    static func utf16(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for unit in text.utf16 { out += le16(unit) }
        return out + [0, 0]
    }

    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
    }

    static func le16(_ value: UInt16) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    static func le32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}
