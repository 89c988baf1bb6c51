import Foundation
import HelpdeskCore
@testable import HelpdeskStore
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
}
