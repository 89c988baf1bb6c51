import Testing
@testable import MIME

/// Forwarded messages (message/rfc822 parts) with damaged headers: the files inside them are
/// still listed as attachments.
@Suite("Forwarded messages with damaged headers")
struct ForwardedMessageTests {
    /// A note, then a forwarded message given as `forwardedPart` (its part header and content).
    static func forward(_ forwardedPart: [String]) -> [UInt8] {
        message([
            "From: Lee <lee@example.test>", "To: support@example.test", "Subject: Fwd: broken laptop",
            "Content-Type: multipart/mixed; boundary=\"fwd-outer\"", "",
            "--fwd-outer", "Content-Type: text/plain; charset=utf-8", "", "See the message below, photo included.",
            "--fwd-outer",
        ] + forwardedPart + ["--fwd-outer--", ""])
    }

    /// The forwarded message's own multipart body: its text and a photo.
    static let forwardedParts = [
        "--inner", "Content-Type: text/plain; charset=utf-8", "", "The screen flickers since the update.",
        "--inner", "Content-Type: image/jpeg; name=screen.jpg", "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename=screen.jpg", "", "/9j/4AAQ", "--inner--",
    ]

    struct Listed: Equatable {
        var path: [Int]
        var filename: String?
        var mediaType: String
    }

    static func listed(_ parsed: Message) -> [Listed] {
        parsed.attachments.map { Listed(path: $0.path, filename: $0.filename, mediaType: $0.contentType.mediaType) }
    }

    static let expected = [
        Listed(path: [1, 0, 0], filename: nil, mediaType: "text/plain"),
        Listed(path: [1, 0, 1], filename: "screen.jpg", mediaType: "image/jpeg"),
    ]

    @Test func intactForwardListsItsFiles() {
        let parsed = Message.parse(Self.forward([
            "Content-Type: message/rfc822", "", "From: Kim <kim@example.test>", "Subject: broken laptop",
            "Content-Type: multipart/mixed; boundary=inner", "",
        ] + Self.forwardedParts))
        #expect(parsed.textBody == "See the message below, photo included.")
        #expect(Self.listed(parsed) == Self.expected)
        #expect(parsed.attachments.last?.decodedBody() == [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10])
        #expect(parsed.defects.isEmpty)
    }

    @Test(arguments: [
        // (the forwarded header as damaged, what the reader reports)
        (["From: Kim <kim@example.test>", "Subject: broken laptop", "this line lost its indentation",
          "Content-Type: multipart/mixed; boundary=inner", ""], [Defect.lineWithoutColon]),
        // No empty line between the forwarded header and its first boundary.
        (["From: Kim <kim@example.test>", "Subject: broken laptop", "Content-Type: multipart/mixed; boundary=inner"],
         [.headerNotEnded]),
        // An empty line before the forwarded header (some forwarding tools add one).
        (["", "From: Kim <kim@example.test>", "Subject: broken laptop", "Content-Type: multipart/mixed; boundary=inner", ""],
         [.blankLinesBeforeHeader]),
        // The forwarded Content-Type folded through its boundary.
        (["From: Kim <kim@example.test>", "Content-Type: multipart/mixed; boundary=\"in", " ner\"", ""],
         [.recoveredBoundary(mediaType: "multipart/mixed", declared: "in ner", used: "inner")]),
    ] as [([String], [Defect])])
    func damagedHeaderKeepsFiles(_ header: [String], _ defects: [Defect]) {
        let parsed = Message.parse(Self.forward(["Content-Type: message/rfc822", ""] + header + Self.forwardedParts))
        #expect(parsed.textBody == "See the message below, photo included.")
        #expect(Self.listed(parsed) == Self.expected)
        #expect(parsed.defects == defects)
    }

    @Test func forwardLabelledAsText() {
        // Saved as text by the forwarding client: a header block, then a multipart body.
        let parsed = Message.parse(Self.forward([
            "Content-Type: text/plain; charset=utf-8", "Content-Disposition: inline", "",
            "From: Kim <kim@example.test>", "Date: Mon, 3 Mar 2025 09:00:00 +0100", "Subject: broken laptop", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=inner", "",
        ] + Self.forwardedParts))
        #expect(parsed.textBody == "See the message below, photo included.")
        #expect(Self.listed(parsed) == Self.expected)
        #expect(parsed.root.children[1].contentType.mediaType == "message/rfc822")
        #expect(parsed.root.children[1].children.first?.header["Subject"] == "broken laptop")
        #expect(parsed.defects == [.mislabelledMessage(declared: "text/plain")])
    }

    @Test(arguments: [
        // Text that only looks like a header, or a header without parts, stays text.
        ["Note: the laptop is under warranty.", "", "Thanks"],
        ["From: Kim <kim@example.test>", "Subject: broken laptop", "", "Only text here."],
        ["From: Kim <kim@example.test>", "Content-Type: multipart/mixed; boundary=nowhere", "", "No parts."],
    ])
    func textThatIsNotAForward(_ body: [String]) {
        let parsed = Message.parse(Self.forward(["Content-Type: text/plain", ""] + body))
        #expect(Self.listed(parsed) == [Listed(path: [1], filename: nil, mediaType: "text/plain")])
        #expect(parsed.defects.isEmpty)
    }

    @Test func forwardOfAForward() {
        // Three levels deep, the innermost header missing its empty line: the file is still found.
        let parsed = Message.parse(Self.forward([
            "Content-Type: message/rfc822", "", "Subject: Fwd: broken laptop", "Content-Type: multipart/mixed; boundary=mid", "",
            "--mid", "Content-Type: text/plain", "", "Forwarding again.", "--mid", "Content-Type: message/rfc822", "",
            "From: Kim <kim@example.test>", "Content-Type: multipart/mixed; boundary=inner",
        ] + Self.forwardedParts + ["--mid--"]))
        #expect(Self.listed(parsed) == [
            Listed(path: [1, 0, 0], filename: nil, mediaType: "text/plain"),
            Listed(path: [1, 0, 1, 0, 0], filename: nil, mediaType: "text/plain"),
            Listed(path: [1, 0, 1, 0, 1], filename: "screen.jpg", mediaType: "image/jpeg"),
        ])
        #expect(parsed.defects == [.headerNotEnded])
    }

    @Test func winmailDatInsideAForward() {
        var writer = TNEFWriter(codepage: 1252)
        writer.file(title: Array("scan.pdf".utf8), data: Array("%PDF".utf8))
        let parsed = Message.parse(Self.forward([
            "Content-Type: message/rfc822", "", "From: Kim <kim@example.test>", "Content-Type: multipart/mixed; boundary=inner", "",
            "--inner", "Content-Type: text/plain", "", "Scan attached.", "--inner", "Content-Type: application/ms-tnef",
            "Content-Transfer-Encoding: base64", "", String(decoding: Base64.encode(writer.bytes, lineLength: nil), as: UTF8.self),
            "--inner--",
        ]))
        #expect(Self.listed(parsed) == [
            Listed(path: [1, 0, 0], filename: nil, mediaType: "text/plain"),
            Listed(path: [1, 0, 1, 0], filename: "scan.pdf", mediaType: "application/pdf"),
        ])
    }
}
