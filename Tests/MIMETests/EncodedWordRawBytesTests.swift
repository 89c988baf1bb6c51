import Testing
@testable import MIME

/// Unencoded 8-bit bytes inside RFC 2047 encoded words: read in the word's charset, or as UTF-8
/// when they are UTF-8 pasted into a word labelled otherwise; never as the header's fallback.
@Suite("Raw 8-bit bytes in encoded words")
struct EncodedWordRawBytesTests {
    /// Header bytes from text where `{F6}` stands for the raw byte 0xF6.
    static func raw(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "{"),
               let close = utf8[index...].firstIndex(of: UInt8(ascii: "}")),
               let byte = UInt8(String(decoding: utf8[utf8.index(after: index)..<close], as: UTF8.self), radix: 16) {
                out.append(byte)
                index = utf8.index(after: close)
            } else {
                out.append(utf8[index])
                index = utf8.index(after: index)
            }
        }
        return out
    }

    static func parse(_ lines: [String]) -> Message {
        Message.parse(lines.flatMap { raw($0) + [0x0D, 0x0A] } + raw("\r\nbody\r\n"))
    }

    @Test(arguments: [
        // (Subject as sent, as read, defects)
        ("=?iso-8859-1?Q?Fr{F6}sche?=", "Frösche",
         [Defect.rawBytesInEncodedWord(charset: "iso-8859-1", readAs: "iso-8859-1")]),
        // UTF-8 pasted into a word labelled Latin-1: "ö" as C3 B6, not "Ã¶".
        ("=?iso-8859-1?Q?Fr{C3}{B6}sche?=", "Frösche", [.rawBytesInEncodedWord(charset: "iso-8859-1", readAs: "UTF-8")]),
        ("=?windows-1252?Q?{93}Fr{F6}sche{94}_im_Teich?=", "“Frösche” im Teich",
         [.rawBytesInEncodedWord(charset: "windows-1252", readAs: "windows-1252")]),
        // Escapes in the labelled charset and raw UTF-8 in one word: each read in its own.
        ("=?windows-1252?Q?Fr{C3}{B6}sche_f=FCr_5_=80?=", "Frösche für 5 €",
         [.rawBytesInEncodedWord(charset: "windows-1252", readAs: "UTF-8")]),
        ("=?koi8-r?Q?{F0}{D2}{C9}{D7}{C5}{D4}?=", "Привет", [.rawBytesInEncodedWord(charset: "koi8-r", readAs: "koi8-r")]),
        ("=?koi8-r?Q?{D0}{9F}{D1}{80}{D0}{B8}{D0}{B2}{D0}{B5}{D1}{82}?=", "Привет",
         [.rawBytesInEncodedWord(charset: "koi8-r", readAs: "UTF-8")]),
        ("=?utf-8?Q?Fr{C3}{B6}sche?=", "Frösche", [.rawBytesInEncodedWord(charset: "utf-8", readAs: "utf-8")]),
        // Adjacent words of one charset are still joined.
        ("=?iso-8859-1?Q?Fr{F6}?= =?iso-8859-1?Q?sche?=", "Frösche",
         [.rawBytesInEncodedWord(charset: "iso-8859-1", readAs: "iso-8859-1")]),
        // Raw bytes outside the words keep the header's own reading (UTF-8, else Latin-1).
        ("Gr{C3}{BC}{C3}{9F}e =?utf-8?Q?aus_K=C3=B6ln?=", "Grüße aus Köln", []),
        ("Gr{FC}{DF}e =?iso-8859-1?Q?Fr{F6}sche?=", "Grüße Frösche",
         [.rawBytesInEncodedWord(charset: "iso-8859-1", readAs: "iso-8859-1")]),
        // A base64 word cannot hold raw bytes; the header fallback applies as before.
        ("=?utf-8?B?RnLDtnNjaGU=?= und Kr{C3}{B6}ten", "Frösche und Kröten", []),
    ] as [(String, String, [Defect])])
    func subject(_ sent: String, _ expected: String, _ defects: [Defect]) {
        let parsed = Self.parse(["Subject: \(sent)", "From: a@example.test"])
        #expect(parsed.subject == expected)
        #expect(parsed.defects == defects)
    }

    @Test func displayNameWithRawBytes() {
        let parsed = Self.parse(["From: =?iso-8859-1?Q?J{F6}rg_M{FC}ller?= <jm@example.test>"])
        #expect(parsed.from == [Address(name: "Jörg Müller", address: "jm@example.test")])
    }

    @Test func attachmentNameWithRawBytes() throws {
        let parsed = Message.parse(Self.raw(
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nsee file\r\n--b\r\n"
                + "Content-Type: application/pdf\r\n"
                + "Content-Disposition: attachment; filename=\"=?iso-8859-1?Q?Pr{FC}fung_M{E4}rz.pdf?=\"\r\n\r\n%PDF\r\n--b--\r\n"))
        let attachment = try #require(parsed.attachments.first)
        #expect(attachment.filename == "Prüfung März.pdf")
    }

    @Test(arguments: [
        // Only Q words with 8-bit bytes are rewritten; everything else is left as it came.
        ("plain ASCII =?utf-8?q?caf=C3=A9?=", nil),
        ("Gr{C3}{BC}{C3}{9F}e", nil),
        ("=?utf-8?q?no end {C3}{A9}", nil),
        ("=?iso-8859-1?Q?caf{E9}?=", "=?iso-8859-1?Q?caf=E9?="),
        ("a =?iso-8859-1*de?q?{E9}?= b", "a =?iso-8859-1*de?q?=E9?= b"),
        ("=?iso-8859-1?Q?caf{C3}{A9}?=", "=?utf-8?q?caf=C3=A9?="),
    ] as [(String, String?)])
    func rewriting(_ value: String, _ expected: String?) {
        var defects: [Defect] = []
        let rewritten = EncodedWord.escapingRawBytes(Self.raw(value)[...], defects: &defects)
        #expect(rewritten.map { String(decoding: $0, as: UTF8.self) } == expected)
    }
}
