import Foundation
import Testing
@testable import MIME

/// uuencoded files inside text/plain: taken out as attachments, removed from the text.
@Suite("uuencoded files in text")
struct UUEncodeTests {
    /// Lines of a uuencoded block as `uuencode` writes it; `zero` is the character for a zero
    /// sextet (modern encoders write "`", old ones a space, which mailers then strip).
    static func encode(_ data: [UInt8], name: String, zero: Character = "`", end: Bool = true) -> [String] {
        func character(_ sextet: UInt8) -> Character {
            sextet == 0 ? zero : Character(Unicode.Scalar(sextet + 0x20))
        }
        var lines = ["begin 644 \(name)"]
        var offset = 0
        while offset < data.count {
            let chunk = Array(data[offset..<min(offset + 45, data.count)])
            var line = String(character(UInt8(chunk.count)))
            var index = 0
            while index < chunk.count {
                let a = chunk[index]
                let b = index + 1 < chunk.count ? chunk[index + 1] : 0
                let c = index + 2 < chunk.count ? chunk[index + 2] : 0
                line.append(character(a >> 2))
                line.append(character((a & 0x03) << 4 | b >> 4))
                line.append(character((b & 0x0F) << 2 | c >> 6))
                line.append(character(c & 0x3F))
                index += 3
            }
            lines.append(line)
            offset += 45
        }
        if end { lines += [String(zero), "end"] }
        return lines
    }

    /// 200 bytes covering every byte value, with zero runs that encode as "`" or spaces.
    static let sample: [UInt8] = {
        var bytes: [UInt8] = []
        for index in 0..<200 { bytes.append(index % 7 == 0 ? 0 : UInt8((index * 37) % 256)) }
        return bytes + [0, 0, 0, 0, 0]
    }()

    @Test func blockBecomesAnAttachment() throws {
        let parsed = Message.parse(message([
            "From: Old Script <backup@example.test>", "Subject: nightly report", "",
            "Tonight's report is attached.", "",
        ] + Self.encode(Self.sample, name: "report.pdf") + ["", "-- ", "backup.sh", ""]))
        #expect(parsed.textBody == "Tonight's report is attached.\n\n\n-- \nbackup.sh\n")
        let attachment = try #require(parsed.attachments.first)
        #expect(parsed.attachments.count == 1)
        #expect(attachment.filename == "report.pdf")
        #expect(attachment.contentType.mediaType == "application/pdf")
        #expect(attachment.decodedBody() == Self.sample)
        #expect(attachment.path == [0])
        #expect(attachment.part.origin == .uuencoded)
        #expect(parsed.defects == [.uuencodedAttachment(filename: "report.pdf")])
    }

    @Test(arguments: [
        // (name on the begin line, content type guessed from it)
        ("screenshot.PNG", "image/png"), ("notes.txt", "text/plain"), ("Budget 2025.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("archive.tar.gz", "application/gzip"),
        ("C:\\Temp\\scan.jpg", "image/jpeg"), ("README", "application/octet-stream"), (".signature", "application/octet-stream"),
    ])
    func contentTypeFromExtension(_ name: String, _ mediaType: String) throws {
        let parsed = Message.parse(message(["Subject: f", ""] + Self.encode([1, 2, 3], name: name) + [""]))
        let attachment = try #require(parsed.attachments.first)
        #expect(attachment.filename == name)
        #expect(attachment.contentType.mediaType == mediaType)
    }

    @Test func tolerantForms() throws {
        // No "`" line before "end"; lines whose trailing spaces (zero sextets) a mailer stripped;
        // a second block without its "end" line, followed by text.
        var stripped = Self.encode(Self.sample, name: "old.bin", zero: " ")
        stripped.removeAll { $0 == " " }
        stripped = stripped.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
        let unterminated = Self.encode([0x47, 0x49, 0x46, 0x38, 0x39, 0x61], name: "cut.gif", end: false)
        let parsed = Message.parse(message(
            ["Subject: files", "", "Two files:"] + Self.encode([9, 8, 7], name: "a.bin").filter { $0 != "`" }
                + stripped + unterminated + ["Sent from my script", ""]))
        #expect(parsed.attachments.map(\.filename) == ["a.bin", "old.bin", "cut.gif"])
        #expect(parsed.attachments.map { $0.decodedBody() } == [[9, 8, 7], Self.sample, Array("GIF89a".utf8)])
        #expect(parsed.textBody == "Two files:\nSent from my script\n")
        #expect(parsed.defects == [
            .uuencodedAttachment(filename: "a.bin"), .uuencodedAttachment(filename: "old.bin"),
            .unterminatedUUEncoding(filename: "cut.gif"),
        ])
    }

    @Test(arguments: [
        // Text that starts like a block but is not one stays text.
        ["begin with the basics: restart the router."],
        ["begin 644 notes.txt", "Then we talk about the results."],
        ["begin 999 notes.txt", "M" + String(repeating: "A", count: 60), "end"],
        ["begin 644 f"],
        ["We begin 644 tests tomorrow", "M" + String(repeating: "A", count: 60)],
    ])
    func notABlock(_ lines: [String]) {
        let parsed = Message.parse(message(["Subject: words", ""] + lines))
        #expect(parsed.attachments.isEmpty)
        #expect(parsed.textBody == lines.joined(separator: "\n"))
        #expect(parsed.defects.isEmpty)
    }

    @Test func emptyNameAndQuotedPrintableText() throws {
        // "=" in the data lines is "=3D" in quoted-printable; the block is found after decoding.
        let block = Self.encode(Array("a=b=c".utf8) + [0xFF], name: "")
        let encoded = block.map { $0.replacing("=", with: "=3D") }
        let parsed = Message.parse(message(
            ["Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable", "",
             "Gr=FC=DFe,"] + encoded + ["Ende", ""]))
        let attachment = try #require(parsed.attachments.first)
        #expect(attachment.filename == nil)
        #expect(attachment.decodedBody() == Array("a=b=c".utf8) + [0xFF])
        #expect(parsed.textBody == "Grüße,\nEnde\n")
        #expect(parsed.defects == [.uuencodedAttachment(filename: nil)])
    }

    @Test func onlyTextThatIsReadIsScanned() {
        // A text file sent as an attachment is the sender's file, not a place for hidden files.
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "", "See the log.", "--b",
            "Content-Type: text/plain", "Content-Disposition: attachment; filename=install.log", "",
        ] + Self.encode([1, 2, 3], name: "x.bin") + ["--b--"]))
        #expect(parsed.attachments.map(\.filename) == ["install.log"])
    }

    @Test func blockInsideAForwardedMessageText() {
        // The forwarded text is listed as an attachment itself, then the file taken out of it.
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "", "FYI, see below.", "--b",
            "Content-Type: message/rfc822", "", "Subject: logs", "", "The log:",
        ] + Self.encode([4, 5, 6], name: "log.gz") + ["--b--"]))
        #expect(parsed.textBody == "FYI, see below.")
        #expect(parsed.attachments.map(\.path) == [[1, 0], [1, 0, 0]])
        #expect(parsed.attachments.map(\.filename) == [nil, "log.gz"])
    }

    /// mimetools-testmsgs from MIME-tools (Artistic License, see Tests/Fixtures/corpus/mime/NOTICE).
    @Test func corpusMessages() throws {
        guard let directory = corpusDirectory() else {
            Issue.record("corpus folder Tests/Fixtures/corpus/mime is missing from the checkout")
            return
        }
        let zeegee = Message.parse(try [UInt8](Data(contentsOf: directory.appendingPathComponent("mimetools-testmsgs/uu-zeegee.msg"))))
        #expect(zeegee.attachments.map(\.filename) == ["up.gif", "zeegee.gif"])
        #expect(zeegee.attachments.allSatisfy { $0.contentType.mediaType == "image/gif" && $0.decodedBody().starts(with: Array("GIF8".utf8)) })
        #expect(zeegee.textBody?.contains("begin 644") == false)
        #expect(zeegee.textBody?.hasPrefix("I've uuencoded the ZeeGee logo") == true)

        let signature = Message.parse(try [UInt8](Data(contentsOf: directory.appendingPathComponent("mimetools-testmsgs/sig-uu.msg"))))
        #expect(signature.attachments.map(\.filename) == [".signature", nil])
        #expect(signature.attachments.last?.decodedBody().starts(with: Array("GIF89a".utf8)) == true)
        #expect(signature.textBody?.contains("Done!") == true)
        #expect(signature.textBody?.contains("M1TE") == false)
    }

    /// Every prefix of a message with blocks parses without trapping.
    @Test func truncatedAnywhere() {
        let full = message(["Subject: cut", "", "text"] + Self.encode(Self.sample, name: "a.bin") + Self.encode([1], name: "b") + ["x"])
        for length in 0...full.count {
            let parsed = Message.parse(Array(full[0..<length]))
            #expect(parsed.attachments.count <= 2)
        }
    }
}
