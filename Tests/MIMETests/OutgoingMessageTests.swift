import Foundation
import MailgateTestSupport
import Testing
@testable import MIME

@Suite("Outgoing messages")
struct OutgoingMessageTests {
    static let date = Date(timeIntervalSince1970: 1_057_049_557)

    /// The header lines (physical, before the empty line) and the body of rendered bytes.
    static func split(_ bytes: [UInt8]) -> (header: [String], body: String) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0].components(separatedBy: "\r\n"), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// Every line ends in CRLF, no bare CR or LF, none longer than 998 octets.
    static func checkWireForm(_ bytes: [UInt8]) {
        #expect(bytes.suffix(2) == [ASCII.cr, ASCII.lf])
        for (index, byte) in bytes.enumerated() {
            if byte == ASCII.lf { #expect(index > 0 && bytes[index - 1] == ASCII.cr) }
            if byte == ASCII.cr { #expect(index + 1 < bytes.count && bytes[index + 1] == ASCII.lf) }
        }
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
    }

    @Test func rendersHeaderInOrder() {
        var outgoing = OutgoingMessage(
            from: Address(name: "Support", address: "support@example.test"),
            to: [Address(name: "Ann Example", address: "ann@example.test")],
            subject: "[SUPP-1] Your request", textBody: "Hello Ann,\nwe are on it.\n",
            messageID: "abc.123@example.test", date: Self.date)
        outgoing.cc = [Address(address: "cc@example.test")]
        outgoing.replyTo = [Address(address: "support+t1@example.test")]
        outgoing.inReplyTo = ["orig@example.test"]
        outgoing.references = ["first@example.test", "orig@example.test"]
        outgoing.extraHeaders = [HeaderField(name: "Auto-Submitted", value: "auto-replied"),
                                 HeaderField(name: "X-Mailgate-Ticket", value: "SUPP-1")]
        let (header, body) = Self.split(outgoing.rendered())
        #expect(header == [
            "Date: Tue, 1 Jul 2003 08:52:37 +0000",
            "From: Support <support@example.test>",
            "To: Ann Example <ann@example.test>",
            "Cc: cc@example.test",
            "Reply-To: support+t1@example.test",
            "Subject: [SUPP-1] Your request",
            "Message-ID: <abc.123@example.test>",
            "In-Reply-To: <orig@example.test>",
            "References: <first@example.test> <orig@example.test>",
            "Auto-Submitted: auto-replied",
            "X-Mailgate-Ticket: SUPP-1",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 7bit",
        ])
        #expect(body == "Hello Ann,\r\nwe are on it.\r\n")
        Self.checkWireForm(outgoing.rendered())
    }

    struct RoundTripCase: Sendable, CustomTestStringConvertible {
        var label: String
        var from: Address
        var to: [Address]
        var subject: String
        var body: String
        var references: [String]
        var testDescription: String { label }
    }

    static let roundTripCases: [RoundTripCase] = [
        RoundTripCase(
            label: "ASCII", from: Address(name: "Help Desk", address: "support@example.test"),
            to: [Address(name: "Example, Ann", address: "ann@example.test"), Address(address: "bob@example.test")],
            subject: "Re: [SUPP-12] Printer on floor 3 prints only blank pages since the update last week, please help",
            body: "Hi,\n\nthanks for the report.\n-- \nSupport", references: (1...12).map { "ref\($0).x@example.test" }),
        RoundTripCase(
            label: "non-ASCII", from: Address(name: "Jörg Müller (Support)", address: "support@example.test"),
            to: [Address(name: "André Pirard", address: "andre@example.test"),
                 Address(name: "山田 太郎", address: "taro@example.test"),
                 Address(name: "\"Quoted\" \\ Name, Esq.", address: "q@example.test")],
            subject: "Re: [SUPP-7] Ärger mit der Rechnung – 請求書の問題について、至急ご確認ください 👍🏽 and some ASCII words to fold",
            body: "Grüße aus Köln!\n" + String(repeating: "Sehr langer Absatz mit Umlauten äöü. ", count: 10) + "\nEnde =\n",
            references: ["a@example.test"]),
        RoundTripCase(
            label: "long line ASCII body", from: Address(address: "support@example.test"),
            to: [Address(address: "ann@example.test")], subject: "x",
            body: String(repeating: "0123456789", count: 120) + "\nshort\n", references: []),
    ]

    @Test(arguments: roundTripCases)
    func roundTrip(testCase: RoundTripCase) {
        var outgoing = OutgoingMessage(
            from: testCase.from, to: testCase.to, subject: testCase.subject, textBody: testCase.body,
            messageID: MessageIDGenerator.make(domain: "example.test"), date: Self.date)
        outgoing.inReplyTo = testCase.references.suffix(1)
        outgoing.references = testCase.references
        let bytes = outgoing.rendered()
        Self.checkWireForm(bytes)

        let (header, body) = Self.split(bytes)
        for line in header {
            // Folded where a space allows: only unbreakable units may pass 78.
            if line.utf8.count > 78 { #expect(!line.dropFirst().contains(" "), "not folded: \(line)") }
        }
        if body.contains("=\r\n") || !Bytes.isASCII(testCase.body.utf8) {
            #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        }

        let parsed = Message.parse(bytes)
        #expect(parsed.subject == testCase.subject)
        #expect(parsed.from == [testCase.from])
        #expect(parsed.to == testCase.to)
        #expect(parsed.messageID == outgoing.messageID)
        #expect(parsed.inReplyTo == outgoing.inReplyTo)
        #expect(parsed.references == testCase.references)
        #expect(parsed.date == Self.date)
        let expectedBody = testCase.body.hasSuffix("\n") ? testCase.body : testCase.body + "\n"
        #expect(parsed.textBody == expectedBody)
        #expect(parsed.defects.isEmpty)
    }

    /// Random subjects, names and bodies (specials, encoded-word look-alikes, combining marks,
    /// emoji) survive rendering and parsing; seeded, so a failure reproduces.
    @Test func randomRoundTrips() {
        var generator = SeededGenerator(seed: 822)
        let pool = Array("abcXYZ 019 \"\\()<>@,;:.=?_-'\t éüß日本語👍🏽\u{301}=?utf-8?q?x?=")
        func text(_ maximum: Int) -> String {
            String((0..<Int.random(in: 0...maximum, using: &generator)).map { _ in pool.randomElement(using: &generator)! })
        }
        for index in 0..<300 {
            let (subject, name, body) = (text(120), text(40), text(300))
            let outgoing = OutgoingMessage(
                from: Address(name: name, address: "a@example.test"), to: [Address(address: "b@example.test")],
                subject: subject, textBody: body, messageID: "id\(index)@example.test", date: Self.date)
            let bytes = outgoing.rendered()
            let parsed = Message.parse(bytes)
            // Tabs go out as spaces; display names read with single spaces.
            let expectedSubject = subject.replacingOccurrences(of: "\t", with: " ").trimmingWhitespace
            let expectedName = name.replacingOccurrences(of: "\t", with: " ").split(separator: " ").joined(separator: " ")
            #expect(parsed.subject == expectedSubject)
            #expect((parsed.from.first?.name ?? "") == expectedName)
            #expect(parsed.from.first?.address == "a@example.test")
            var expectedBody = body.normalizingLineEnds
            if !expectedBody.isEmpty, !expectedBody.hasSuffix("\n") { expectedBody += "\n" }
            #expect(parsed.textBody == expectedBody)
            #expect(parsed.defects.isEmpty)
            let header = Self.split(bytes).header
            #expect(header.allSatisfy { $0.utf8.count <= 78 || !$0.dropFirst().contains(" ") })
        }
    }

    @Test func chooses7bitOrQuotedPrintable() {
        #expect(OutgoingMessage.encodedBody("ascii only\n").encoding == "7bit")
        #expect(OutgoingMessage.encodedBody(String(repeating: "x", count: 998)).encoding == "7bit")
        #expect(OutgoingMessage.encodedBody(String(repeating: "x", count: 999)).encoding == "quoted-printable")
        #expect(OutgoingMessage.encodedBody("café").encoding == "quoted-printable")
        #expect(OutgoingMessage.encodedBody("a\rb\r\nc").bytes == Array("a\r\nb\r\nc\r\n".utf8))
        #expect(OutgoingMessage.encodedBody("").bytes.isEmpty)
    }

    @Test func encodedWordsStayShortAndWhole() {
        let outgoing = OutgoingMessage(
            from: Address(name: String(repeating: "Ü", count: 60), address: "u@example.test"), to: [],
            subject: String(repeating: "日本語", count: 30), textBody: "", messageID: "m@example.test", date: Self.date)
        let (header, _) = Self.split(outgoing.rendered())
        let words = header.joined(separator: " ").split(separator: " ").filter { $0.hasPrefix("=?") }
        #expect(words.count > 4)
        for word in words {
            #expect(word.utf8.count <= 75)
            #expect(!EncodedWord.decode(String(word)).contains("\u{FFFD}"))
        }
        #expect(header.allSatisfy { $0.utf8.count <= 78 })
        let parsed = Message.parse(outgoing.rendered())
        #expect(parsed.subject == String(repeating: "日本語", count: 30))
        #expect(parsed.from.first?.name == String(repeating: "Ü", count: 60))
    }

    @Test func headerInjectionIsNeutralised() {
        var outgoing = OutgoingMessage(
            from: Address(name: "Ann\r\nBcc: evil1@example.test", address: "ann@example.test\r\nBcc: evil2@example.test"),
            to: [Address(name: "Bob\nX-Evil: 1", address: "bob@example.test")],
            subject: "Hello\r\nBcc: evil3@example.test\r\n\r\nInjected body",
            textBody: "body", messageID: "id@example.test>\r\nBcc: evil4@example.test", date: Self.date)
        outgoing.inReplyTo = ["x@example.test\r\nBcc: evil5@example.test"]
        outgoing.extraHeaders = [
            HeaderField(name: "X-Ticket\r\nBcc", value: "1\r\nBcc: evil6@example.test"),
            HeaderField(name: "Subject", value: "second subject"),
            HeaderField(name: "\r\n", value: "nameless"),
        ]
        let bytes = outgoing.rendered()
        Self.checkWireForm(bytes)
        let parsed = Message.parse(bytes)
        let names = parsed.header.fields.map { $0.name.lowercased() }
        #expect(!names.contains("bcc"))
        #expect(!names.contains("x-evil"))
        #expect(names == ["date", "from", "to", "subject", "message-id", "in-reply-to", "x-ticketbcc",
                          "mime-version", "content-type", "content-transfer-encoding"])
        #expect(parsed.subject == "Hello Bcc: evil3@example.test Injected body")
        #expect(parsed.textBody == "body\n")
        #expect(parsed.defects.isEmpty)
    }

    @Test func messageIDGenerator() {
        let ids = (0..<1_000).map { _ in MessageIDGenerator.make(domain: "example.test") }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(10) {
            #expect(id.hasSuffix("@example.test"))
            #expect(!id.contains("<") && !id.contains(">") && !id.contains(" "))
            #expect(MessageIDList.parse("<\(id)>") == [id])
        }
        #expect(MessageIDGenerator.make(domain: " \r\n").hasSuffix("@localhost"))
        // 16 hex digits, a dot, the time in base 36, then the domain; a hostile one cleaned.
        let id = MessageIDGenerator.make(domain: "Example-1.test")
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        #expect(parts.count == 2 && parts[1] == "Example-1.test")
        let local = parts[0].split(separator: ".")
        #expect(local.count == 2 && local[0].count == 16 && local[0].allSatisfy(\.isHexDigit))
        #expect(local.last.flatMap { UInt64($0, radix: 36) }.map { $0 > 1_700_000_000_000 } == true)
        #expect(MessageIDGenerator.make(domain: "ex<am>ple.test\r\n@x").hasSuffix("@example.testx"))
    }
}
