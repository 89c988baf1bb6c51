import Foundation
import HelpdeskCore
import Testing

/// Queued mail keeps its facts as JSON: `reply` is left out when it is the whole body, and every
/// form reads back as the facts written.
@Suite("Mail facts as JSON")
struct MailFactsCodingTests {
    static func facts(body: String, reply: String?) -> MailFacts {
        var facts = MailFacts(ticket: nil, subject: "Printer", body: body, reply: reply, author: Correspondent(address: "ann@example.test", name: "Ann"),
                              linkedKey: "SUPP-1", reopened: true)
        facts.attachmentLimit = 1000
        return facts
    }

    static func object(_ facts: MailFacts) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(facts)) as? [String: Any])
    }

    @Test(arguments: [
        ("Hello\n\n> old", "Hello", true),
        ("Hello", nil, false),   // reply defaults to the body
        ("Hello", "Hello", false),
        ("", "", false),
        ("Hello", "", true),     // an empty reply (only quotes) is not the body
    ] as [(String, String?, Bool)])
    func replyIsWrittenOnlyWhenItDiffers(body: String, reply: String?, written: Bool) throws {
        let facts = Self.facts(body: body, reply: reply)
        #expect((try Self.object(facts)["reply"] != nil) == written)
        #expect(try JSONDecoder().decode(MailFacts.self, from: JSONEncoder().encode(facts)) == facts)
    }

    @Test func factsWrittenWithTheReplyStillRead() throws {
        let old = #"{"subject":"Printer","body":"Hello\n> old","reply":"Hello","reopened":false}"#
        let facts = try JSONDecoder().decode(MailFacts.self, from: Data(old.utf8))
        #expect(facts.body == "Hello\n> old")
        #expect(facts.reply == "Hello")
        #expect(facts.ticket == nil && facts.author == nil && facts.attachments == nil)
    }
}
