import Foundation
import MIME
import MailgateTestSupport
import Testing

/// The writer mirrors the reader: whatever shape it writes, `Message.parse` reads back the same
/// text, HTML, files and inline parts.
@Suite("Composing HTML, inline parts and attachments")
struct OutgoingMultipartTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func message(html: String? = nil, inline: [OutgoingPart] = [], attachments: [OutgoingPart] = [], text: String = "Hello\n") -> OutgoingMessage {
        var message = OutgoingMessage(
            from: Address(name: "Support", address: "support@example.test"), to: [Address(address: "alice@example.test")],
            subject: "[SUPP-1] Files", textBody: text, messageID: "abc.123@example.test", date: now)
        message.htmlBody = html
        message.inlineParts = inline
        message.attachments = attachments
        return message
    }

    static let logo = OutgoingPart(filename: "logo.png", contentType: "image/png", bytes: [0x89, 0x50, 0x4E, 0x47, 0, 1, 2, 255], contentID: "logo@example.test")
    static let report = OutgoingPart(filename: "Bericht März.pdf", contentType: "application/pdf", bytes: Array("%PDF-1.4\n".utf8) + [0, 200, 13, 10])

    typealias Shape = (name: String, message: OutgoingMessage, contentType: String, files: [String], inline: [Bool])

    static let shapes: [Shape] = [
        ("text only", message(), "text/plain", [], []),
        ("text and html", message(html: "<p>Hello</p>"), "multipart/alternative", [], []),
        ("html with an inline image", message(html: "<p>Hello <img src=\"cid:logo@example.test\"></p>", inline: [logo]),
         "multipart/alternative", ["logo.png"], [true]),
        ("text with an attachment", message(attachments: [report]), "multipart/mixed", ["Bericht März.pdf"], [false]),
        ("everything", message(html: "<p>Hello</p>", inline: [logo], attachments: [report, logo]),
         "multipart/mixed", ["logo.png", "Bericht März.pdf", "logo.png"], [true, false, false]),
    ]

    @Test(arguments: shapes.indices)
    func readsBackWhatWasWritten(index: Int) throws {
        let shape = Self.shapes[index]
        let bytes = shape.message.rendered()
        let parsed = Message.parse(bytes)
        #expect(parsed.root.contentType.mediaType == shape.contentType, "\(shape.name)")
        #expect(parsed.textBody == "Hello\n", "\(shape.name)")
        // Every text part ends with a line end, as the plain text always did.
        #expect(parsed.htmlBody == shape.message.htmlBody.map { $0 + "\n" }, "\(shape.name)")
        #expect(parsed.attachments.map { $0.filename ?? "" } == shape.files, "\(shape.name)")
        #expect(parsed.attachments.map(\.isInline) == shape.inline, "\(shape.name)")
        let written = shape.message.inlineParts.filter { _ in shape.message.htmlBody != nil } + shape.message.attachments
        #expect(parsed.attachments.map { $0.decodedBody() } == written.map(\.bytes), "\(shape.name)")
        #expect(parsed.defects.isEmpty, "\(shape.name): \(parsed.defects)")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "\(shape.name): bare LF")
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 }, "\(shape.name)")
        #expect(bytes.allSatisfy { $0 < 0x80 }, "\(shape.name): 8-bit bytes in the message")
    }

    @Test func theInlineImageKeepsItsContentID() throws {
        let parsed = Message.parse(Self.message(html: "<img src=\"cid:logo@example.test\">", inline: [Self.logo]).rendered())
        #expect(parsed.attachments.first?.contentID == "logo@example.test")
        #expect(parsed.attachments.first?.contentType.mediaType == "image/png")
    }

    @Test func hostileFileNamesAndTypesCannotBreakTheHeader() throws {
        let hostile = OutgoingPart(filename: "a\"b\r\nBcc: victim@example.test\\..//c.txt", contentType: "text/plain\r\nX-Evil: 1", bytes: [1, 2, 3])
        let bytes = Self.message(attachments: [hostile]).rendered()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("\r\nBcc:") && !text.contains("\r\nX-Evil:"))
        let parsed = Message.parse(bytes)
        let file = try #require(parsed.attachments.first)
        #expect(file.contentType.mediaType == "application/octet-stream")
        #expect(file.filename?.contains("/") == false && file.filename?.contains("\"") == false)
        #expect(file.decodedBody() == [1, 2, 3])
    }

    static let names: [String] = [
        "plain.txt", String(repeating: "ä", count: 200) + ".txt", String(repeating: "long-ascii-name-", count: 12) + ".csv",
        "日本語のファイル名.pdf", "semi;colon = and (parens).txt",
    ]

    @Test(arguments: names)
    func fileNamesOfAnyLengthAndScriptComeBack(name: String) throws {
        let bytes = Self.message(attachments: [OutgoingPart(filename: name, contentType: "text/plain", bytes: [65])]).rendered()
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n").filter { $0.hasPrefix("Content-") || $0.hasPrefix(" ") }
        #expect(head.allSatisfy { $0.utf8.count <= 78 }, "\(head.filter { $0.utf8.count > 78 })")
        #expect(Message.parse(bytes).attachments.first?.filename == name)
    }

    static let types: [(given: String, sent: String)] = [
        ("application/pdf", "application/pdf"), ("Image/PNG", "image/png"), ("text/pl=ain", "application/octet-stream"),
        ("message/rfc822", "application/octet-stream"), ("multipart/mixed", "application/octet-stream"), ("pdf", "application/octet-stream"),
        ("text/plain; charset=utf-8", "application/octet-stream"),
    ]

    @Test(arguments: types)
    func onlyPlainMediaTypesAreSentAsGiven(row: (given: String, sent: String)) throws {
        let parsed = Message.parse(Self.message(attachments: [OutgoingPart(filename: "f", contentType: row.given, bytes: [1])]).rendered())
        #expect(parsed.attachments.first?.contentType.mediaType == row.sent)
        #expect(parsed.attachments.first?.decodedBody() == [1])
    }

    @Test func aTextLineThatLooksLikeTheBoundaryDoesNotSplitTheMessage() throws {
        // The boundary is derived from the Message-ID, so a sender could guess it.
        let guessed = "--=_mailgate_abc123exampletest_1\n--=_mailgate_abc123exampletest_2\n"
        let parsed = Message.parse(Self.message(html: "<p>x</p>", attachments: [Self.report], text: guessed).rendered())
        #expect(parsed.textBody == guessed)
        #expect(parsed.attachments.map { $0.filename ?? "" } == ["Bericht März.pdf"])
    }

    @Test("random files of random sizes come back byte for byte", arguments: 0..<8)
    func randomFilesRoundTrip(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let files = (0..<Int(generator.next() % 4) + 1).map { index in
            OutgoingPart(filename: "f\(index).bin", contentType: "application/octet-stream",
                         bytes: SeededGenerator.bytes(count: Int(generator.next() % 5_000), seed: generator.next()))
        }
        let parsed = Message.parse(Self.message(html: "<b>x</b>", attachments: files).rendered())
        #expect(parsed.attachments.map { $0.decodedBody() } == files.map(\.bytes))
    }
}
