import Testing
@testable import MIME

@Suite("Charsets")
struct CharsetTests {
    @Test(arguments: [
        ("iso-8859-1", [0x63, 0x61, 0x66, 0xE9], "café"),
        ("latin1", [0x63, 0x61, 0x66, 0xE9], "café"),
        ("ISO_8859-1:1987", [0xC4, 0xD6, 0xDC], "ÄÖÜ"),
        ("windows-1252", [0x93, 0x68, 0x69, 0x94, 0x20, 0x80], "“hi” €"),
        ("cp1252", [0x85], "…"),
        ("iso-8859-15", [0xA4], "€"),
        ("iso-8859-2", [0xB1, 0xE6], "ąć"),
        ("windows-1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "Привет"),
        ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "Привет"),
        ("iso-2022-jp", [27, 36, 66, 36, 51, 36, 115, 36, 75, 36, 65, 36, 79, 27, 40, 66], "こんにちは"),
        ("utf-16", [0xFF, 0xFE, 0x68, 0x00, 0x69, 0x00, 0x20, 0x00, 0xE9, 0x00], "hi é"),
        ("utf-16be", [0x00, 0x68, 0x00, 0x69], "hi"),
        ("ks_c_5601-1987", [190, 200, 179, 231], "안녕"),
        ("euc-kr", [190, 200, 179, 231], "안녕"),
        ("gb2312", [214, 208, 206, 196], "中文"),
        ("shift_jis", [147, 250, 150, 123], "日本"),
        ("utf8", [0x63, 0x61, 0x66, 0xC3, 0xA9], "café"),
        ("\"UTF-8\"", [0x63, 0x61, 0x66, 0xC3, 0xA9], "café"),
        ("us-ascii", [0x68, 0x69], "hi"),
    ] as [(String, [UInt8], String)])
    func decodes(charset: String, bytes: [UInt8], expected: String) {
        let decoded = Charset.decode(bytes, charset: charset)
        #expect(decoded.text == expected)
        #expect(decoded.defects.isEmpty)
    }

    @Test func unknownCharsetWithUTF8BytesFallsBackToUTF8() {
        let decoded = Charset.decode(Array("café".utf8), charset: "x-no-such-charset")
        #expect(decoded.text == "café")
        #expect(decoded.defects.count == 1)
    }

    @Test func unknownCharsetWithLatin1BytesFallsBackToLatin1() {
        let decoded = Charset.decode([0x63, 0x61, 0x66, 0xE9, 0x20, 0xE0], charset: "unknown-8bit")
        #expect(decoded.text == "café à")
        #expect(decoded.defects.count == 1)
    }

    @Test func mostlyValidUTF8KeepsUTF8WithReplacement() {
        let bytes = Array("Grüße, café, naïve, ".utf8) + [0xFF] + Array(" déjà vu".utf8)
        let decoded = Charset.decode(bytes, charset: "utf-8")
        #expect(decoded.text == "Grüße, café, naïve, \u{FFFD} déjà vu")
        #expect(decoded.defects.count == 1)
    }

    @Test func latin1LabelledUTF8ReadsAsLatin1() {
        // Bytes are what the label says: no guessing when the label is known and fits.
        #expect(Charset.decode([0xC3, 0xA9], charset: "iso-8859-1").text == "Ã©")
    }

    @Test func eightBitInUSASCIIIsRead() {
        let decoded = Charset.decode(Array("café".utf8), charset: "us-ascii")
        #expect(decoded.text == "café")
        #expect(decoded.defects.count == 1)
        #expect(Charset.decode([0xE9], charset: nil).text == "é")
    }

    @Test func invalidBytesInIconvCharsetAreReplaced() {
        // 0x81 starts a two-byte Shift_JIS character, but the input ends there.
        let decoded = Charset.decode([0x61, 0x81], charset: "shift_jis")
        #expect(decoded.text.hasPrefix("a"))
        #expect(decoded.text.contains("\u{FFFD}"))
        #expect(decoded.defects.count == 1)
    }

    @Test(arguments: [
        ("UTF-8", "UTF-8"), ("utf8", "UTF-8"), ("latin1", "ISO-8859-1"), ("ISO8859-2", "ISO-8859-2"),
        ("iso_8859-15", "ISO-8859-15"), ("win-1251", "CP1251"), ("x-cp1250", "CP1250"), ("ks_c_5601-1987", "CP949"),
        ("gb2312", "GB18030"), ("big5", "CP950"), ("Shift_JIS", "CP932"), ("koi8-r", "KOI8-R"),
        ("utf-8*en", "UTF-8"), ("unknown-8bit", ""), ("x-unknown", ""), ("bogus charset!", ""), ("", ""),
    ])
    func canonicalNames(label: String, expected: String) {
        #expect(Charset.canonicalName(label) == expected)
    }

    @Test func bodyInKOI8RThroughMessage() {
        let bytes = message([
            "Subject: =?koi8-r?B?8NLJ18XU?=",
            "Content-Type: text/plain; charset=koi8-r",
            "Content-Transfer-Encoding: base64",
            "",
            "8NLJ18XU",
        ])
        let parsed = Message.parse(bytes)
        #expect(parsed.subject == "Привет")
        #expect(parsed.textBody == "Привет")
        #expect(parsed.defects.isEmpty)
    }

    @Test func unknownBodyCharsetRecordsDefect() {
        let bytes = message(["Content-Type: text/plain; charset=x-martian", "", "caf\u{E9}"])
        let parsed = Message.parse(bytes)
        #expect(parsed.textBody == "café")
        #expect(parsed.defects.contains(.unknownCharset("x-martian", readAs: .utf8)))
    }
}
