import Foundation
import HelpdeskCore
import MIME
import MailgateTestSupport
import Testing

/// `helpdesk templates preview`: every event from sample values and from a stored ticket, as
/// the mail that would be sent.
@Suite("helpdesk templates preview", .serialized, .timeLimit(.minutes(5)))
struct TemplatePreviewCommandTests {
    static let global = [
        "--config-dir", RepoPaths.root.appendingPathComponent("mailboxes").path, "--templates", RepoPaths.templates.path,
    ]
    static let secret = ["MAILGATE_REPLY_SECRET": "preview-test-secret-0123456789abcdef"]

    @Test(arguments: MailEvent.allCases)
    func everyEventFromSampleValues(event: MailEvent) throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("\(event.rawValue).eml")
        let result = try CommandLineTests.helpdesk(["templates", "preview", event.rawValue, "--sample", "--as", "eml", "-o", file] + Self.global)
        #expect(result.status == 0, "\(result.stderr)")
        let message = Message.parse(try #require(FileManager.default.contents(atPath: file)).map { $0 })
        #expect(message.defects.isEmpty, "\(message.defects)")
        #expect(message.root.contentType.mediaType == "multipart/alternative")
        #expect(message.textBody?.isEmpty == false)
        #expect(message.htmlBody?.contains("<html lang=\"en\">") == true)
        if event.isAboutTicket { #expect(message.subject?.contains("[SUPP-123]") == true, "\(message.subject ?? "")") }

        let german = try CommandLineTests.helpdesk(["templates", "preview", event.rawValue, "--language", "de", "--as", "html"] + Self.global)
        #expect(german.status == 0, "\(german.stderr)")
        #expect(german.stdout.contains("<html lang=\"de\">"))
    }

    @Test func textShowsTheHeaderFieldsAndTheTextPart() throws {
        let result = try CommandLineTests.helpdesk(["templates", "preview", "ticket_created"] + Self.global)
        #expect(result.status == 0, "\(result.stderr)")
        let parts = result.stdout.components(separatedBy: "\n\n")
        #expect(parts.first?.contains("Subject: [SUPP-123] Printer on fire") == true)
        #expect(parts.first?.contains("Auto-Submitted: auto-replied") == true)
        #expect(result.stdout.contains("Hello Alice Example,"))
        #expect(!result.stdout.contains("<p>"))
    }

    @Test func fromAStoredTicketInItsRequestersLanguage() throws {
        let directory = try TemporaryDirectory()
        let store = try FixtureStore(kind: .selected, directory: directory)
        let local = ["--database", store.location, "--data-dir", directory.path("data")]
        let request = directory.path("request.eml")
        try """
            From: Erin Beispiel <erin@example.test>
            To: support@example.test
            Subject: VPN <down> again
            Message-ID: <vpn-1@client.test>
            Content-Language: de

            Hallo,
            das VPN geht nicht & der Drucker auch nicht.

            """.write(toFile: request, atomically: true, encoding: .utf8)
        let ingest = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support", request] + Self.global + local, environment: Self.secret)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let show = try CommandLineTests.helpdesk(["tickets", "show", "SUPP-1", "--json"] + Self.global + local)
        let ticket = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(ticket["language"] as? String == "de", "kept from Content-Language: \(show.stdout)")

        let html = try CommandLineTests.helpdesk(["templates", "preview", "requester_reply", "--ticket", "supp-1", "--as", "html"] + Self.global + local)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.contains("das VPN geht nicht &amp; der Drucker auch nicht."), "the comment, escaped: \(html.stdout)")
        #expect(html.stdout.contains("<html lang=\"en\">"), "agents' mail is in the agent's language, English here")
        let ack = try CommandLineTests.helpdesk(["templates", "preview", "ticket_created", "--ticket", "SUPP-1"] + Self.global + local)
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(ack.stdout.contains("Hallo Erin Beispiel"), "the requester's mail is in their language: \(ack.stdout)")
        #expect(ack.stdout.contains("VPN <down> again"))

        let missing = try CommandLineTests.helpdesk(["templates", "preview", "ticket_created", "--ticket", "SUPP-9"] + Self.global + local)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("ticket SUPP-9 not found"))
        let both = try CommandLineTests.helpdesk(["templates", "preview", "ticket_created", "--ticket", "SUPP-1", "--sample"] + Self.global + local)
        #expect(both.status != 0)
        #expect(both.stderr.contains("either --ticket KEY or --sample"))
    }

    @Test func unknownMailboxAndLanguageAreExplained() throws {
        let mailbox = try CommandLineTests.helpdesk(["templates", "preview", "ticket_created", "--mailbox", "salse"] + Self.global)
        #expect(mailbox.status == 1)
        #expect(mailbox.stderr.contains("no mailbox 'salse'; configured: support"), "\(mailbox.stderr)")
        let language = try CommandLineTests.helpdesk(["templates", "preview", "ticket_created", "--language", "deutsch"] + Self.global)
        #expect(language.status == 1)
        #expect(language.stderr.contains("'deutsch' is not a language tag"), "\(language.stderr)")
    }
}
