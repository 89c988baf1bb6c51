import Testing
@testable import MIME

/// `Message.attachments`: every leaf except the chosen bodies, attached messages opened.
@Suite("MIME attachment list")
struct AttachmentListTests {
    /// Alternative text and HTML (the chosen bodies), a related image, two files with encoded
    /// names, and a forwarded message with its own text and image.
    static let mixed = message([
        "Subject: report", "Content-Type: multipart/mixed; boundary=outer", "",
        "--outer", "Content-Type: multipart/alternative; boundary=alt", "",
        "--alt", "Content-Type: text/plain; charset=utf-8", "", "See the attached files.",
        "--alt", "Content-Type: multipart/related; boundary=rel", "",
        "--rel", "Content-Type: text/html; charset=utf-8", "", "<p>See <img src=\"cid:logo@x\"></p>",
        "--rel", "Content-Type: image/png", "Content-Transfer-Encoding: base64", "Content-ID: <logo@x>", "",
        "iVBORw0KGgo=", "--rel--", "--alt--",
        "--outer", "Content-Type: application/pdf", "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf", "", "JVBERi0xLjQK",
        "--outer", "Content-Type: text/csv; name=\"=?utf-8?B?0L7RgtGH0ZHRgi5jc3Y=?=\"",
        "Content-Transfer-Encoding: quoted-printable", "", "a,b=3D", "1,2",
        "--outer", "Content-Type: message/rfc822", "Content-Disposition: attachment", "",
        "Subject: forwarded", "Content-Type: multipart/mixed; boundary=fwd", "",
        "--fwd", "Content-Type: text/plain", "", "Inner text.",
        "--fwd", "Content-Type: image/gif", "Content-Disposition: inline; filename=dot.gif",
        "Content-Transfer-Encoding: base64", "", "R0lGODdh", "--fwd--",
        "--outer--", "",
    ])

    struct Expected: Sendable, Equatable {
        var path: [Int]
        var contentType: String
        var filename: String?
        var size: Int
        var isInline: Bool
        var contentID: String?
    }

    @Test func listsEveryOtherLeafIncludingForwardedOnes() {
        let parsed = Message.parse(Self.mixed)
        #expect(parsed.textBody == "See the attached files.")
        #expect(parsed.textBodyPath == [0, 0])
        #expect(parsed.htmlBodyPath == [0, 1, 0])
        let listed = parsed.attachments.map {
            Expected(path: $0.path, contentType: $0.contentType.mediaType, filename: $0.filename,
                     size: $0.decodedBody().count, isInline: $0.isInline, contentID: $0.contentID)
        }
        #expect(listed == [
            Expected(path: [0, 1, 1], contentType: "image/png", filename: nil, size: 8, isInline: true, contentID: "logo@x"),
            Expected(path: [1], contentType: "application/pdf", filename: "résumé.pdf", size: 9, isInline: false, contentID: nil),
            // Quoted-printable "a,b=3D\r\n1,2": the decoded size, not the encoded one.
            Expected(path: [2], contentType: "text/csv", filename: "отчёт.csv", size: 9, isInline: false, contentID: nil),
            Expected(path: [3, 0, 0], contentType: "text/plain", filename: nil, size: 11, isInline: false, contentID: nil),
            Expected(path: [3, 0, 1], contentType: "image/gif", filename: "dot.gif", size: 6, isInline: true, contentID: nil),
        ])
    }

    @Test func htmlOnlyBodyIsNotAnAttachment() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/related; boundary=r", "", "--r", "Content-Type: text/html", "", "<p>Hi</p>",
            "--r", "Content-Type: image/jpeg", "Content-ID: photo", "Content-Disposition: attachment; filename=p.jpg", "",
            "jpeg", "--r--",
        ]))
        #expect(parsed.textBody == "Hi")
        #expect(parsed.textBodyPath == [0])
        #expect(parsed.htmlBodyPath == [0])
        #expect(parsed.attachments.map(\.path) == [[1]])
        // A Content-ID inside multipart/related is shown inline whatever the disposition says.
        #expect(parsed.attachments.first?.isInline == true)
        #expect(parsed.attachments.first?.contentID == "photo")
    }

    @Test func forwardedTextChosenAsBodyIsExcluded() {
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=m", "", "--m", "Content-Type: message/rfc822", "",
            "Subject: inner", "", "The only text.", "--m", "Content-Type: application/zip",
            "Content-Disposition: attachment; filename=a.zip", "", "PK", "--m--",
        ]))
        #expect(parsed.textBody == "The only text.")
        #expect(parsed.textBodyPath == [0, 0])
        #expect(parsed.attachments.map(\.filename) == ["a.zip"])
    }

    @Test func singlePartMessageHasNoAttachments() {
        let parsed = Message.parse(message(["Subject: hi", "", "Hello"]))
        #expect(parsed.textBodyPath == [])
        #expect(parsed.attachments.isEmpty)
    }

    @Test(arguments: [
        // (extra headers, filename, inline, content id)
        (["Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.txt"], "€ rates.txt", false, nil),
        (["Content-Type: application/octet-stream; name=\"=?iso-8859-1?Q?caf=E9.bin?=\""], "café.bin", false, nil),
        (["Content-Disposition: attachment; filename*0*=utf-8''long%20; filename*1=name.txt"], "long name.txt", false, nil),
        (["Content-Disposition: INLINE; filename=\"a.png\"", "Content-ID: <a@b>"], "a.png", true, "a@b"),
        (["Content-ID: <outside@related>"], nil, false, "outside@related"),
        ([String](), nil, false, nil),
    ] as [([String], String?, Bool, String?)])
    func describesOnePart(_ headers: [String], _ filename: String?, _ isInline: Bool, _ contentID: String?) throws {
        let hasType = headers.contains { $0.hasPrefix("Content-Type") }
        let parsed = Message.parse(message([
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "", "body", "--b",
        ] + (hasType ? [] : ["Content-Type: application/octet-stream"]) + headers + ["", "data", "--b--"]))
        let attachment = try #require(parsed.attachments.first)
        #expect(parsed.attachments.count == 1)
        #expect(attachment.filename == filename)
        #expect(attachment.isInline == isInline)
        #expect(attachment.contentID == contentID)
        #expect(attachment.decodedBody() == Array("data".utf8))
    }
}
