import Foundation
@testable import Gateway
import HelpdeskCore
import Testing
import MailgateTestSupport

@Suite("Templates")
struct TemplateTests {
    /// A template directory: the shipped templates (unless `shipped` is false) with `files` on top.
    /// A template directory: the shipped templates (unless `shipped` is false) with `files` on
    /// top (an empty text removes a file), checked for mailboxes `support` and `sales`.
    func library(_ files: [String: String], shipped: Bool = true) throws -> (TemporaryDirectory, [TemplateProblem]) {
        let directory = try TemplateDirectory.make(files, shipped: shipped)
        return (directory, TemplateLibrary.check(directory: directory.url.path, mailboxes: ["support", "sales"]))
    }

    func load(_ directory: TemporaryDirectory) throws -> TemplateLibrary {
        try TemplateLibrary.load(directory: directory.url.path, mailboxes: ["support", "sales"])
    }

    @Test func shippedTemplatesPass() {
        #expect(TemplateLibrary.check(directory: RepoPaths.templates.path, mailboxes: ["support"]) == [])
    }

    @Test func rendersValuesUnescapedWithPartials() throws {
        let (directory, problems) = try library([
            "ticket_created.mustache": "Subject: [{{ticket.key}}] {{ticket.subject}}\n\nHi {{requester.name}} & co\n{{> footer}}\n",
            "footer.mustache": "-- \n{{mailbox.name}}\n",
        ])
        #expect(problems == [])
        let rendered = try load(directory).renderForTest(.ticketCreated, mailbox: "support")
        #expect(rendered.subject == "[SAMPLE-123] Printer on fire")
        #expect(rendered.body == "Hi Alice Example & co\n-- \nExample Support\n")
    }

    @Test func noticeNeedsNoTicketKeyButEventsDo() throws {
        let (_, fine) = try library(["message_too_large.mustache": "Subject: Too large\n\n{{notice.reason}}\n"])
        #expect(fine == [])
        let (_, missingKey) = try library(["new_ticket.mustache": "Subject: New ticket\n\nx\n"])
        #expect(missingKey.map(\.file).map { $0.hasSuffix("new_ticket.mustache") } == [true])
    }

    @Test func mailboxOverrideWins() throws {
        let (directory, _) = try library([
            "ticket_created.mustache": "Subject: [{{ticket.key}}] general\n\nA\n",
            "sales/ticket_created.mustache": "Subject: [{{ticket.key}}] sales\n\nB\n",
        ])
        let templates = try load(directory)
        #expect(try templates.renderForTest(.ticketCreated, mailbox: "sales").subject.hasSuffix("sales"))
        #expect(try templates.renderForTest(.ticketCreated, mailbox: "support").subject.hasSuffix("general"))
    }

    static let broken: [(text: String, line: Int?, says: String)] = [
        ("Subject: [{{ticket.key}}]\n\nHello {{#ticket}}\nno close\n", 3, "section 'ticket' opened at 3:7 is never closed"),
        ("Subject: [{{ticket.key}}]\n\nline two\nbad {{/nothing}}\n", 4, "'{{/nothing}}' at 4:5 closes no open section"),
        ("Subject: {{ticket.subject}}\n\nbody\n", 1, "ticket key"),
        ("Subjekt: [{{ticket.key}}]\n\nbody\n", 1, "cannot be set"),
        ("Subject: [{{ticket.key}}]\nbody without blank line\n", 2, "Name: value"),
        ("Subject: [{{ticket.key}}]", nil, "no blank line"),
        ("From: evil@example.test\nSubject: [{{ticket.key}}]\n\nbody\n", 1, "cannot be set"),
    ]

    @Test(arguments: broken)
    func problemsNameFileAndLine(text: String, line: Int?, says: String) throws {
        let (_, problems) = try library(["ticket_created.mustache": text])
        #expect(problems.count == 1, "\(problems)")
        let problem = try #require(problems.first)
        #expect(problem.file.hasSuffix("ticket_created.mustache"))
        if let line { #expect(problem.line == line, "\(problem)") }
        #expect(problem.description.contains(says), "\(problem)")
    }

    @Test func missingAcknowledgementTemplateIsReported() throws {
        let (_, problems) = try library(["footer.mustache": "x\n"], shipped: false)
        #expect(problems.map(\.problem).filter { $0.contains("missing") }.count == MailEvent.allCases.count)
    }
}
