import Foundation
import HelpdeskCore
import MailgateTestSupport
import Testing

@Suite("Attachment file names")
struct AttachmentFilenameTests {
    static let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}" // joined by ZWJ

    static let cases: [(name: String?, contentType: String, expected: String)] = [
        // Paths, Unix and Windows
        ("../../etc/passwd", "application/octet-stream", "passwd"),
        ("C:\\Users\\x\\report.pdf", "application/pdf", "report.pdf"),
        ("\\\\server\\share\\evil.lnk", "application/octet-stream", "evil.lnk"),
        ("a/b\\c/d.txt", "text/plain", "d.txt"),
        ("C:", "application/octet-stream", "C"),
        // Invisible and spoofing characters
        ("invoice\u{202E}fdp.exe", "application/octet-stream", "invoicefdp.exe"),
        ("\u{2067}gnp.exe\u{2069}", "application/octet-stream", "gnp.exe"),
        ("zero\u{200B}width\u{FEFF}\u{200F}.txt", "text/plain", "zerowidth.txt"),
        (family + ".png", "image/png", "\u{1F468}\u{1F469}\u{1F467}\u{1F466}.png"), // U+200D is zero-width too
        ("bell\u{07}\u{85}\u{7F}\u{0}.txt", "text/plain", "bell.txt"),
        ("line\r\n break.txt", "text/plain", "line break.txt"),
        ("what?<is>this:\"file\"|*.txt", "text/plain", "whatisthisfile.txt"),
        // White space, dots, Unicode form
        ("  spaced   out \t name .doc  ", "application/msword", "spaced out name .doc"),
        ("a\u{00A0}\u{3000}b.txt", "text/plain", "a b.txt"),
        ("report.pdf.", "application/pdf", "report.pdf"),
        ("..hidden", "application/octet-stream", "hidden"),
        ("Cafe\u{301}.txt", "text/plain", "Caf\u{E9}.txt"),
        ("e\u{200B}\u{301}.txt", "text/plain", "\u{E9}.txt"),
        // Windows device names
        ("CON.txt", "text/plain", "_CON.txt"),
        ("con", "application/octet-stream", "_con"),
        ("Lpt9.tar.gz", "application/gzip", "_Lpt9.tar.gz"),
        ("nul .txt", "text/plain", "_nul .txt"),
        ("CON.", "text/plain", "_CON"),
        ("COM10.txt", "text/plain", "COM10.txt"),
        ("CONSOLE.txt", "text/plain", "CONSOLE.txt"),
        ("falcon.txt", "text/plain", "falcon.txt"),
        // Ordinary names pass through
        ("ordinary name.docx", "application/octet-stream", "ordinary name.docx"),
        ("R\u{E9}sum\u{E9} 2024 (final).pdf", "application/pdf", "R\u{E9}sum\u{E9} 2024 (final).pdf"),
        ("日本語の請求書.pdf", "application/pdf", "日本語の請求書.pdf"),
        // Length cap, extension kept, cut on a character boundary
        (String(repeating: "a", count: 396) + ".pdf", "application/pdf", String(repeating: "a", count: 251) + ".pdf"),
        (String(repeating: "\u{E9}", count: 200) + ".pdf", "application/pdf", String(repeating: "\u{E9}", count: 125) + ".pdf"),
        // "x\u{301}" is one 3-byte character: a byte-wise cut at 251 would keep a bare "x" and drop its accent.
        ("a" + String(repeating: "x\u{301}", count: 100) + ".txt", "text/plain", "a" + String(repeating: "x\u{301}", count: 83) + ".txt"),
        (String(repeating: "x", count: 300), "application/octet-stream", String(repeating: "x", count: 255)),
        ("COM1x" + String(repeating: "\u{301}", count: 200), "application/octet-stream", "_COM1"),
        (String(repeating: "x", count: 254) + " yz", "application/octet-stream", String(repeating: "x", count: 254)), // no space left at the cut
        // Nothing left: a name from the content type
        (nil, "image/png", "attachment.png"),
        ("", "text/plain; charset=utf-8", "attachment.txt"),
        ("..", "application/pdf", "attachment.pdf"),
        (".", "message/rfc822", "attachment.eml"),
        ("folder/", " Image/JPEG ", "attachment.jpg"),
        ("\u{202E}\u{200B}", "text/html", "attachment.html"),
        (" . . ", "image/gif", "attachment.gif"),
        (nil, "text/calendar; method=REQUEST", "attachment.ics"),
        (nil, "application/x-unknown", "attachment.bin"),
        (nil, "", "attachment.bin"),
    ]

    @Test("hostile and ordinary names", arguments: cases)
    func sanitises(name: String?, contentType: String, expected: String) {
        let result = AttachmentFilename.sanitised(name, contentType: contentType)
        // Compare bytes: String == treats "e\u{301}" and "é" as equal, which would hide a missing NFC step.
        #expect(Array(result.utf8) == Array(expected.utf8), "\(result.debugDescription) != \(expected.debugDescription)")
    }

    @Test func capKeepsTheExtensionAndStaysWithinLimit() {
        let result = AttachmentFilename.sanitised(String(repeating: "b", count: 396) + ".pdf", contentType: "application/pdf")
        #expect(result.utf8.count == 255)
        #expect(result.hasSuffix(".pdf"))
    }

    /// Hostile pieces the random names are built from, plus arbitrary scalars.
    static let alphabet: [String] = [
        "/", "\\", ".", "..", " ", "  ", "\t", "\r\n", "\u{0}", "\u{85}", "\u{7F}", "\u{9F}", "\u{202E}", "\u{2066}",
        "\u{200B}", "\u{200D}", "\u{FEFF}", "<", ">", ":", "\"", "|", "?", "*", "a", "Z", "e", "\u{301}", "\u{E9}",
        "CON", "nul", "COM1", "lpt9", "日", family, "\u{3000}", "\u{00A0}", "\u{2000}", "\u{0340}", "\u{037E}",
        "\u{2126}", "\u{1100}", "\u{1161}", "\u{AC00}", "\u{11A8}", ".pdf", ".txt", String(repeating: "x", count: 120),
        String(repeating: "\u{1F600}", count: 20),
    ]

    static func randomName(_ generator: inout SeededGenerator) -> String {
        var name = ""
        for _ in 0..<Int(generator.next() % 40) {
            if generator.next() % 4 == 0 {
                let value = UInt32(generator.next() % 0x11_0000)
                if let scalar = Unicode.Scalar(value) { name.unicodeScalars.append(scalar) }
            } else {
                name += alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
        }
        return name
    }

    @Test("never empty, no separators or controls, at most 255 bytes, NFC, idempotent", arguments: 0..<400)
    func property(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &* 7919)
        let name = Self.randomName(&generator)
        let types = ["text/plain", "image/png", "application/x-whatever", ""]
        let contentType = types[Int(generator.next() % UInt64(types.count))]
        let result = AttachmentFilename.sanitised(name, contentType: contentType)

        #expect(!result.isEmpty, "\(name.debugDescription)")
        #expect(result.utf8.count <= 255, "\(name.debugDescription)")
        #expect(!result.unicodeScalars.contains { $0 == "/" || $0 == "\\" }, "\(name.debugDescription)")
        #expect(!result.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(name.debugDescription)")
        #expect(!result.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) })
        #expect(!result.hasPrefix(" ") && !result.hasSuffix(" ") && !result.hasPrefix(".") && !result.hasSuffix("."))
        #expect(Array(result.precomposedStringWithCanonicalMapping.utf8) == Array(result.utf8), "\(name.debugDescription)")
        let again = AttachmentFilename.sanitised(result, contentType: contentType)
        #expect(Array(again.utf8) == Array(result.utf8), "\(name.debugDescription): \(result.debugDescription) -> \(again.debugDescription)")
    }
}
