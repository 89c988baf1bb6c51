import Testing
@testable import MIME

@Suite("RFC 2047 encoded words")
struct EncodedWordTests {
    /// RFC 2047 section 8: how whitespace between encoded words is treated.
    @Test(arguments: [
        ("(=?ISO-8859-1?Q?a?=)", "(a)"),
        ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
        ("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"),
        ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld Jørn Simonsen"),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard"),
        ("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
         "If you can read this you understand the example."),
        ("=?ISO-8859-1?Q?Olle_J=E4rnefors?=", "Olle Järnefors"),
        ("=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=", "םולש ןב ילטפנ"),
        ("Time for ISO 10646?", "Time for ISO 10646?"),
    ])
    func rfc2047Section8(encoded: String, expected: String) {
        #expect(EncodedWord.decode(encoded) == expected)
    }

    @Test(arguments: [
        // Malformed words stay readable as written.
        ("=?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
        ("=?utf-8?x?unknown-encoding?=", "=?utf-8?x?unknown-encoding?="),
        ("=??q?no-charset?=", "=??q?no-charset?="),
        ("=?utf-8?q?has space?=", "=?utf-8?q?has space?="),
        ("a =? b ?= c", "a =? b ?= c"),
        // Lenient forms seen in real mail.
        ("=?UTF-8?Q?caf=C3=A9?=", "café"),
        ("=?utf-8?b?Y2Fmw6k?=", "café"),                       // missing padding
        ("=?utf-8*en?q?hello?=", "hello"),                      // RFC 2231 language suffix
        ("=?utf-8?q?a?==?utf-8?q?b?=", "ab"),                   // no space between words
        ("Re: =?utf-8?q?caf=C3=A9?= au lait", "Re: café au lait"),
        ("=?utf-8?b?ww==?= =?utf-8?b?qQ==?=", "é"),             // a character split across words
        ("=?koi8-r?B?8NLJ18XU?=", "Привет"),
        ("=?ks_c_5601-1987?B?vsiz5w==?=", "안녕"),
        ("", ""),
    ])
    func lenientDecoding(encoded: String, expected: String) {
        #expect(EncodedWord.decode(encoded) == expected)
    }

    @Test func unknownCharsetFallsBackWithDefect() {
        var defects: [Defect] = []
        let text = EncodedWord.decode("=?x-no-such-charset?q?caf=C3=A9?=", defects: &defects)
        #expect(text == "café")
        #expect(defects == [.unknownCharset("x-no-such-charset", readAs: .utf8)])
    }

    @Test(arguments: [
        "café",
        "Grüße aus Köln, wie geht es?",
        "日本語のテキストはとても長くなることがありますので、分割が必要になります。これはテストです。",
        "emoji 👩‍👩‍👧‍👦 family and flags 🇩🇪🇫🇷 and more text to force several words",
        "=?not an encoded word?=",
        String(repeating: "é", count: 200),
        "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}\u{309}\u{30A}\u{30B}\u{30C}\u{30D}\u{30E}\u{30F}",
    ])
    func encodeRoundTrip(text: String) {
        let words = EncodedWord.encode(text)
        #expect(!words.isEmpty)
        for word in words {
            #expect(word.utf8.count <= 75)
            #expect(Bytes.isASCII(word.utf8))
            // Each word decodes on its own to valid UTF-8: no character was split between words.
            var defects: [Defect] = []
            let alone = EncodedWord.decode(word, defects: &defects)
            #expect(defects.isEmpty, "\(word) decoded with \(defects)")
            #expect(!alone.contains("\u{FFFD}"))
        }
        #expect(EncodedWord.decode(words.joined(separator: " ")) == text)
    }

    @Test func encodeSplitsOnCharacterBoundaries() {
        let text = String(repeating: "👍🏽", count: 30)
        let words = EncodedWord.encode(text, maxLength: 40)
        #expect(words.count > 1)
        let pieces = words.map { EncodedWord.decode($0) }
        #expect(pieces.allSatisfy { $0.allSatisfy { $0 == "👍🏽" } })
        #expect(pieces.joined() == text)
    }
}
