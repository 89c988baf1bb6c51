import Foundation
import Testing
import MailgateTestSupport

/// `helpdesk parse FILE [--json]` run as a script would: no config, no database.
@Suite("helpdesk parse command line", .timeLimit(.minutes(5)))
struct ParseCommandLineTests {
    @Test func jsonIsOneObjectWithTheIssueKeys() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("message.eml")
        try "From: Ann <ann@example.test>\r\nSubject: Printer\r\nMessage-ID: <p1@example.test>\r\n\r\nIt is jammed.\r\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CommandLineTests.helpdesk(["parse", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ParsedMessageReportTests.topKeys)
        #expect(object["subject"] as? String == "Printer")
        #expect(object["message_id"] as? String == "p1@example.test")
        #expect(object["text"] as? String == "It is jammed.\n")
    }

    @Test func summaryWithoutJSON() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("message.eml")
        try "From: ann@example.test\nSubject: Hi\n\nLine one\nLine two\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CommandLineTests.helpdesk(["parse", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Subject:    Hi"))
        #expect(result.stdout.contains("Line two"))
    }

    @Test func missingFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("no-such.eml")
        let result = try CommandLineTests.helpdesk(["parse", path, "--json"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(path), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
