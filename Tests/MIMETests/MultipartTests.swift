import Testing
@testable import MIME

@Suite("MIME structure and text selection")
struct MultipartTests {
    @Test func alternativePrefersPlainText() {
        let parsed = Message.parse(message([
            "Subject: alt", "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"b1\"", "",
            "preamble", "--b1", "Content-Type: text/html; charset=utf-8", "", "<p>Hello <b>HTML</b></p>",
            "--b1", "Content-Type: text/plain; charset=utf-8", "", "Hello plain", "--b1--", "epilogue", "",
        ]))
        #expect(parsed.textBody == "Hello plain")
        #expect(parsed.htmlBody == "<p>Hello <b>HTML</b></p>")
        #expect(parsed.root.children.count == 2)
        #expect(parsed.defects.isEmpty)
    }

    @Test func mixedWithNestedAlternativeAndAttachment() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=outer", "",
            "--outer", "Content-Type: multipart/alternative; boundary=\"inner b\"", "",
            "--inner b", "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable", "",
            "Caf=E9 au lait,", "soft=", "break", "--inner b", "Content-Type: text/html", "", "<p>x</p>", "--inner b--",
            "--outer", "Content-Type: text/plain; name=\"notes.txt\"", "Content-Disposition: attachment; filename=notes.txt",
            "", "attached notes", "--outer", "Content-Type: application/pdf", "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf", "", "JVBERi0xLjQK", "--outer--", "",
        ]))
        #expect(parsed.textBody == "Café au lait,\nsoftbreak")
        #expect(parsed.attachments.map(\.filename) == ["notes.txt", "résumé.pdf"])
        #expect(parsed.attachments.last?.decodedBody() == Array("%PDF-1.4\n".utf8))
        #expect(parsed.root.allParts.count == 6)
        #expect(parsed.defects.isEmpty)
    }

    @Test func attachedPlainTextIsSkippedForHTML() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=b", "",
            "--b", "Content-Type: text/plain", "Content-Disposition: attachment; filename=log.txt", "", "log lines",
            "--b", "Content-Type: text/html; charset=utf-8", "", "<div>Hi&nbsp;there</div><div>Second &amp; last</div>",
            "--b--",
        ]))
        #expect(parsed.textBody == "Hi there\nSecond & last")
    }

    @Test func htmlOnlyMessage() {
        let parsed = Message.parse(message([
            "Content-Type: text/html; charset=utf-8", "",
            "<html><head><title>T</title><style>p {color: red}</style></head><body>",
            "<p>Dear support,</p><p>my order&#160;#42 is late &#x2014; please help.<br>Thanks</p>",
            "<script>alert('x')</script></body></html>",
        ]))
        #expect(parsed.textBody == "Dear support,\n\nmy order #42 is late — please help.\nThanks")
    }

    @Test func relatedHTMLWithImage() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/related; boundary=r", "", "--r", "Content-Type: text/html", "", "<p>See image</p>",
            "--r", "Content-Type: image/png", "Content-Transfer-Encoding: base64", "Content-ID: <img1>", "", "iVBORw0KGgo=",
            "--r--",
        ]))
        #expect(parsed.textBody == "See image")
        #expect(parsed.attachments.count == 1)
    }

    @Test func missingClosingBoundaryIsADefect() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "", "unfinished", "",
        ]))
        #expect(parsed.textBody == "unfinished\n")
        #expect(parsed.defects == [.missingClosingBoundary(mediaType: "multipart/mixed")])
    }

    @Test func missingBoundaryParameterKeepsBody() {
        let parsed = Message.parse(message(["Content-Type: multipart/mixed", "", "text without parts"]))
        #expect(parsed.textBody == "text without parts")
        #expect(parsed.defects.count == 1)
    }

    @Test func boundaryNotFoundKeepsBody() {
        let parsed = Message.parse(message(["Content-Type: multipart/mixed; boundary=zzz", "", "--other", "", "text"]))
        #expect(parsed.root.children.isEmpty)
        #expect(parsed.textBody == "--other\n\ntext")
        #expect(parsed.defects.count == 1)
    }

    @Test func boundaryPrefixOfAnotherIsNotADelimiter() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=\"--b\"", "", "----b",
            "Content-Type: multipart/alternative; boundary=\"--b-1\"", "", "----b-1", "Content-Type: text/plain", "",
            "inner text", "----b-1--", "----b--",
        ]))
        #expect(parsed.textBody == "inner text")
        #expect(parsed.root.children.first?.children.count == 1)
        #expect(parsed.defects.isEmpty)
    }

    @Test func base64TextWithBadPadding() {
        let parsed = Message.parse(message([
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: BASE64", "",
            "Q2Fmw6kgZGUg", "bGEgcGFpeA", "",
        ]))
        #expect(parsed.textBody == "Café de la paix")
    }

    @Test func unknownTransferEncodingKeptRaw() {
        let parsed = Message.parse(message(["Content-Transfer-Encoding: x-uuencode", "", "begin 644 f"]))
        #expect(parsed.textBody == "begin 644 f")
        #expect(parsed.defects.count == 1)
    }

    @Test func digestPartsDefaultToMessages() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/digest; boundary=d", "", "--d", "", "Subject: first", "", "one", "--d", "",
            "Subject: second", "", "two", "--d--",
        ]))
        #expect(parsed.root.children.map(\.contentType.mediaType) == ["message/rfc822", "message/rfc822"])
        #expect(parsed.root.children.map { $0.children.first?.header["Subject"] } == ["first", "second"])
        // No text of its own: the first message's text is read.
        #expect(parsed.textBody == "one")
    }

    @Test func forwardedMessageIsNotTheText() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=m", "", "--m", "Content-Type: text/plain", "", "see below",
            "--m", "Content-Type: message/rfc822", "", "Subject: inner", "From: x@example.test", "", "inner body", "--m--",
        ]))
        #expect(parsed.textBody == "see below")
        #expect(parsed.root.children[1].children.first?.header["Subject"] == "inner")
    }

    @Test func deepNestingIsCapped() {
        var lines: [String] = []
        for level in 0..<40 { lines += ["Content-Type: multipart/mixed; boundary=l\(level)", "", "--l\(level)"] }
        lines += ["Content-Type: text/plain", "", "deep"]
        for level in (0..<40).reversed() { lines += ["--l\(level)--"] }
        let parsed = Message.parse(message(lines))
        #expect(parsed.defects.contains(.nestedTooDeep(limit: PartParser.maxDepth)))
        var depth = 0
        var part = parsed.root
        while let child = part.children.first {
            depth += 1
            part = child
        }
        #expect(depth == PartParser.maxDepth)
    }

    @Test func partCountIsCapped() {
        var lines = ["Content-Type: multipart/mixed; boundary=p", ""]
        for index in 0..<1_200 { lines += ["--p", "Content-Type: text/plain", "", "part \(index)"] }
        lines.append("--p--")
        let parsed = Message.parse(message(lines))
        #expect(parsed.root.allParts.count == PartParser.maxParts)
        #expect(parsed.defects.contains(.tooManyParts(limit: PartParser.maxParts)))
        #expect(parsed.textBody == "part 0")
    }

    @Test func contentTypeParameters() {
        let type = ContentType(parsing: "Text/Plain ; charset = \"ISO-8859-1\";; format=flowed; name=\"a \\\"b\\\".txt\"")
        #expect(type?.mediaType == "text/plain")
        #expect(type?.charset == "ISO-8859-1")
        #expect(type?.parameters["format"] == "flowed")
        #expect(type?.parameters["name"] == "a \"b\".txt")
        #expect(ContentType(parsing: "garbage") == nil)
        #expect(ContentType(parsing: "text")?.mediaType == "text/plain")
        #expect(ContentType(parsing: "") == nil)
    }

    @Test(arguments: [
        ("attachment; filename*=UTF-8''%E2%82%AC%20rates.txt", "€ rates.txt"),
        ("attachment; filename*0=\"long \"; filename*1=\"name.txt\"", "long name.txt"),
        ("attachment; filename*0*=iso-8859-1'en'caf%E9; filename*1=\".txt\"", "café.txt"),
        ("attachment; filename=\"plain.txt\"; filename*=utf-8''pr%C3%A9cis.txt", "précis.txt"),
        ("attachment; filename==?koi8-r?B?8NLJ18XU?=", "Привет"),
        ("attachment; filename*99999999999999999999=x; filename=ok.txt", "ok.txt"),
        ("attachment; filename*=%%%", "%%%"),
    ])
    func dispositionFilenames(value: String, expected: String) {
        let part = MessagePart(disposition: ParameterizedValue(parsing: value))
        #expect(part.filename == expected)
        #expect(part.isAttachment)
    }
}
