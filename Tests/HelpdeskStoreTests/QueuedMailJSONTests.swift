import Foundation
import HelpdeskCore
@testable import HelpdeskStore
import MailgateTestSupport
import Testing

/// The hand-written JSON of queued mail is the JSON JSONEncoder writes: the same object, and
/// read back the same value, for every field set or left out.
@Suite("Queued mail JSON")
struct QueuedMailJSONTests {
    static let pieces = ["a", " ", "\"", "\\", "\n", "\r\n", "\t", "\u{1}", "\u{1F}", "é", "中", "\u{1F5A8}", "/", "<>", "\u{7F}"]

    static func text(_ rng: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func maybe<T>(_ rng: inout SeededGenerator, _ value: (inout SeededGenerator) -> T) -> T? {
        Bool.random(using: &rng) ? value(&rng) : nil
    }

    static func date(_ rng: inout SeededGenerator) -> Date {
        // Whole seconds, milliseconds and sub-microsecond fractions, before and after 2001.
        let seconds = Double(Int64.random(in: -900_000_000...2_000_000_000, using: &rng))
        return Date(timeIntervalSinceReferenceDate: seconds + [0, 0.5, 0.123, 1e-7, 0.999_999_9].randomElement(using: &rng)!)
    }

    static func facts(_ rng: inout SeededGenerator) -> MailFacts {
        var ticket: Ticket?
        if Bool.random(using: &rng) {
            ticket = Ticket(
                id: maybe(&rng) { rng in Int64.random(in: 1...Int64.max, using: &rng) }, mailbox: text(&rng), number: Int.random(in: 1...1_000_000, using: &rng),
                key: text(&rng), subject: text(&rng), requesterAddress: text(&rng), requesterName: maybe(&rng) { rng in text(&rng) },
                status: TicketStatus.allCases.randomElement(using: &rng)!, priority: TicketPriority.allCases.randomElement(using: &rng)!,
                createdAt: date(&rng), updatedAt: date(&rng), linkedTicketId: maybe(&rng) { rng in Int64.random(in: 1...99, using: &rng) },
                linkReason: maybe(&rng) { _ in LinkReason.ticketClosed }, assignee: maybe(&rng) { rng in text(&rng) }, firstResponseAt: maybe(&rng) { rng in date(&rng) },
                language: maybe(&rng) { rng in text(&rng) }, organization: maybe(&rng) { rng in text(&rng) })
        }
        let body = text(&rng)
        var facts = MailFacts(
            ticket: ticket, subject: text(&rng), body: body, reply: Bool.random(using: &rng) ? body : text(&rng),
            author: maybe(&rng) { rng in Correspondent(address: text(&rng), name: maybe(&rng) { rng in text(&rng) }) }, linkedKey: maybe(&rng) { rng in text(&rng) },
            reopened: Bool.random(using: &rng))
        if Bool.random(using: &rng) {
            facts.attachments = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                AttachmentDraft(sha256: text(&rng), filename: text(&rng), contentType: text(&rng), size: Int.random(in: 0...Int.max, using: &rng),
                                isInline: Bool.random(using: &rng), contentID: maybe(&rng) { rng in text(&rng) })
            }
        }
        facts.attachmentLimit = maybe(&rng) { rng in Int.random(in: 0...1 << 40, using: &rng) }
        return facts
    }

    static func encoded<T: Encodable>(_ value: T, textsApart: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        if textsApart { encoder.userInfo[.mailTextsApart] = true }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func object(_ json: String) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary, "\(json)")
    }

    @Test("strings: escaped byte for byte as RFC 8259 asks, nothing else touched", arguments: [
        ("", #""""#), ("plain", #""plain""#), ("a\u{1}", #""a\u0001""#), ("\u{1F}", #""\u001f""#), ("\u{0}x", #""\u0000x""#),
        ("é\n中", #""é\n中""#), ("\"q\"\\", #""\"q\"\\""#), ("\r\n\t", #""\r\n\t""#), ("\u{7F}/<>", "\"\u{7F}/<>\""),
        ("\u{1F5A8}\u{8}", #""\#u{1F5A8}\u0008""#),
    ])
    func stringsAreEscapedExactly(text: String, json: String) {
        var bytes: [UInt8] = [0x7B]
        QueuedMailJSON.appendString(text, to: &bytes)
        // Appended after what was there.
        #expect(bytes.first == 0x7B)
        #expect(String(decoding: bytes.dropFirst(), as: UTF8.self) == json)
    }

    @Test("facts: the same object as JSONEncoder's, read back equal, texts apart or not", arguments: 0..<4)
    func factsMatchJSONEncoder(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            let facts = Self.facts(&rng)
            for apart in [false, true] {
                let json = try #require(QueuedMailJSON.facts(facts, textsApart: apart))
                #expect(try Self.object(json) == Self.object(Self.encoded(facts, textsApart: apart)), "\(json)")
                let decoder = JSONDecoder()
                if apart { decoder.userInfo[.mailTextsApart] = true }
                var expected = facts
                if apart { (expected.body, expected.reply) = ("", "") }
                #expect(try decoder.decode(MailFacts.self, from: Data(json.utf8)) == expected, "\(json)")
            }
        }
    }

    @Test("intents: the four a recorded message queues match JSONEncoder's; the others are left to it")
    func intents() throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let person = Correspondent(address: Self.text(&rng), name: Self.maybe(&rng) { rng in Self.text(&rng) })
            for intent in [MailIntent.acknowledgement(to: person), .newTicket(agent: person), .requesterReply(agent: person),
                           .assigned(agent: person, by: Self.text(&rng))] {
                let json = try #require(QueuedMailJSON.intent(intent))
                #expect(try Self.object(json) == Self.object(Self.encoded(intent)), "\(json)")
                #expect(try JSONDecoder().decode(MailIntent.self, from: Data(json.utf8)) == intent)
            }
        }
        let ann = Correspondent(address: "ann@example.test")
        #expect(QueuedMailJSON.intent(.approvalGranted(to: ann)) == nil)
        #expect(QueuedMailJSON.intent(.agentReply(to: [ann], author: ann)) == nil)
    }

    @Test("every field of the types written by hand is written: a field added later fails here until it is")
    func fieldsAreAllKnown() {
        // The counts QueuedMailJSON writes; a new property must be added there (and to `facts(_:)` above).
        let ticket = Ticket(id: 1, mailbox: "m", number: 1, key: "K-1", subject: "s", requesterAddress: "a", requesterName: nil,
                            status: .new, priority: .normal, createdAt: .now, updatedAt: .now)
        #expect(Mirror(reflecting: ticket).children.count == 17)
        #expect(Mirror(reflecting: Correspondent(address: "a")).children.count == 2)
        #expect(Mirror(reflecting: AttachmentDraft(sha256: "", filename: "", contentType: "", size: 0, isInline: false, contentID: nil)).children.count == 6)
        #expect(Mirror(reflecting: MailFacts(ticket: nil, subject: "s")).children.count == 13)
    }

    @Test("a date that is not finite is left to JSONEncoder, which refuses it, not written as invalid JSON")
    func nonFiniteDates() {
        var ticket = Ticket(id: 1, mailbox: "m", number: 1, key: "K-1", subject: "s", requesterAddress: "a", requesterName: nil,
                            status: .new, priority: .normal, createdAt: .now, updatedAt: .now)
        ticket.firstResponseAt = Date(timeIntervalSinceReferenceDate: .infinity)
        #expect(QueuedMailJSON.facts(MailFacts(ticket: ticket, subject: "s"), textsApart: false) == nil)
        ticket.firstResponseAt = Date(timeIntervalSinceReferenceDate: .nan)
        #expect(QueuedMailJSON.facts(MailFacts(ticket: ticket, subject: "s"), textsApart: true) == nil)
    }

    @Test("facts only JSONEncoder writes here (an SLA clock, a delivery, an approval, files left out) are left to it")
    func rarerFactsLeftToJSONEncoder() {
        var facts = MailFacts(ticket: nil, subject: "s")
        facts.leftOut = []
        #expect(QueuedMailJSON.facts(facts, textsApart: false) == nil)
        facts.leftOut = nil
        facts.clock = ClockFacts(target: .firstResponse, duration: 60, elapsed: 30, dueAt: nil, timeZone: "UTC", warningPoint: 0.8, businessHours: false)
        #expect(QueuedMailJSON.facts(facts, textsApart: true) == nil)
    }
}
