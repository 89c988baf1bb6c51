import Foundation
import HelpdeskCore
@testable import HelpdeskStore
import MailgateTestSupport
import Testing

/// Several mails encoded together (their shared facts written once) read back as each mail, and
/// as the same JSON object that encoding them one by one writes.
@Suite("Stored intents")
struct StoredIntentTests {
    static func mails() -> [PlannedMail] {
        let ann = Correspondent(address: "ann@example.test", name: "Ann \"A\" Ö")
        let dana = Correspondent(address: "dana@example.test")
        let shared = MailFacts(ticket: nil, subject: "Drucker \u{1F5A8}", body: "Line 1\r\n\"quoted\" \\ back\n\t tab", author: ann)
        var other = shared
        other.reply = "Line 1"
        return [
            PlannedMail(intent: .acknowledgement(to: ann), messageID: "a.1@example.test", mailbox: "support",
                        answering: MailThread(parent: "m@client", ancestors: ["x@y", "z@\"w\""]), facts: shared),
            PlannedMail(intent: .newTicket(agent: dana), messageID: "a.2@example.test", mailbox: "support", answering: nil, facts: shared),
            PlannedMail(intent: .assigned(agent: dana, by: "round robin"), messageID: "a.3@example.test", mailbox: "sup\"port", answering: nil, facts: other),
            PlannedMail(intent: .requesterReply(agent: dana), messageID: "a.4@example.test", mailbox: "support", answering: nil, facts: shared),
        ]
    }

    static func object(_ json: String) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary)
    }

    @Test func mailsEncodedTogetherReadBackAsEachMail() throws {
        let mails = Self.mails()
        let together = try StoredIntent.encode(mails)
        #expect(together.count == mails.count)
        for (mail, json) in zip(mails, together) {
            #expect(try StoredIntent.decode(json) == mail)
            #expect(try Self.object(json) == Self.object(StoredIntent.encode(mail)))
        }
        #expect(try StoredIntent.encode([]).isEmpty)
    }

    @Test("texts kept apart: left out of the JSON, read back empty, and refused without the flag, as an older release would")
    func textsApart() throws {
        let mails = Self.mails()
        for (mail, json) in zip(mails, try StoredIntent.encode(mails, textsApart: true)) {
            let facts = try #require((try Self.object(json))["mail"] as? NSDictionary)["facts"] as? NSDictionary
            #expect(facts?["body"] == nil && facts?["reply"] == nil, "\(json)")
            #expect(!json.contains("Line 1"))
            var expected = mail
            expected.facts.body = ""
            expected.facts.reply = ""
            #expect(try StoredIntent.decode(json, textsApart: true) == expected)
            #expect(throws: DecodingError.self) { try StoredIntent.decode(json) }
            #expect((try Self.object(json))["version"] as? Int == 2, "format 2: a release that reads only format 1 refuses it by name")
        }
        for json in try StoredIntent.encode(mails) {
            #expect((try Self.object(json))["version"] as? Int == 1, "whole mails stay format 1")
        }
        let later = try StoredIntent.encode(mails[0]).replacingOccurrences(of: #""version":1"#, with: #""version":3"#)
        #expect(throws: StoredIntentError.self) { try StoredIntent.decode(later) }
    }

    @Test("a row that names its comment decodes with the comment's texts, and refuses to decode without them")
    func rowWithCommentTexts() throws {
        let mail = Self.mails()[2]
        var row = OutboxRecord(
            id: 9, mailbox: "support", ticketId: 1, event: mail.event.rawValue, envelopeFrom: nil, recipients: "dana@example.test",
            message: nil, messageId: mail.messageID, status: .pending, attempts: 0, nextAttemptAt: .now, lastError: nil,
            createdAt: .now, sentAt: nil, intent: try StoredIntent.encode([mail], textsApart: true)[0], commentId: 4)
        #expect(throws: MailTextsNotRead.self) { try row.plannedMail() }
        row.commentTexts = MailTexts(body: mail.facts.body, reply: mail.facts.reply)
        #expect(try row.plannedMail() == mail)
    }

    @Test("strings written directly read back exactly: every control character, quotes, backslashes, any script", arguments: 0..<4)
    func jsonStringsReadBack(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let pieces = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "/", "a", " ", "é", "Ж", "中", "\u{1F5A8}", "\u{7F}", "\u{2028}", "<>"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...24, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            var json = ""
            StoredIntent.appendJSONString(text, to: &json)
            #expect(try JSONDecoder().decode(String.self, from: Data(json.utf8)) == text, "\(json)")
            #expect(!json.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "no raw control character: \(json)")
        }
    }
}
