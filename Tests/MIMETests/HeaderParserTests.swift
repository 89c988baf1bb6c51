import Testing
@testable import MIME

@Suite("Header parsing")
struct HeaderParserTests {
    @Test(arguments: ["\r\n", "\n"])
    func unfoldsAndSplitsAtEmptyLine(separator: String) {
        let bytes = message([
            "Subject: a long", "\tsubject line", "  continued", "X-Empty:", "From: ann@example.test", "", "Body", "",
        ], separator: separator)
        let parsed = Message.parse(bytes)
        #expect(parsed.header.fields.map(\.name) == ["Subject", "X-Empty", "From"])
        #expect(parsed.header["subject"] == "a long\tsubject line  continued")
        #expect(parsed.subject == "a long subject line  continued")
        #expect(parsed.header["X-EMPTY"] == "")
        #expect(parsed.textBody == "Body\n")
        #expect(parsed.defects.isEmpty)
    }

    @Test func toleratesMixedLineEnds() {
        let bytes = Array("Subject: mixed\nFrom: ann@example.test\r\nTo: bob@example.test\n\r\nBody\r\nline\n".utf8)
        let parsed = Message.parse(bytes)
        #expect(parsed.subject == "mixed")
        #expect(parsed.to.map(\.address) == ["bob@example.test"])
        #expect(parsed.textBody == "Body\nline\n")
    }

    @Test func lookupsAreCaseInsensitiveAndOrdered() {
        let header = Message.parse(message(["Received: one", "RECEIVED: two", "received: three", "", ""])).header
        #expect(header["Received"] == "one")
        #expect(header.all("received") == ["one", "two", "three"])
        #expect(header.all("X-Missing").isEmpty)
        #expect(header["X-Missing"] == nil)
    }

    @Test func lineWithoutColonIsADefect() {
        let parsed = Message.parse(message([
            "Subject: this is a subject", "This is an invalid header", "AnotherHeader: value", "", "Body text",
        ]))
        #expect(parsed.header.fields.map(\.name) == ["Subject", "AnotherHeader"])
        #expect(parsed.defects == [.lineWithoutColon])
        #expect(parsed.textBody == "Body text")
    }

    @Test func textWithoutHeaderIsBody() {
        let parsed = Message.parse(message(["This is a simple message not having headers.", "Second line.", ""]))
        #expect(parsed.header.fields.isEmpty)
        #expect(parsed.textBody == "This is a simple message not having headers.\nSecond line.\n")
        #expect(parsed.defects.count == 1)
    }

    @Test func indentedTextWithoutHeaderIsBody() {
        let parsed = Message.parse(message(["    Indented letter", "    with two lines", ""]))
        #expect(parsed.header.fields.isEmpty)
        #expect(parsed.textBody == "    Indented letter\n    with two lines\n")
    }

    @Test func missingEmptyLineStartsBodyAtFirstNonHeaderLine() {
        let parsed = Message.parse(message(["Subject: help", "I need help with my order", "Thanks", ""]))
        #expect(parsed.subject == "help")
        #expect(parsed.textBody == "I need help with my order\nThanks\n")
    }

    @Test func noSeparatorMeansAllHeader() {
        let parsed = Message.parse(message(["Subject: only a header", "From: ann@example.test"]))
        #expect(parsed.subject == "only a header")
        #expect(parsed.from.first?.address == "ann@example.test")
        #expect(parsed.textBody == "")
        #expect(parsed.defects.isEmpty)
    }

    @Test func skipsMboxFromLine() {
        let parsed = Message.parse(message(["From ann@example.test Tue Jul  1 10:52:37 2003", "Subject: hi", "", "x"]))
        #expect(parsed.subject == "hi")
        #expect(parsed.header.fields.count == 1)
    }

    @Test func skipsByteOrderMark() {
        let parsed = Message.parse([0xEF, 0xBB, 0xBF] + message(["From: ann@example.test", "", "x"]))
        #expect(parsed.from.first?.address == "ann@example.test")
        #expect(parsed.defects.count == 1)
    }

    @Test func obsoleteSyntax() {
        let parsed = Message.parse(message([
            "Subject :The obsolete syntax", "       ", " and also empty lines in folding.",
            "HeaderWithWSP \t  \t:\t\tvalue.", "", "body",
        ]))
        #expect(parsed.subject == "The obsolete syntax        and also empty lines in folding.")
        #expect(parsed.header["HeaderWithWSP"] == "value.")
    }

    @Test func lineOfSpacesBeforeBodyEndsHeader() {
        let parsed = Message.parse(message(["Subject: Simple", "From: foo@example.com", " ", "This is the body", ""]))
        #expect(parsed.subject == "Simple")
        #expect(parsed.textBody == "This is the body\n")
        #expect(parsed.defects.count == 1)
    }

    @Test func eightBitHeaderBytes() {
        let utf8 = Message.parse(Array("Subject: Grüße\r\n\r\n".utf8))
        #expect(utf8.subject == "Grüße")
        let latin1 = Message.parse(Array("Subject: Gr".utf8) + [0xFC, 0xDF, 0x65] + Array("\r\n\r\n".utf8))
        #expect(latin1.subject == "Grüße")
    }

    @Test func capsFieldCount() {
        let lines = (0..<1_005).map { "X-Field-\($0): \($0)" } + ["Subject: late", "", "body"]
        let parsed = Message.parse(message(lines))
        #expect(parsed.header.fields.count == HeaderParser.maxFields)
        #expect(parsed.subject == nil)
        #expect(parsed.textBody == "body")
        #expect(parsed.defects.count == 1)
    }

    @Test func capsFieldLength() {
        let long = String(repeating: "é", count: 40_000)   // 80,000 bytes
        let parsed = Message.parse(message(["Subject: " + long, "From: ann@example.test", "", "body"]))
        let subject = parsed.header["Subject"] ?? ""
        #expect(subject.utf8.count <= HeaderParser.maxFieldLength)
        #expect(subject.utf8.count > HeaderParser.maxFieldLength - 4)
        #expect(subject.allSatisfy { $0 == "é" })
        #expect(parsed.from.count == 1)
        #expect(parsed.defects.count == 1)
    }

    @Test(arguments: [[UInt8](), [0x0A], [0x0D, 0x0A], Array(":".utf8), Array(": x\r\n".utf8), Array(" \r\n".utf8),
                      Array("\r\n\r\n".utf8), Array("A:".utf8), Array("\t cont\r\n".utf8)])
    func degenerateInputs(bytes: [UInt8]) {
        _ = Message.parse(bytes)
    }
}
