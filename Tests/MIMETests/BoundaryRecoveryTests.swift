import Testing
@testable import MIME

/// A multipart whose declared boundary is not in its body, because a fold split the parameter
/// or cut it short: the boundary the body uses is found, and the defect recorded.
@Suite("Boundary recovery")
struct BoundaryRecoveryTests {
    /// A multipart/mixed with a text part and a PDF, its Content-Type written as `contentType`
    /// (header lines), its body using `boundary`.
    static func mixed(contentType: [String], boundary: String) -> [UInt8] {
        message(["From: Sam <sam@example.test>", "Subject: contract", "MIME-Version: 1.0"] + contentType + [
            "", "This is a multi-part message in MIME format.", "",
            "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "", "The signed contract is attached.", "",
            "--\(boundary)", "Content-Type: application/pdf; name=contract.pdf", "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=contract.pdf", "", "JVBERi0xLjcK", "",
            "--\(boundary)--", "",
        ])
    }

    @Test(arguments: [
        // (Content-Type as folded, the boundary the body uses, declared as read)
        (["Content-Type: multipart/mixed; boundary=\"----=_Part_1", " _2\""], "----=_Part_1_2", "----=_Part_1 _2"),
        (["Content-Type: multipart/mixed;", "\tboundary=\"----=_Part_4471_", "\t1809238.1741082400000\""],
         "----=_Part_4471_1809238.1741082400000", "----=_Part_4471_\t1809238.1741082400000"),
        (["Content-Type: multipart/mixed; boundary=b1_0a8e", "  4f2c"], "b1_0a8e4f2c", "b1_0a8e  4f2c"),
        // The fold lost its indentation: the rest of the value became a header line of its own.
        (["Content-Type: multipart/mixed; boundary=\"----=_Part_1", "_2\"", "X-Mailer: Example Mail 2.1"], "----=_Part_1_2", "----=_Part_1"),
    ] as [([String], String, String)])
    func foldedBoundary(_ contentType: [String], _ boundary: String, _ declared: String) throws {
        let parsed = Message.parse(Self.mixed(contentType: contentType, boundary: boundary))
        #expect(parsed.root.children.count == 2)
        #expect(parsed.textBody == "The signed contract is attached.\n")
        let attachment = try #require(parsed.attachments.first)
        #expect(attachment.filename == "contract.pdf")
        #expect(attachment.decodedBody() == Array("%PDF-1.7\n".utf8))
        #expect(parsed.defects.contains(.recoveredBoundary(mediaType: "multipart/mixed", declared: declared, used: boundary)))
    }

    @Test func missingBoundaryParameter() {
        let parsed = Message.parse(Self.mixed(contentType: ["Content-Type: multipart/mixed"], boundary: "=_abc123"))
        #expect(parsed.attachments.map(\.filename) == ["contract.pdf"])
        #expect(parsed.defects == [.recoveredBoundary(mediaType: "multipart/mixed", declared: nil, used: "=_abc123")])
    }

    @Test func differentBoundaryBeforeAPartHeader() {
        // The generator wrote one boundary in the header and another in the body.
        let parsed = Message.parse(Self.mixed(contentType: ["Content-Type: multipart/mixed; boundary=\"XYZ\""], boundary: "Apple-Mail-1234"))
        #expect(parsed.attachments.map(\.filename) == ["contract.pdf"])
        #expect(parsed.defects == [.recoveredBoundary(mediaType: "multipart/mixed", declared: "XYZ", used: "Apple-Mail-1234")])
    }

    @Test(arguments: [
        // Dash lines that are not boundaries: the body stays one text, as before.
        ["Totals", "--------", "42", "--------"],
        ["-- ", "Sam Example"],
        ["--not-a-part", "just text", "--not-a-part"],
    ])
    func noLookalikeFound(_ body: [String]) {
        let parsed = Message.parse(message(["Subject: x", "Content-Type: multipart/mixed; boundary=\"real\"", ""] + body))
        #expect(parsed.root.children.isEmpty)
        #expect(parsed.defects == [.boundaryNotFound(mediaType: "multipart/mixed", boundary: "real")])
        #expect(parsed.textBody == body.joined(separator: "\n"))
    }

    @Test func nestedFoldedBoundary() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=outer", "", "--outer",
            "Content-Type: multipart/alternative; boundary=\"alt_", " 77\"", "",
            "--alt_77", "Content-Type: text/plain", "", "Plain.", "--alt_77", "Content-Type: text/html", "", "<p>Plain.</p>",
            "--alt_77--", "--outer", "Content-Type: image/png", "Content-Disposition: attachment; filename=a.png", "", "png",
            "--outer--",
        ]))
        #expect(parsed.textBody == "Plain.")
        #expect(parsed.htmlBodyPath == [0, 1])
        #expect(parsed.attachments.map(\.filename) == ["a.png"])
        #expect(parsed.defects == [.recoveredBoundary(mediaType: "multipart/alternative", declared: "alt_ 77", used: "alt_77")])
    }
}
