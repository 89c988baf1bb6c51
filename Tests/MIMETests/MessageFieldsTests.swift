import Foundation
import Testing
@testable import MIME

@Suite("Message header fields")
struct MessageFieldsTests {
    @Test(arguments: [
        ("<a@example.test>", ["a@example.test"]),
        ("<a@example.test> <b@example.test>", ["a@example.test", "b@example.test"]),
        ("<a@example.test>\r\n\t<b@example.test>", ["a@example.test", "b@example.test"]),
        ("Ann's message of Tue <a@example.test> (comment)", ["a@example.test"]),
        ("<a@example.test>,<b@example.test>", ["a@example.test", "b@example.test"]),
        ("<broken <a@example.test>", ["a@example.test"]),
        ("<split\r\n id@example.test>", ["splitid@example.test"]),
        ("<>", []),
        ("a@example.test b@example.test", ["a@example.test", "b@example.test"]),
        ("junk only", []),
        ("", []),
    ])
    func messageIDLists(value: String, expected: [String]) {
        #expect(MessageIDList.parse(value) == expected)
    }

    @Test func helpDeskFields() {
        let parsed = Message.parse(message([
            "Return-Path: <>",
            "Received: from x by y",
            "Message-ID: <orig.1@example.test>",
            "In-Reply-To: <prev@example.test>",
            "References: <root@example.test>", " <prev@example.test>",
            "Date: Tue, 1 Jul 2003 10:52:37 +0200",
            "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.test>",
            "Sender: list-bounces@example.test",
            "To: support@example.test", "To: second@example.test",
            "Cc: \"C, D\" <cd@example.test>",
            "Reply-To: reply@example.test",
            "Subject: =?utf-8?q?Ol=C3=A1?=   ",
            "Auto-Submitted: Auto-Replied; owner-email=\"x@example.test\"",
            "Precedence: BULK",
            "List-Id: Support list <support.example.test>",
            "", "body",
        ]))
        #expect(parsed.returnPath == "")
        #expect(parsed.messageID == "orig.1@example.test")
        #expect(parsed.inReplyTo == ["prev@example.test"])
        #expect(parsed.references == ["root@example.test", "prev@example.test"])
        #expect(parsed.date == Date(timeIntervalSince1970: 1_057_049_557))
        #expect(parsed.from == [Address(name: "Jörg", address: "joerg@example.test")])
        #expect(parsed.sender == Address(address: "list-bounces@example.test"))
        #expect(parsed.to.map(\.address) == ["support@example.test", "second@example.test"])
        #expect(parsed.cc == [Address(name: "C, D", address: "cd@example.test")])
        #expect(parsed.replyTo == [Address(address: "reply@example.test")])
        #expect(parsed.subject == "Olá")
        #expect(parsed.autoSubmitted == "auto-replied")
        #expect(parsed.precedence == "bulk")
        #expect(parsed.listID == "support.example.test")
        #expect(parsed.textBody == "body")
        #expect(parsed.defects.isEmpty)
    }

    @Test(arguments: [
        ("<>", ""), ("< >", ""), ("<bounce@example.test>", "bounce@example.test"),
        ("<@relay.test:ann@example.test>", "ann@example.test"), ("  bare@example.test ", "bare@example.test"),
    ])
    func returnPaths(value: String, expected: String) {
        #expect(Message.parse(message(["Return-Path: \(value)", "", ""])).returnPath == expected)
    }

    @Test func absentFieldsAreNil() {
        let parsed = Message.parse(message(["X-Other: 1", "", "text"]))
        #expect(parsed.subject == nil)
        #expect(parsed.returnPath == nil)
        #expect(parsed.messageID == nil)
        #expect(parsed.date == nil)
        #expect(parsed.autoSubmitted == nil)
        #expect(parsed.precedence == nil)
        #expect(parsed.listID == nil)
        #expect(parsed.sender == nil)
        #expect(parsed.from.isEmpty && parsed.to.isEmpty && parsed.inReplyTo.isEmpty)
    }

    @Test func unreadableDateIsADefect() {
        let parsed = Message.parse(message(["Date: soon", "", ""]))
        #expect(parsed.date == nil)
        #expect(parsed.defects == [.unreadableDate("soon")])
    }

    @Test func parsesDataToo() {
        let parsed = Message.parse(Data("Subject: data\r\n\r\nx".utf8))
        #expect(parsed.subject == "data")
    }

    @Test func largeMessageParses() {
        // About 1 MB: a text part and a base64 attachment, as a help desk sees every day.
        var lines = ["Subject: big", "Content-Type: multipart/mixed; boundary=big", "", "--big",
                     "Content-Type: text/plain; charset=utf-8", "", "Please see the attached log.", "--big",
                     "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64",
                     "Content-Disposition: attachment; filename=log.bin", ""]
        let line = String(repeating: "QUJD", count: 19)
        lines += Array(repeating: line, count: 13_500)
        lines.append("--big--")
        let bytes = message(lines)
        #expect(bytes.count > 1_000_000)
        let parsed = Message.parse(bytes)
        #expect(parsed.textBody == "Please see the attached log.")
        #expect(parsed.attachments.first?.decodedBody().count == 13_500 * 57)
    }
}
