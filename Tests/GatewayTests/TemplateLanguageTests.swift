import Foundation
@testable import Gateway
import HelpdeskCore
import MIME
import MailgateTestSupport
import Testing

/// Which folder's templates a mail gets, and how HTML is made.
@Suite("Template languages and HTML")
struct TemplateLanguageTests {
    static let ack = "Subject: [{{ticket.key}}] {{ticket.subject}}\n\n"

    func load(_ files: [String: String]) throws -> (TemporaryDirectory, TemplateLibrary) {
        let directory = try TemplateDirectory.make(files)
        return (directory, try TemplateLibrary.load(directory: directory.url.path, mailboxes: ["support", "sales"]))
    }

    static let choices: [(languages: [String], mailbox: String, expected: String)] = [
        ([], "support", "root"),
        (["de"], "support", "de"),
        (["de-AT"], "support", "de"),
        (["pt-BR"], "support", "pt"),
        (["pt-PT"], "support", "pt"),
        (["fr"], "support", "root"),
        (["en-GB", "de"], "support", "root"),
        (["en"], "sales", "sales"),
        (["fr", "de"], "support", "de"),
        (["de"], "sales", "sales-de"),
        ([], "sales", "sales"),
        (["fr"], "sales", "sales"),
    ]

    @Test(arguments: choices)
    func fallbackChain(languages: [String], mailbox: String, expected: String) throws {
        let (_, library) = try load([
            "ticket_created.mustache": Self.ack + "root\n", "ticket_created.html.mustache": "",
            "pt/ticket_created.mustache": Self.ack + "pt\n",
            "de/ticket_created.mustache": Self.ack + "de\n", "de/ticket_created.html.mustache": "",
            "sales/ticket_created.mustache": Self.ack + "sales\n",
            "sales/de/ticket_created.mustache": Self.ack + "sales-de\n",
        ])
        #expect(try library.renderForTest(.ticketCreated, mailbox: mailbox, languages: languages).body == expected + "\n")
    }

    @Test func aFoldersTextAndHTMLGoTogether() throws {
        // The sales override has text only: its mail must not take the root's HTML, which says
        // something else.
        let (_, library) = try load(["sales/ticket_created.mustache": Self.ack + "sales only\n"])
        let sales = try library.renderForTest(.ticketCreated, mailbox: "sales")
        #expect(sales.html == nil)
        #expect(try library.renderForTest(.ticketCreated, mailbox: "support").html != nil)
    }

    @Test func partialsComeFromTheMailsOwnLanguage() throws {
        let (_, library) = try load([
            "de/ticket_created.mustache": Self.ack + "Hallo\n{{> footer}}\n", "de/ticket_created.html.mustache": "",
            "de/footer.mustache": "-- \nDeutsch\n",
        ])
        #expect(try library.renderForTest(.ticketCreated, mailbox: "support", languages: ["de"]).body.hasSuffix("-- \nDeutsch\n"))
        #expect(try library.renderForTest(.ticketCreated, mailbox: "support", languages: ["de"]).html == nil)
    }

    @Test func htmlEscapesValuesAndKeepsLineBreaks() throws {
        let (_, library) = try load([
            "ticket_created.html.mustache": "<div>{{message.reply}}</div><p>{{{mailbox.name}}}</p>\n",
            "layout.html.mustache": "<html lang=\"{{language}}\"><body>{{{content}}}</body></html>\n",
        ])
        var values = TemplateValues.sample
        values.message.reply = "<script>alert('x')</script> & \"so\"\nsecond line\n\n"
        values.mailbox.name = "<b>Support</b>"
        let choice = try #require(library.choose(event: .ticketCreated, mailbox: "support", languages: []))
        let rendered = try library.render(choice, values: values)
        #expect(rendered.html == """
            <html lang="en"><body><div>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;so&quot;<br>
            second line</div><p><b>Support</b></p>
            </body></html>

            """)
        #expect(rendered.body.contains("Hello Alice Example"), "the text part is the text template's")
    }

    @Test func textIsMadeFromHTMLWhenThereIsNoTextTemplate() throws {
        let (_, library) = try load([
            "ticket_created.mustache": "",
            "ticket_created.html.mustache": "Subject: [{{ticket.key}}] Thanks: {{ticket.subject}}\n\n<h1>Thanks, {{requester.name}}</h1><p>We got it &amp; will answer.</p>\n",
        ])
        var values = TemplateValues.sample
        values.ticket?.subject = "Can't print <again> & \"now\""
        let choice = try #require(library.choose(event: .ticketCreated, mailbox: "support", languages: []))
        #expect(try library.render(choice, values: values).subject == "[SAMPLE-123] Thanks: Can't print <again> & \"now\"", "header lines are text, not HTML")
        let rendered = try library.renderForTest(.ticketCreated, mailbox: "support")
        #expect(rendered.subject == "[SAMPLE-123] Thanks: Printer on fire")
        #expect(rendered.body.contains("Thanks, Alice Example"))
        #expect(rendered.body.contains("We got it & will answer."))
        #expect(!rendered.body.contains("<"))
        #expect(rendered.html?.contains("<h1>Thanks, Alice Example</h1>") == true)
    }

    static let times: [(language: String, expected: String)] = [
        ("en", "2026-11-18 12:06 Europe/Berlin"),
        ("de", "18.11.2026, 12:06 Europe/Berlin"),
        ("pt-BR", "18/11/2026, 12:06 Europe/Berlin"),
    ]

    @Test(arguments: times)
    func timesInTheMailsLanguage(language: String, expected: String) throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(TemplateValues.readableTime(Date(timeIntervalSince1970: 1_795_000_000), in: zone, language: language) == expected)
    }

    @Test func requestersAndAgentsGetTheirOwnLanguage() throws {
        var mailbox = try MailboxConfig.parse(yaml: ConfigTests.valid + "\nlanguage: de\n", file: "mailboxes/support.yaml")
        #expect(mailbox.language?.description == "de")
        mailbox.agents = [.init(email: "bob@example.test", name: "Bob", language: LanguageTag("fr")), .init(email: "dana@example.test", name: "Dana")]
        let library = try TemplateLibrary.load(directory: RepoPaths.templates.path, mailboxes: ["support"])
        let renderer = MailRenderer(templates: library, mailboxes: [mailbox], secrets: [:])
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        var ack = PreviewPlans.sample(.ticketCreated, mailbox: mailbox, language: "en-GB", now: now)
        #expect(renderer.languages(for: ack, mailbox: mailbox).map(\.description) == ["en-GB", "de"])
        ack.facts.ticket?.language = nil
        #expect(renderer.languages(for: ack, mailbox: mailbox).map(\.description) == ["de"])
        let toBob = PlannedMail(intent: .newTicket(agent: .init(address: "bob@example.test")), messageID: "m@x", mailbox: "support", answering: nil, facts: ack.facts)
        #expect(renderer.languages(for: toBob, mailbox: mailbox).map(\.description) == ["fr", "de"])
        let toDana = PlannedMail(intent: .newTicket(agent: .init(address: "dana@example.test")), messageID: "m@x", mailbox: "support", answering: nil, facts: ack.facts)
        #expect(renderer.languages(for: toDana, mailbox: mailbox).map(\.description) == ["de"])
        // No French templates ship: Bob's mail falls back to the mailbox's German.
        let rendered = Message.parse(try renderer.render(toBob, ticketId: nil, now: now).message)
        #expect(rendered.htmlBody?.contains("<html lang=\"de\">") == true)
        #expect(rendered.textBody?.contains("Sie") == true, "\(rendered.textBody ?? "")")
    }

    @Test func badLanguageInConfigIsReported() {
        #expect(throws: ConfigError.self) { try MailboxConfig.parse(yaml: ConfigTests.valid + "\nlanguage: deutsch\n", file: "mailboxes/support.yaml") }
    }
}
