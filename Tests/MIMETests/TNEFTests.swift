import Testing
@testable import MIME

/// winmail.dat (application/ms-tnef): its files become ordinary attachments, its body the text
/// when the message has no other; anything damaged keeps winmail.dat as it is.
@Suite("TNEF (winmail.dat)")
struct TNEFTests {
    /// A message as Outlook sends it: a text part (unless nil), then winmail.dat in base64.
    static func outlookMessage(text: String?, tnef: [UInt8], type: String = "application/ms-tnef; name=\"winmail.dat\"") -> [UInt8] {
        var lines = ["From: Dana <dana@example.test>", "Subject: Quarterly figures", "Content-Type: multipart/mixed; boundary=\"_outlook_\"", ""]
        if let text { lines += ["--_outlook_", "Content-Type: text/plain; charset=utf-8", "", text] }
        lines += ["--_outlook_", "Content-Type: \(type)", "Content-Transfer-Encoding: base64",
                  "Content-Disposition: attachment; filename=\"winmail.dat\"", ""]
        lines += Base64.encode(tnef).split { $0 == 0x0D || $0 == 0x0A }.map { String(decoding: $0, as: UTF8.self) }
        lines += ["--_outlook_--", ""]
        return message(lines)
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
    static let notes = Array("Agenda:\r\n1. Budget\r\n2. Hiring\r\n".utf8)

    /// Two files with the properties Outlook writes around them, and a body of its own.
    static func twoFiles() -> [UInt8] {
        var writer = TNEFWriter(codepage: 1252)
        writer.attribute(level: TNEFWriter.messageLevel, id: TNEFWriter.attSubject, data: Array("Quarterly figures\0".utf8))
        writer.attribute(level: TNEFWriter.messageLevel, id: TNEFWriter.attBody, data: Array("Hello from TNEF\0".utf8))
        writer.file(title: Array("MEETIN~1.TXT".utf8), data: notes, properties: [
            .long(0x0E21, 0), .systemTime(0x3007),
            .unicode(0x3707, "Meeting notes – March.txt"),
            .long(0x3705, 1),
        ])
        writer.file(title: Array("CHART~1.PNG".utf8), data: png, properties: [
            .named("x-custom-flag", value: 7), .boolean(0x7FFE, false), .unicodeList(0x0E1D, ["a", "bcd"]),
            .longList(0x0E2D, [1, 2, 3]), .unicode(0x3707, "chart.png"), .string8(0x370E, Array("image/png".utf8)),
            .string8(0x3712, Array("chart@example.test".utf8)),
        ])
        return writer.bytes
    }

    struct Listed: Equatable {
        var path: [Int]
        var filename: String?
        var mediaType: String
        var bytes: [UInt8]
        var contentID: String?
    }

    static func listed(_ parsed: Message) -> [Listed] {
        parsed.attachments.map {
            Listed(path: $0.path, filename: $0.filename, mediaType: $0.contentType.mediaType, bytes: $0.decodedBody(), contentID: $0.contentID)
        }
    }

    @Test func filesReplaceWinmailDat() {
        let parsed = Message.parse(Self.outlookMessage(text: "Please find the figures attached.", tnef: Self.twoFiles()))
        #expect(parsed.textBody == "Please find the figures attached.")
        #expect(Self.listed(parsed) == [
            Listed(path: [1, 0], filename: "Meeting notes – March.txt", mediaType: "text/plain", bytes: Self.notes, contentID: nil),
            Listed(path: [1, 1], filename: "chart.png", mediaType: "image/png", bytes: Self.png, contentID: "chart@example.test"),
        ])
        #expect(parsed.attachments.allSatisfy { $0.part.origin == .tnefAttachment && !$0.isInline })
        #expect(parsed.defects.isEmpty)
    }

    @Test(arguments: ["application/vnd.ms-tnef", "application/octet-stream; name=\"WINMAIL.DAT\""])
    func otherLabels(_ type: String) {
        let parsed = Message.parse(Self.outlookMessage(text: "See attached.", tnef: Self.twoFiles(), type: type))
        #expect(parsed.attachments.map(\.filename) == ["Meeting notes – March.txt", "chart.png"])
    }

    @Test func bodyIsTheTextWhenThereIsNoOther() {
        var writer = TNEFWriter(codepage: 1252)
        writer.attribute(level: TNEFWriter.messageLevel, id: TNEFWriter.attBody, data: [0x47, 0x72, 0xFC, 0xDF, 0x65, 0x2C, 0x0D, 0x0A, 0x44, 0x61, 0x6E, 0x61, 0])
        writer.file(title: Array("a.txt".utf8), data: Array("a".utf8))
        let parsed = Message.parse(Self.outlookMessage(text: nil, tnef: writer.bytes))
        #expect(parsed.textBody == "Grüße,\nDana")
        #expect(parsed.textBodyPath == [0, 1])
        #expect(parsed.attachments.map(\.filename) == ["a.txt"])
    }

    @Test func mapiBodyWinsOverTheAttribute() {
        var writer = TNEFWriter(codepage: 1252)
        writer.attribute(level: TNEFWriter.messageLevel, id: TNEFWriter.attBody, data: Array("old\0".utf8))
        writer.attribute(level: TNEFWriter.messageLevel, id: TNEFWriter.attMsgProps, data: TNEFWriter.properties([
            .boolean(0x0002, true), .unicode(0x0037, "Quarterly figures"), .unicode(0x1000, "Die Zahlen für Q3 anbei."),
            .binary(0x1009, [0x2D, 0, 0, 0, 0x2B, 0, 0, 0, 0x4C, 0x5A, 0x46, 0x75]),
        ]))
        let parsed = Message.parse(Self.outlookMessage(text: nil, tnef: writer.bytes))
        #expect(parsed.textBody == "Die Zahlen für Q3 anbei.")
        // Nothing to list: the body is the text, and winmail.dat is replaced by its content.
        #expect(parsed.attachments.isEmpty)
    }

    @Test func htmlBodyWhenThereIsNoPlainText() {
        var writer = TNEFWriter(codepage: 1252)
        writer.attribute(level: TNEFWriter.messageLevel, id: TNEFWriter.attMsgProps, data: TNEFWriter.properties([
            .long(0x3FDE, 65001), .binary(0x1013, Array("<html><body><p>Caf\u{E9} &amp; Kuchen</p></body></html>".utf8)),
        ]))
        let parsed = Message.parse(Self.outlookMessage(text: nil, tnef: writer.bytes))
        #expect(parsed.textBody == "Café & Kuchen")
        #expect(parsed.htmlBody?.contains("<p>Café &amp; Kuchen</p>") == true)
    }

    @Test func codePageAppliesToTitles() {
        var writer = TNEFWriter(codepage: 1251)
        writer.file(title: [0xCE, 0xF2, 0xF7, 0xB8, 0xF2] + Array(".txt".utf8), data: [1])
        let parsed = Message.parse(Self.outlookMessage(text: "x", tnef: writer.bytes))
        #expect(parsed.attachments.map(\.filename) == ["Отчёт.txt"])
    }

    @Test func embeddedItemKeepsWinmailDatAsWell() {
        var writer = TNEFWriter(codepage: 1252)
        writer.file(title: Array("invoice.pdf".utf8), data: Array("%PDF-1.4".utf8))
        writer.file(title: nil, data: nil, properties: [
            .unicode(0x3001, "Re: Invoice"), .long(0x3705, 5),
            .object(0x3701, iid: TNEFProperties.messageInterface, [0x78, 0x9F, 0x3E, 0x22, 1, 0]),
        ])
        let tnef = writer.bytes
        let parsed = Message.parse(Self.outlookMessage(text: "Invoice and thread attached.", tnef: tnef))
        #expect(parsed.attachments.map(\.filename) == ["invoice.pdf", "winmail.dat"])
        #expect(parsed.attachments.last?.decodedBody() == tnef)
        #expect(parsed.attachments.last?.contentType.mediaType == "application/ms-tnef")
        #expect(parsed.defects == [.incompleteTNEF(reason: "an embedded Outlook item (\"Re: Invoice\")")])
    }

    @Test func dataOnlyInTheProperties() throws {
        // Some writers give the bytes only as PR_ATTACH_DATA_BIN; an OLE object is not a file.
        var writer = TNEFWriter(codepage: 1252)
        writer.file(title: nil, data: nil, properties: [.binary(0x3701, Array("PK\u{3}\u{4}".utf8)), .unicode(0x3707, "logs.zip")])
        writer.file(title: Array("Picture (Device Independent Bitmap)".utf8), data: [1, 2, 3], renderType: 2)
        let content = try TNEFReader.read(writer.bytes[...], maxAttachments: 10)
        #expect(content.files.map(\.name) == ["logs.zip"])
        #expect(content.files.map(\.data) == [Array("PK\u{3}\u{4}".utf8)])
        #expect(content.unreadable == ["an embedded OLE object (\"Picture (Device Independent Bitmap)\")"])
    }

    @Test(arguments: [
        // (how the stream is damaged, the damage reported)
        ("signature", TNEFDamage.notTNEF),
        // Offsets: signature and key 6, attTnefVersion 15, attMessageClass 35, the file 25 + 17 + 14.
        ("checksum", .badChecksum(attribute: 0x0006_800F, offset: 112)),
        ("cut short", .truncated(offset: 98)),
        ("property count", .unreadableProperties(offset: 121)),
        ("property type", .unreadableProperties(offset: 125)),
    ])
    func damagedStreamIsKeptAsItIs(_ damage: String, _ expected: TNEFDamage) {
        var writer = TNEFWriter()
        writer.file(title: Array("a.txt".utf8), data: Array("one".utf8))
        switch damage {
        case "checksum":
            writer.attribute(level: TNEFWriter.attachmentLevel, id: TNEFWriter.attAttachData, data: [1, 2], checksum: 4)
        case "property count":
            writer.attribute(level: TNEFWriter.attachmentLevel, id: TNEFWriter.attAttachment, data: TNEFWriter.le32(1000) + [0, 0, 0, 0])
        case "property type":
            writer.attribute(level: TNEFWriter.attachmentLevel, id: TNEFWriter.attAttachment, data: TNEFWriter.le32(1) + [0x99, 0x09, 0x07, 0x37])
        default:
            break
        }
        var tnef = writer.bytes
        if damage == "signature" { tnef[0] = 0x79 }
        if damage == "cut short" { tnef.removeLast(3) }
        let parsed = Message.parse(Self.outlookMessage(text: "See attached.", tnef: tnef))
        #expect(parsed.defects == [.damagedTNEF(expected)])
        #expect(Self.listed(parsed) == [
            Listed(path: [1], filename: "winmail.dat", mediaType: "application/ms-tnef", bytes: tnef, contentID: nil),
        ])
    }

    @Test func tooManyAttachments() {
        var writer = TNEFWriter()
        for index in 0..<3 { writer.file(title: Array("f\(index)".utf8), data: [UInt8(index)]) }
        #expect(throws: TNEFDamage.tooManyAttachments(limit: 2)) {
            try TNEFReader.read(writer.bytes[...], maxAttachments: 2)
        }
    }

    /// Written by hand from [MS-OXTNEF] section 2.1, not by `TNEFWriter`: one file, no properties.
    static let handcrafted: [UInt8] = [
        0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00,                          // signature 0x223E9F78, key 1
        0x01, 0x06, 0x90, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00,        // message level, attTnefVersion, 4 bytes
        0x00, 0x00, 0x01, 0x00, 0x01, 0x00,                          //   0x00010000, checksum 1
        0x02, 0x02, 0x90, 0x06, 0x00, 0x0E, 0x00, 0x00, 0x00,        // attachment level, attAttachRendData, 14 bytes
        0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00,              //   type 1 (file), position -1,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFD, 0x03,              //   sizes 0, checksum 0x03FD
        0x02, 0x10, 0x80, 0x01, 0x00, 0x0A, 0x00, 0x00, 0x00,        // attAttachTitle, 10 bytes
        0x6E, 0x6F, 0x74, 0x65, 0x73, 0x2E, 0x74, 0x78, 0x74, 0x00,  //   "notes.txt" NUL
        0xB7, 0x03,                                                  //   checksum 0x03B7
        0x02, 0x0F, 0x80, 0x06, 0x00, 0x06, 0x00, 0x00, 0x00,        // attAttachData, 6 bytes
        0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x0A, 0xFE, 0x01,              //   "Hello\n", checksum 0x01FE
    ]

    @Test func handcraftedStream() throws {
        let content = try TNEFReader.read(Self.handcrafted[...], maxAttachments: 10)
        #expect(content.files.map(\.name) == ["notes.txt"])
        #expect(content.files.map(\.data) == [Array("Hello\n".utf8)])
        #expect(content.text == nil)
        let parsed = Message.parse(Self.outlookMessage(text: "Notes attached.", tnef: Self.handcrafted))
        #expect(Self.listed(parsed) == [
            Listed(path: [1, 0], filename: "notes.txt", mediaType: "text/plain", bytes: Array("Hello\n".utf8), contentID: nil),
        ])
    }

    /// Every prefix and every single-byte change of a stream reads or fails cleanly, never traps.
    @Test func damagedAnywhere() {
        let stream = Self.twoFiles()
        for length in 0...stream.count {
            if let content = try? TNEFReader.read(stream[0..<length], maxAttachments: 10) {
                #expect(content.files.count <= 2)
            }
        }
        for index in stream.indices {
            var changed = stream
            changed[index] ^= 0xA5
            if let content = try? TNEFReader.read(changed[...], maxAttachments: 10) {
                #expect(content.files.count <= 2)
            }
        }
    }
}
