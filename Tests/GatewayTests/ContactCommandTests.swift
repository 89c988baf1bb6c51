import Foundation
import HelpdeskStore
import MailgateTestSupport
import Testing

/// `helpdesk contacts …`, organisations from organizations.yaml, and what tickets, `tickets list`
/// and `sla report` make of them: on a pipe-only installation, on the selected store.
@Suite("contacts and organisations on the command line", .serialized, .timeLimit(.minutes(5)))
struct ContactCommandTests {
    static let organizations = """
        organizations:
          - name: Acme
            domains: [acme.test]
            managers: [mia@acme.test]
            priority: high
          - name: Globex
            domains:
              - globex.test
        """

    /// A pipe installation with `organizations.yaml` and SLA targets, without the first ticket.
    static func installation(organizations: String = Self.organizations) throws -> TicketUpdateCommandLineTests.Installation {
        let install = try TicketUpdateCommandLineTests.Installation(extra: "sla:\n  time: calendar\n  targets:\n    high: {first_response: 1h}\n    normal: {first_response: 4h}\n",
                                                                  firstTicket: false)
        try organizations.write(toFile: install.directory.path("mailboxes/organizations.yaml"), atomically: true, encoding: .utf8)
        return install
    }

    /// Pipes a message from `from` (`Name <address>` or an address) into support.
    static func ingest(_ install: TicketUpdateCommandLineTests.Installation, from: String, id: String, language: String? = nil) throws {
        let file = install.directory.path("\(id).eml")
        let header = language.map { "Content-Language: \($0)\n" } ?? ""
        try "From: \(from)\nTo: support@example.test\nSubject: Request \(id)\nMessage-ID: <\(id)@example.test>\n\(header)\nPlease.\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try install.run(["ingest", "--mailbox", "support", file])
        guard result.status == 0 else { throw HarnessError("ingest failed: \(result.stderr)") }
    }

    struct ListedContact: Decodable {
        var address: String
        var name: String?
        var language: String?
        var organization: String?
        var organizationSource: String
        var managers: [String]
        var managerSource: String
        var tickets: [Ticket]?
        struct Ticket: Decodable { var key: String }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(text.utf8))
    }

    @Test func sendersBecomeContactsInTheirDomainsOrganisation() throws {
        let install = try Self.installation()
        try Self.ingest(install, from: "Ann Acme <Ann@ACME.test>", id: "a1", language: "de")
        try Self.ingest(install, from: "bo@globex.test", id: "b1")
        try Self.ingest(install, from: "Cy <cy@elsewhere.test>", id: "c1")

        let listed = try install.run(["contacts", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let contacts = try Self.decode([ListedContact].self, listed.stdout)
        #expect(contacts.map(\.address) == ["ann@acme.test", "bo@globex.test", "cy@elsewhere.test"])
        #expect(contacts.map(\.organization) == ["Acme", "Globex", nil])
        #expect(contacts[0].name == "Ann Acme" && contacts[0].language == "de" && contacts[0].managers == ["mia@acme.test"])
        #expect(contacts.allSatisfy { $0.organizationSource == "configuration" })

        // The organisation's default priority, and the ticket's organisation.
        let tickets = try install.run(["tickets", "list", "--organization", "acme", "--json"])
        #expect(tickets.stdout.contains("\"organization\" : \"Acme\"") && tickets.stdout.contains("\"priority\" : \"high\""), "\(tickets.stdout)")
        #expect(!tickets.stdout.contains("SUPP-2"))
        let table = try install.run(["contacts", "list", "--organization", "none"])
        #expect(table.stdout.contains("cy@elsewhere.test") && !table.stdout.contains("ann@acme.test"), "\(table.stdout)")
        let show = try install.run(["tickets", "show", "SUPP-1"])
        #expect(show.stdout.contains("organization: Acme"), "\(show.stdout)")
    }

    @Test func theAdminsExceptionsApplyToNewTicketsOnly() throws {
        let install = try Self.installation()
        try Self.ingest(install, from: "cy@elsewhere.test", id: "c1")
        let set = try install.run(["contacts", "set", "CY@elsewhere.test", "--organization", "globex", "--manager", "Boss@Globex.test"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("organization Globex (set with helpdesk contacts set)"), "\(set.stdout)")
        try Self.ingest(install, from: "cy@elsewhere.test", id: "c2")

        let shown = try Self.decode(ListedContact.self, try install.run(["contacts", "show", "cy@elsewhere.test", "--json"]).stdout)
        #expect(shown.organization == "Globex" && shown.organizationSource == "contact")
        #expect(shown.managers == ["boss@globex.test"] && shown.managerSource == "contact")
        #expect(shown.tickets?.map(\.key) == ["SUPP-1", "SUPP-2"])
        let globex = try install.run(["tickets", "list", "--organization", "Globex"])
        #expect(globex.stdout.contains("SUPP-2") && !globex.stdout.contains("SUPP-1"), "the earlier ticket keeps its organisation: \(globex.stdout)")

        // Someone who never wrote can be set up ahead; back to the defaults later.
        #expect(try install.run(["contacts", "set", "dee@acme.test", "--organization", "none"]).status == 0)
        let dee = try Self.decode(ListedContact.self, try install.run(["contacts", "show", "dee@acme.test", "--json"]).stdout)
        #expect(dee.organization == nil && dee.managers.isEmpty && dee.tickets?.isEmpty == true)
        #expect(try install.run(["contacts", "set", "dee@acme.test", "--organization", "default"]).status == 0)
        let back = try Self.decode(ListedContact.self, try install.run(["contacts", "show", "dee@acme.test", "--json"]).stdout)
        #expect(back.organization == "Acme" && back.organizationSource == "configuration" && back.managers == ["mia@acme.test"])
    }

    @Test func mistakesAreRefusedWithWhatToDo() throws {
        let install = try Self.installation()
        try Self.ingest(install, from: "cy@elsewhere.test", id: "c1")
        let typo = try install.run(["contacts", "set", "cy@elsewhere.test", "--organization", "Globx"])
        #expect(typo.status != 0 && typo.stderr.contains("did you mean 'Globex'?"), "\(typo.stderr)")
        let nothing = try install.run(["contacts", "set", "cy@elsewhere.test"])
        #expect(nothing.status != 0 && nothing.stderr.contains("give --organization, --manager or both"), "\(nothing.stderr)")
        let badManager = try install.run(["contacts", "set", "cy@elsewhere.test", "--manager", "boss"])
        #expect(badManager.status != 0 && badManager.stderr.contains("not an email address"), "\(badManager.stderr)")
        let unknown = try install.run(["contacts", "show", "nobody@elsewhere.test"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no contact nobody@elsewhere.test"), "\(unknown.stderr)")
    }

    @Test func aBrokenOrganisationsFileIsNamedWithItsProblems() throws {
        let install = try Self.installation(organizations: """
            organizations:
              - name: Acme
                domains: [acme.test]
                priority: sky-high
              - name: acme
                domains: [acme.test]
              - name: Initech
                domain: initech.test
              - name: Hooli
                domains: [hooli.test, "not a domain"]
            """)
        let check = try install.run(["contacts", "list"])
        #expect(check.status != 0, "\(check.stdout)")
        let problems = check.stderr
        #expect(problems.contains("organizations.yaml cannot be used"), "\(problems)")
        #expect(problems.contains("organizations.yaml:4: field 'organizations[0].priority': 'sky-high' is not one of low, normal, high, urgent"), "\(problems)")
        #expect(problems.contains("'acme' is also the name of"), "\(problems)")
        #expect(problems.contains("field 'organizations[2].domains': missing"), "\(problems)")
        #expect(problems.contains("'not a domain' is not a mail domain"), "\(problems)")
        #expect(problems.contains("field 'organizations[2].domain': unknown field"), "\(problems)")
        // Recording refuses to start with it, as with a broken mailbox file.
        let file = install.directory.path("m.eml")
        try "From: a@acme.test\nTo: support@example.test\nSubject: x\nMessage-ID: <m@x>\n\nx\n".write(toFile: file, atomically: true, encoding: .utf8)
        let ingest = try install.run(["ingest", "--mailbox", "support", file])
        #expect(ingest.status != 0 && ingest.stderr.contains("sky-high"), "\(ingest.stderr)")
    }

    @Test func theSLAReportGroupsByOrganisation() throws {
        let install = try Self.installation()
        try Self.ingest(install, from: "ann@acme.test", id: "a1")
        try Self.ingest(install, from: "al@acme.test", id: "a2")
        try Self.ingest(install, from: "cy@elsewhere.test", id: "c1")
        let report = try install.run(["sla", "report", "--by", "organization", "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        struct Line: Decodable { var organization: String?; var priority: String; var tickets: Int }
        let lines = try Self.decode([Line].self, report.stdout)
        #expect(lines.map(\.organization) == ["Acme", nil])
        #expect(lines.map(\.priority) == ["high", "normal"])
        #expect(lines.map(\.tickets) == [2, 1])
        let text = try install.run(["sla", "report", "--by", "organisation"])
        #expect(text.stdout.hasPrefix("ORGANIZATION") && text.stdout.contains("(none)"), "\(text.stdout)")
        let byMailbox = try install.run(["sla", "report", "--json"])
        #expect(byMailbox.stdout.contains("\"mailbox\" : \"support\"") && !byMailbox.stdout.contains("organization"), "\(byMailbox.stdout)")
    }
}
