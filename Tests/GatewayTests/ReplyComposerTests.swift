import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

@Suite("Acknowledgement format")
struct ReplyComposerTests {
    let mailbox = try! MailboxConfig.parse(yaml: ConfigTests.valid + "\nname: Équipe Support", file: "mailboxes/support.yaml")

    func compose(subject: String, requesterName: String?, body: String = "Hi\n") throws -> (OutboxDraft, String) {
        let templates = try TemplateLibrary.load(directory: RepoPaths.templates.path)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let ticket = TicketRecord(
            id: 1, mailbox: "support", number: 7, key: "SUPP-7", subject: subject, requesterAddress: "alice@example.test",
            requesterName: requesterName, status: .new, priority: .normal, createdAt: now, updatedAt: now)
        let inbound = Message.parse(Array("From: alice@example.test\r\nSubject: \(subject)\r\nMessage-ID: <in-1@client.test>\r\nReferences: <older@client.test>\r\n\r\n\(body)".utf8))
        let draft = try ReplyComposer(mailbox: mailbox, templates: templates).compose(
            event: "ticket_created", ticket: ticket, to: [Address(name: requesterName, address: "alice@example.test")],
            answering: inbound, messageBody: body, now: now)
        return (draft, String(decoding: draft.message, as: UTF8.self))
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
