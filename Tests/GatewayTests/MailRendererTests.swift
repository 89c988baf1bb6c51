import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

@Suite("Acknowledgement format")
struct MailRendererTests {
    let mailbox = try! MailboxConfig.parse(yaml: ConfigTests.valid + "\nname: Équipe Support", file: "mailboxes/support.yaml")

    /// The acknowledgement of SUPP-7 as the outbox renders it; the Message-ID was fixed when decided.
    func compose(subject: String, requesterName: String?, body: String = "Hi\n") throws -> (Draft, String) {
        let templates = try TemplateLibrary.load(directory: RepoPaths.templates.path, mailboxes: ["support"])
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let ticket = TicketRecord(
            id: 1, mailbox: "support", number: 7, key: "SUPP-7", subject: subject, requesterAddress: "alice@example.test",
            requesterName: requesterName, status: .new, priority: .normal, createdAt: now, updatedAt: now)
        let planned = PlannedMail(
            intent: .acknowledgement(to: Correspondent(address: "alice@example.test", name: requesterName)),
            messageID: MessageIDGenerator.make(domain: mailbox.domain), mailbox: "support",
            answering: MailThread(messageID: "in-1@client.test", references: ["older@client.test"]),
            facts: MailFacts(ticket: ticket, subject: subject, body: body))
        let rendered = try MailRenderer(templates: templates, mailboxes: [mailbox], secrets: [:]).render(planned, ticketId: 1, now: now)
        let draft = Draft(envelopeFrom: rendered.envelopeFrom, recipients: rendered.recipients, message: rendered.message, messageID: planned.messageID)
        return (draft, String(decoding: rendered.message, as: UTF8.self))
    }

    struct Draft {
        var envelopeFrom: String
        var recipients: [String]
        var message: [UInt8]
        var messageID: String
    }

    @Test func headersAndThreading() throws {
        let (draft, text) = try compose(subject: "Printer jammed", requesterName: "Alice")
        let parsed = Message.parse(draft.message)
        #expect(parsed.subject == "[SUPP-7] Printer jammed")
        #expect(parsed.inReplyTo == ["in-1@client.test"])
        #expect(parsed.references == ["older@client.test", "in-1@client.test"])
        #expect(parsed.autoSubmitted == "auto-replied")
        #expect(parsed.header["X-Mailgate-Ticket"] == "SUPP-7")
        #expect(parsed.header["X-Auto-Response-Suppress"] == "All")
        #expect(parsed.messageID == draft.messageID)
        #expect(draft.messageID.hasSuffix("@example.test"))
        #expect(parsed.from == [Address(name: "Équipe Support", address: "support@example.test")])
        #expect(parsed.date == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(draft.recipients == ["alice@example.test"])
        #expect(draft.envelopeFrom == "support@example.test")
        #expect(text.contains("\r\nMIME-Version: 1.0\r\n"))
        // The non-ASCII display name is an encoded word, never raw 8-bit in a header.
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.utf8.allSatisfy { $0 < 128 })
    }

    @Test func everyLineEndsInCRLFAndStaysShort() throws {
        let long = String(repeating: "Überlänge ", count: 30)
        let (draft, text) = try compose(subject: long, requesterName: "Zoë Ünïcode-Person with a very long name indeed")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        let head = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head.allSatisfy { $0.utf8.count <= 78 }, "\(head.filter { $0.utf8.count > 78 })")
        #expect(Message.parse(draft.message).subject == "[SUPP-7] " + long.trimmingCharacters(in: .whitespaces))
        #expect(Message.parse(draft.message).textBody?.contains("Zoë Ünïcode-Person") == true)
    }

    @Test func headerInjectionThroughTheSubjectIsDefused() throws {
        let (draft, text) = try compose(subject: "hi\r\nBcc: victim@example.test", requesterName: "Mallory\r\nX-Evil: 1")
        #expect(!text.contains("\r\nBcc:"))
        #expect(!text.contains("\r\nX-Evil:"))
        #expect(Message.parse(draft.message).header["Bcc"] == nil)
    }
}
