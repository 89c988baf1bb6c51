import Foundation
@testable import Gateway
import HelpdeskCore
import Testing
import MailgateTestSupport

@Suite("Templates")
struct TemplateTests {
    /// A template directory: the shipped templates (unless `shipped` is false) with `files` on top.
    func library(_ files: [String: String], shipped: Bool = true) throws -> (TemporaryDirectory, [TemplateProblem]) {
        let directory = try TemporaryDirectory()
        var all: [String: String] = [:]
        if shipped {
            for name in try FileManager.default.contentsOfDirectory(atPath: RepoPaths.templates.path) where name.hasSuffix(".mustache") {
                all[name] = try String(contentsOf: RepoPaths.templates.appendingPathComponent(name), encoding: .utf8)
            }
        }
        all.merge(files) { _, new in new }
        for (name, text) in all {
            let path = directory.url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: path, atomically: true, encoding: .utf8)
        }
        return (directory, TemplateLibrary.check(directory: directory.url.path))
    }

    @Test func shippedTemplatesPass() {
        #expect(TemplateLibrary.check(directory: RepoPaths.templates.path) == [])
    }

    @Test func rendersValuesUnescapedWithPartials() throws {
        let (directory, problems) = try library([
            "ticket_created.mustache": "Subject: [{{ticket.key}}] {{ticket.subject}}\n\nHi {{requester.name}} & co\n{{> footer}}\n",
            "footer.mustache": "-- \n{{mailbox.name}}\n",
        ])
        #expect(problems == [])
        let rendered = try TemplateLibrary.load(directory: directory.url.path)
            .render(event: .ticketCreated, mailbox: "support", values: .sample)
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
        let templates = try TemplateLibrary.load(directory: directory.url.path)
        #expect(try templates.render(event: .ticketCreated, mailbox: "sales", values: .sample).subject.hasSuffix("sales"))
        #expect(try templates.render(event: .ticketCreated, mailbox: "support", values: .sample).subject.hasSuffix("general"))
    }

    static let broken: [(text: String, line: Int?, says: String)] = [
        ("Subject: [{{ticket.key}}]\n\nHello {{#ticket}}\nno close\n", nil, "template syntax"),
        ("Subject: [{{ticket.key}}]\n\nline two\nbad {{/nothing}}\n", 4, "template syntax"),
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
        #expect(problems.map(\.problem).filter { $0.contains("missing") }.count == TemplateLibrary.requiredEvents.count)
    }
}
