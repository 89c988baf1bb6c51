import Foundation
import MailgateTestSupport
import Testing
@testable import MIME

@Suite("Base64 and quoted-printable")
struct TransferEncodingTests {
    @Test(arguments: [
        ("aGVsbG8=", "hello"),
        ("aGVs\r\nbG8=\r\n", "hello"),
        ("aGVsbG8", "hello"),                  // missing padding
        ("aGVsbG8===", "hello"),               // too much padding
        ("aGVs bG8*", "hello"),                // whitespace and junk
        ("  aGVs\tbG8=  ", "hello"),
        ("YQ==Yg==", "ab"),                    // concatenated encodings
        ("YWJj", "abc"),
        ("YWI", "ab"),
        ("YQ", "a"),
        ("Y", ""),                             // a lone character carries no byte
        ("", ""),
        ("====", ""),
    ])
    func base64Decoding(encoded: String, expected: String) {
        #expect(Base64.decode(Array(encoded.utf8)) == Array(expected.utf8))
    }

    @Test func base64RoundTripsRandomBytes() {
        var generator = SeededGenerator(seed: 64)
        for length in [0, 1, 2, 3, 56, 57, 58, 1_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64.encode(bytes)
            let lines = encoded.split(separator: ASCII.lf).map { $0.filter { $0 != ASCII.cr } }
            #expect(lines.allSatisfy { $0.count <= 76 })
            #expect(Base64.decode(encoded) == bytes)
        }
    }

    @Test(arguments: [
        ("caf=C3=A9", "café"),
        ("caf=c3=a9", "café"),                 // lower-case hex
        ("soft=\r\nbreak", "softbreak"),
        ("soft=\nbreak", "softbreak"),
        ("soft= \t\r\nbreak", "softbreak"),     // whitespace after the soft break "="
        ("bad=ZZescape", "bad=ZZescape"),       // malformed escape kept literal
        ("half=A", "half=A"),
        ("= at", "= at"),
        ("end=", "end"),
        ("trailing   \r\nnext", "trailing\r\nnext"),
        ("a=20\r\n", "a \r\n"),
        ("tab\t=\r\nx", "tab\tx"),
        ("=3D=3d", "=="),
        ("", ""),
    ])
    func quotedPrintableDecoding(encoded: String, expected: String) {
        #expect(QuotedPrintable.decode(Array(encoded.utf8)) == Array(expected.utf8))
    }

    @Test(arguments: [
        "plain ascii",
        "trailing space \nand tab\t\nend",
        "equals = sign and café, Grüße",
        String(repeating: "long line with words ", count: 20),
        String(repeating: "é", count: 100),
        String(repeating: "=", count: 77),
        "a\r\nb\r\n",
        "",
    ])
    func quotedPrintableRoundTrip(text: String) {
        let encoded = QuotedPrintable.encode(Array(text.utf8))
        let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.allSatisfy { !($0.last?.isWhitespace ?? false) })
        #expect(!String(decoding: encoded, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let expected = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        #expect(String(decoding: QuotedPrintable.decode(encoded), as: UTF8.self) == expected)
    }
}
