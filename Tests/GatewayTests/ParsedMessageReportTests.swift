import Crypto
import Foundation
import Gateway
import MIME
import Testing

/// The JSON of `helpdesk parse FILE --json` (issue 3): its keys, nulls and values.
@Suite("parsed message report")
struct ParsedMessageReportTests {
    static let topKeys: Set<String> = [
        "subject", "from", "to", "cc", "reply_to", "message_id", "in_reply_to", "references", "date",
        "auto_submitted", "text", "html", "reply", "attachments", "parts", "defects",
    ]
    static let attachmentKeys: Set<String> = ["filename", "content_type", "size", "sha256", "inline", "content_id"]
    static let partKeys: Set<String> = ["content_type", "charset", "encoding", "disposition", "parts"]

    /// The report of `bytes` as the JSON object a script would read.
    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        let data = try ParsedMessageReport(bytes: bytes).jsonData()
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func corpusMessage(_ path: String) throws -> [UInt8]? {
        let url = RepoPaths.root.appendingPathComponent("Tests/Fixtures/corpus/mime").appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("corpus message \(url.path) is missing")
            return nil
        }
        return [UInt8](try Data(contentsOf: url))
    }

    static func message(_ lines: [String]) -> [UInt8] {
        Array(lines.joined(separator: "\r\n").utf8)
    }

    @Test func headerFieldsAndNulls() throws {
        let object = try Self.json(Self.message([
            "From: =?utf-8?Q?Ren=C3=A9e?= <renee@example.test>", "To: support@example.test, \"Ops\" <ops@example.test>",
            "Cc: cc@example.test", "Reply-To: Desk <desk@example.test>", "Subject: =?utf-8?B?UHLDvGZ1bmc=?=",
            "Message-ID: <m1@example.test>", "In-Reply-To: <p1@example.test>", "References: <r1@example.test> <p1@example.test>",
            "Date: Tue, 24 Nov 2026 10:12:00 +0100", "Auto-Submitted: auto-replied", "", "Hello",
        ]))
        #expect(Set(object.keys) == Self.topKeys)
        #expect(object["subject"] as? String == "Prüfung")
        let from = try #require(object["from"] as? [[String: Any]])
        #expect(from.first?["name"] as? String == "Renée")
        #expect(from.first?["address"] as? String == "renee@example.test")
        let to = try #require(object["to"] as? [[String: Any]])
        #expect(to.count == 2)
        #expect(to.first?["name"] is NSNull, "a missing name is null, not absent")
        #expect((object["reply_to"] as? [[String: Any]])?.first?["address"] as? String == "desk@example.test")
        #expect((object["cc"] as? [[String: Any]])?.count == 1)
        #expect(object["message_id"] as? String == "m1@example.test")
        #expect(object["in_reply_to"] as? [String] == ["p1@example.test"])
        #expect(object["references"] as? [String] == ["r1@example.test", "p1@example.test"])
        #expect(object["date"] as? String == "2026-11-24T09:12:00Z")
        #expect(object["auto_submitted"] as? String == "auto-replied")
        #expect(object["text"] as? String == "Hello")
        #expect(object["html"] is NSNull)
        #expect(object["reply"] as? String == "Hello")
        #expect((object["attachments"] as? [Any])?.isEmpty == true)
        #expect((object["defects"] as? [String])?.isEmpty == true)
        let parts = try #require(object["parts"] as? [String: Any])
        #expect(Set(parts.keys) == Self.partKeys)
        #expect(parts["content_type"] as? String == "text/plain")
        #expect(parts["encoding"] is NSNull)
        #expect(parts["disposition"] is NSNull)
        #expect((parts["parts"] as? [Any])?.isEmpty == true)
    }

    @Test func emptyMessageStillHasEveryKey() throws {
        let object = try Self.json([])
        #expect(Set(object.keys) == Self.topKeys)
        for key in ["subject", "message_id", "date", "auto_submitted", "html"] {
            #expect(object[key] is NSNull, "\(key)")
        }
    }

    @Test func unreadableDateIsNullWithADefect() throws {
        let object = try Self.json(Self.message(["Date: someday soon", "", "x"]))
        #expect(object["date"] is NSNull)
        #expect((object["defects"] as? [String])?.contains { $0.contains("Date") } == true)
    }

    @Test func simpleAttachmentFromCorpus() throws {
        guard let bytes = try Self.corpusMessage("testmsgs/simple-attachment.msg") else { return }
        let object = try Self.json(bytes)
        #expect(Set(object.keys) == Self.topKeys)
        #expect(object["subject"] as? String == "Here is the attachment I was waiting for.")
        #expect((object["from"] as? [[String: Any]])?.first?["name"] as? String == "Foo Bar")
        #expect(object["date"] as? String == "2007-04-27T14:08:23Z")
        #expect(object["message_id"] is NSNull)
        #expect(object["text"] as? String == "Body.\n")
        let attachments = try #require(object["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        let file = try #require(attachments.first)
        #expect(Set(file.keys) == Self.attachmentKeys)
        // Size and digest checked with Python's email package (policy.default, get_payload(decode=True)).
        #expect(file["filename"] as? String == "data.bin")
        #expect(file["content_type"] as? String == "application/octet-stream")
        #expect(file["size"] as? Int == 1024)
        #expect(file["sha256"] as? String == "c9cb77d8fbff231c53d241bb07cb66821bccbe5a2c2e8ad610800a5c27aa8342")
        #expect(file["inline"] as? Bool == false)
        #expect(file["content_id"] is NSNull)
        let parts = try #require(object["parts"] as? [String: Any])
        #expect(parts["content_type"] as? String == "multipart/mixed")
        let children = try #require(parts["parts"] as? [[String: Any]])
        #expect(children.map { $0["content_type"] as? String } == ["text/plain", "application/octet-stream"])
        #expect(children.first?["charset"] as? String == "iso-8859-15")
        #expect(children.last?["encoding"] as? String == "base64")
        #expect(children.last?["disposition"] as? String == "attachment")
    }

    @Test func nestedMultipartFromCorpus() throws {
        guard let bytes = try Self.corpusMessage("mimetools-testmsgs/multi-nested.msg") else { return }
        let object = try Self.json(bytes)
        #expect((object["text"] as? String)?.hasPrefix("Part 1 of the outer message.") == true)
        let attachments = try #require(object["attachments"] as? [[String: Any]])
        // Part 2, the two GIFs, the richtext part and the text of the attached message: all but the chosen part 1.
        #expect(attachments.map { $0["content_type"] as? String }
                == ["text/plain", "image/gif", "image/gif", "text/richtext", "text/plain"])
        #expect(attachments.map { $0["filename"] as? String } == [nil, "3d-vise.gif", "3d-eye.gif", nil, nil])
        #expect(attachments.map { $0["inline"] as? Bool } == [false, true, true, false, false])
        // Base64 leaves agree with Python byte for byte; text leaves keep their CRLFs (Python turns them into LF).
        #expect(attachments[1]["size"] as? Int == 419)
        #expect(attachments[1]["sha256"] as? String == "de136334ea0d8b5652b8bc54c20377606ba54c1ebc550f5cbb478b3f68712b50")
        #expect(attachments[2]["size"] as? Int == 357)
        #expect(attachments[2]["sha256"] as? String == "7ea1645e4a5115a5cd8a1f3693555d98142138bbdee20ae774528e8e2c2f0828")
        #expect(attachments[4]["size"] as? Int == 58)

        let parts = try #require(object["parts"] as? [String: Any])
        let children = try #require(parts["parts"] as? [[String: Any]])
        #expect(children.map { $0["content_type"] as? String }
                == ["text/plain", "text/plain", "multipart/parallel", "text/richtext", "message/rfc822"])
        #expect((children[2]["parts"] as? [Any])?.count == 2)
        let attached = try #require((children[4]["parts"] as? [[String: Any]])?.first)
        #expect(attached["content_type"] as? String == "text/plain")
        #expect(attached["charset"] as? String == "iso-8859-1")
        #expect(attached["encoding"] as? String == "quoted-printable")
    }

    @Test func inlineImageWithContentID() throws {
        let object = try Self.json(Self.message([
            "Content-Type: multipart/related; boundary=r", "", "--r", "Content-Type: text/html; charset=utf-8", "",
            "<p>Logo: <img src=\"cid:logo@x\"></p>", "--r", "Content-Type: image/png; name=logo.png",
            "Content-Transfer-Encoding: base64", "Content-ID: <logo@x>", "", "iVBORw0KGgo=", "--r--", "",
        ]))
        #expect(object["text"] as? String == "Logo:")
        #expect(object["html"] as? String == "<p>Logo: <img src=\"cid:logo@x\"></p>")
        let attachments = try #require(object["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        #expect(attachments.first?["inline"] as? Bool == true)
        #expect(attachments.first?["content_id"] as? String == "logo@x")
        #expect(attachments.first?["filename"] as? String == "logo.png")
        #expect(attachments.first?["size"] as? Int == 8)
    }

    @Test func uuencodedFilesFromCorpus() throws {
        guard let bytes = try Self.corpusMessage("mimetools-testmsgs/uu-zeegee.msg") else { return }
        let object = try Self.json(bytes)
        #expect((object["text"] as? String)?.contains("begin 644") == false)
        let attachments = try #require(object["attachments"] as? [[String: Any]])
        // Sizes and digests checked with Python's binascii.a2b_uu, line by line.
        #expect(attachments.map { $0["filename"] as? String } == ["up.gif", "zeegee.gif"])
        #expect(attachments.map { $0["content_type"] as? String } == ["image/gif", "image/gif"])
        #expect(attachments.map { $0["size"] as? Int } == [110, 4834])
        #expect(attachments.map { $0["sha256"] as? String } == [
            "3714b7bf6df15c3f650e224c76228db1ea642944af4301b78ff82d32b09749d1",
            "2ecf8cdc2d1a976d54a58ff697465db8296a36ec430e68db8513445a3704f844",
        ])
        // The files show in the tree under the text they were taken from.
        let parts = try #require(object["parts"] as? [String: Any])
        #expect(parts["content_type"] as? String == "text/plain")
        let files = try #require(parts["parts"] as? [[String: Any]])
        #expect(files.map { $0["content_type"] as? String } == ["image/gif", "image/gif"])
        #expect(files.map { $0["disposition"] as? String } == ["attachment", "attachment"])
        #expect(object["defects"] as? [String] == [
            "uuencoded file \"up.gif\" in the text: taken out as an attachment",
            "uuencoded file \"zeegee.gif\" in the text: taken out as an attachment",
        ])
    }

    @Test func summaryNamesTheEssentials() throws {
        guard let bytes = try Self.corpusMessage("testmsgs/simple-attachment.msg") else { return }
        let summary = ParsedMessageReport(bytes: bytes).summary
        #expect(summary.contains("From:       Foo Bar <bar@example.com>"))
        #expect(summary.contains("1024 bytes  application/octet-stream  data.bin  attachment"))
        #expect(summary.contains("Defects:    0"))
    }
}

@Suite("SHA-256 hex")
struct SHA256HexTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ])
    func knownVectors(input: String, hex: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == hex)
    }
}
