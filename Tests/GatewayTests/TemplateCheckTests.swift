import Foundation
@testable import Gateway
import HelpdeskCore
import MailgateTestSupport
import Testing

/// The strict check: names against each event's declared values, syntax in plain words at the
/// opening tag, folders and files that mean nothing.
@Suite("Template strict check")
struct TemplateCheckTests {
    func problems(_ files: [String: String]) throws -> [String] {
        let directory = try TemplateDirectory.make(files)
        let root = directory.url.path + "/"
        return TemplateLibrary.check(directory: directory.url.path, mailboxes: ["support", "sales"])
            .map { $0.description.replacingOccurrences(of: root, with: "") }
    }

    static let ack = "Subject: [{{ticket.key}}] {{ticket.subject}}\n\n"

    /// Each broken file, and exactly what the check says about it.
    static let cases: [(files: [String: String], says: String)] = [
        (["ticket_created.mustache": ack + "Hello,\n{{requester.nmae}}\n"],
         "ticket_created.mustache:4:1: unknown value 'requester.nmae'; did you mean 'requester.name'?"),
        (["ticket_created.mustache": ack + "Hello {{requester.nmae}},\n"],
         "ticket_created.mustache:3:7: unknown value 'requester.nmae'; did you mean 'requester.name'?"),
        (["ticket_created.mustache": ack + "{{> fotter}}\n"],
         "ticket_created.mustache:3:1: unknown partial 'fotter'; did you mean 'footer'?"),
        (["ticket_created.mustache": ack + "Due {{sla.due}}\n"],
         "ticket_created.mustache:3:5: unknown value 'sla.due' in ticket_created mail; it exists in sla_warning, sla_breach mail"),
        (["ticket_created.mustache": ack + "{{ticket}}\n"],
         "ticket_created.mustache:3:1: 'ticket' is a group of values (ticket.key, ticket.subject, ticket.status, ticket.priority, ticket.number); name one of them, or open it as a section"),
        (["ticket_created.mustache": ack + "{{#linked}}{{key}} {{closd}}{{/linked}}\n"],
         "ticket_created.mustache:3:20: unknown value 'closd'; did you mean 'closed'?"),
        (["ticket_created.mustache": ack + "\n\n\n\n\n\n\n\n\n{{#linked}}\nearlier\n"],
         "ticket_created.mustache:12:1: section 'linked' opened at 12:1 is never closed"),
        (["ticket_created.mustache": "Subject: [{{ticket.key}}] {{ticket.subject\n\nbody\n"],
         "ticket_created.mustache:1:27: '{{ticket.subject' at 1:27 has no closing braces '}}'"),
        (["ticket_created.mustache": ack + "{{{message.reply}}\n"],
         "ticket_created.mustache:3:1: '{{{message.reply}}' at 3:1 has no closing braces '}}}'"),
        (["ticket_created.mustache": ack + "{{#linked}}\n{{/ticket}}\n{{/linked}}\n"],
         "ticket_created.mustache:4:1: '{{/ticket}}' at 4:1 does not close section 'linked' opened at 3:1; close that one first"),
        (["ticket_created.mustache": ack + "{{=<% %>=}}\n"],
         "ticket_created.mustache:3:1: '{{=<% %>=}}' at 3:1 changes the delimiters, which templates here do not support; keep {{ and }}"),
        (["salse/ticket_created.mustache": ack + "x\n"],
         "salse/ticket_created.mustache: folder 'salse' names no mailbox (mailboxes: sales, support) and no language (such as de or pt-BR); did you mean 'sales'?"),
        (["sales/deutsch/ticket_created.mustache": ack + "x\n"],
         "sales/deutsch/ticket_created.mustache: folder 'sales/deutsch' is not a language: a mailbox's folder may only hold language folders such as de or pt-BR"),
        (["tickt_created.mustache": ack + "x\n"],
         "tickt_created.mustache: 'tickt_created' names no event and no template includes it as a partial; did you mean 'ticket_created'? (events: ticket_created, new_ticket, requester_reply, agent_reply, ticket_assigned, command_rejected, sla_warning, sla_breach, message_too_large, delivery_partial, delivery_failed, approval_requested, approval_granted, approval_rejected, approval_expired)"),
        (["ticket_created.html.mustache": "<p>{{> footer}}</p>\n"],
         "ticket_created.html.mustache:1:4: 'footer' is a text partial and this template is HTML: its values would not be escaped; include 'footer.html' (a file footer.html.mustache)"),
        (["layout.html.mustache": "<html><body>{{content}}</body></html>\n"],
         "layout.html.mustache:1:13: 'content' is HTML already and would be escaped twice; insert it with three braces: {{{content}}}"),
        (["layout.html.mustache": "<html><body>{{{content}}} {{ticket.key}}</body></html>\n"],
         "layout.html.mustache:1:27: unknown value 'ticket.key'; a layout has mailbox.address, mailbox.name, mailbox.key, language, content"),
        (["footer.mustache": "-- \n{{mailbox.nam}}\n"],
         "footer.mustache:2:1: unknown value 'mailbox.nam'; did you mean 'mailbox.name'? (in ticket_created mail, which includes this partial)"),
        (["sales/footer.mustache": "-- \n{{mailbox.nam}}\n"],
         "sales/footer.mustache:2:1: unknown value 'mailbox.nam'; did you mean 'mailbox.name'? (in ticket_created mail, which includes this partial)"),
        (["ticket_created.html.mustache": "<p>{{{message.reply}}}</p>\n"],
         "ticket_created.html.mustache:1:4: 'message.reply' can hold text from mail, which HTML must not take unescaped; write {{message.reply}}"),
        (["ticket_created.mustache": ack + "{{#reopened}}{{.}}{{/reopened}}\n"],
         "ticket_created.mustache:3:14: '{{.}}' stands for the value of a text section ({{#ticket.subject}}{{.}}{{/ticket.subject}}); here there is none"),
        (["ticket_created.mustache": "Subject: [{{ticket.key}}]\r\n\r\nHi {{requester.nmae}}\r\n"],
         "ticket_created.mustache:3:4: unknown value 'requester.nmae'; did you mean 'requester.name'?"),
        (["ticket_created.mustache": ack + "{{uppercased(ticket.subject)}}\n"],
         "ticket_created.mustache:3:1: '{{uppercased(ticket.subject)}}' at 3:1 uses a transform, which templates here do not support; name a value"),
        (["ticket_created.mustache": ack + "{{%CONTENT_TYPE: TEXT}}\n"],
         "ticket_created.mustache:3:1: '{{%CONTENT_TYPE: TEXT}}' at 3:1 is a pragma, which templates here do not take: the gateway sets how values are escaped"),
        (["ticket_created.html.mustache": "", "ticket_created.mustache": "", "de/ticket_created.mustache": "", "de/ticket_created.html.mustache": ""],
         "ticket_created.mustache: missing: the gateway needs this template to send ticket_created mail"),
        (["ticket_created.mustache": "", "ticket_created.html.mustache": "<p>Hello</p>\n"],
         "ticket_created.html.mustache: no 'Subject:' line: an HTML template without a text template beside it starts with the header lines"),
    ]

    @Test(arguments: cases)
    func reportsInPlainWords(files: [String: String], says: String) throws {
        let found = try problems(files)
        #expect(found == [says])
    }

    @Test func everyProblemOfASetInOneRound() throws {
        let found = try problems([
            "ticket_created.mustache": Self.ack + "Hello {{requester.nmae}},\n",
            "new_ticket.mustache": "Subject: [{{ticket.key}}]\n\n{{> fotter}}\n",
            "salse/footer.mustache": "x\n",
            "sla_warning.mustache": "Subject: [{{ticket.key}} {{ticket.subject\n\nx\n",
        ])
        #expect(found.count == 4, "\(found)")
    }

    @Test func shippedSetHasNoProblem() throws {
        #expect(try problems([:]) == [])
    }

    @Test func aCommentOnTheFirstLineStandsAlone() throws {
        #expect(try problems(["ticket_created.mustache": "{{! our acknowledgement }}\n" + Self.ack + "Hi {{requester.name}}\n"]) == [])
        #expect(try problems(["ticket_created.html.mustache": "<p>{{#ticket.subject}}{{.}}{{/ticket.subject}} {{{mailbox.name}}}</p>\n"]) == [])
    }

    @Test func aBrokenSetIsNeverLoaded() throws {
        let directory = try TemplateDirectory.make(["ticket_created.mustache": Self.ack + "{{requester.nmae}}\n"])
        let (library, found) = TemplateLibrary.open(directory: directory.url.path, mailboxes: ["support"])
        #expect(library == nil)
        #expect(found.count == 1)
    }

    /// Every declared name of every event is accepted; so the README's list is usable as written.
    @Test(arguments: MailEvent.allCases)
    func everyDeclaredValueIsAccepted(event: MailEvent) throws {
        let fields = TemplateField.paths(TemplateSchema.fields(for: event))
        let names = fields.filter { !$0.field.isGroup && !$0.field.isList }.map { "{{\($0.path)}}" }
        // A list's items are named inside its section.
        let lists = fields.filter(\.field.isList).map { list in
            "{{#\(list.path)}}" + list.field.children.map { "{{\($0.name)}}" }.joined() + "{{/\(list.path)}}"
        }
        let body = (names + lists).joined(separator: "\n")
        let head = event.isAboutTicket ? "Subject: [{{ticket.key}}] x\n\n" : "Subject: x\n\n"
        #expect(try problems(["\(event.rawValue).mustache": head + body + "\n"]) == [])
    }

    /// The README's list of values is the declaration's, so it cannot go stale.
    @Test func readmeShowsTheDeclaredSchema() throws {
        let readme = try String(contentsOf: RepoPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- templates schema: begin -->\n"))
        let end = try #require(readme.range(of: "<!-- templates schema: end -->"))
        #expect(String(readme[begin.upperBound..<end.lowerBound]) == TemplateSchema.markdown,
                "README.md's Templates section is stale: replace the lines between the markers with `helpdesk templates schema`")
    }
}
