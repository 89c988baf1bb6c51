import Foundation
import MailgateTestSupport
import Testing

/// What `helpdesk` says when asked for help or given a bad value: the subcommand's own usage.
@Suite("helpdesk usage and help", .timeLimit(.minutes(5)))
struct SubcommandUsageTests {
    /// A bad value and what the error must say, besides the subcommand's usage line.
    struct BadValue: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// `helpdesk tickets list` …: the start of the usage line that must follow the error.
        var usage: String
        var says: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badValues: [BadValue] = [
        BadValue(arguments: ["tickets", "list", "--status", "bogus"], usage: "helpdesk tickets list", says: "'bogus'"),
        BadValue(arguments: ["tickets", "list", "--priority", "huge"], usage: "helpdesk tickets list", says: "'huge'"),
        BadValue(arguments: ["tickets", "update", "SUPP-1", "--status", "bogus"], usage: "helpdesk tickets update", says: "'bogus'"),
        BadValue(arguments: ["tickets", "update", "SUPP-1", "--priority", "huge"], usage: "helpdesk tickets update", says: "'huge'"),
        BadValue(arguments: ["tickets", "update", "SUPP-1", "--tag", "billing"], usage: "helpdesk tickets update", says: "+value"),
        BadValue(arguments: ["tickets", "update", "SUPP-1", "--cc", "+carol"], usage: "helpdesk tickets update", says: "email address"),
        BadValue(arguments: ["tickets", "update", "SUPP-1"], usage: "helpdesk tickets update", says: "nothing to change"),
        BadValue(arguments: ["outbox", "list", "--status", "bogus"], usage: "helpdesk outbox list", says: "'bogus'"),
        BadValue(arguments: ["outbox", "retry"], usage: "helpdesk outbox retry", says: "--failed"),
        BadValue(arguments: ["outbox", "retry", "3", "--failed"], usage: "helpdesk outbox retry", says: "one of them"),
        BadValue(arguments: ["sla", "report", "--since", "last week"], usage: "helpdesk sla report", says: "not a date"),
    ]

    @Test(arguments: badValues)
    func aBadValueShowsTheSubcommandsUsage(_ example: BadValue) throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("helpdesk.sqlite")
        let result = try CommandLineTests.helpdesk(example.arguments + ["--database", database])
        #expect(result.status == 64, "a usage error: \(result.stderr)")
        #expect(result.stderr.contains(example.says), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: \(example.usage)"), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage: helpdesk <subcommand>"), "not the root's usage: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database), "refused before any database was made")
    }

    /// A command with subcommands and every one of them, with its one-line abstract.
    @Test(arguments: [
        (["tickets"], ["list": "List tickets", "show": "Show one ticket", "update": "Change a ticket", "history": "Show a ticket's history"]),
        (["outbox", "--help"], ["list": "List outgoing messages", "retry": "Make outbox rows due now", "flush": "Send every due"]),
    ])
    func aGroupListsEverySubcommand(arguments: [String], subcommands: [String: String]) throws {
        let result = try CommandLineTests.helpdesk(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        // The section ends at the first blank line; the hint after it is not a subcommand.
        let after = try #require(result.stdout.components(separatedBy: "SUBCOMMANDS:").last)
        let section = try #require(after.components(separatedBy: "\n\n").first)
        let listed = section.split(separator: "\n").compactMap { line -> (String, String)? in
            // "  list    List tickets, oldest first." : a name at two spaces, then its abstract.
            let words = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("  "), !line.hasPrefix("   "), words.count == 2 else { return nil }
            return (words[0], words[1])
        }
        #expect(Set(listed.map(\.0)) == Set(subcommands.keys), "\(result.stdout)")
        for (name, abstract) in listed {
            #expect(abstract.hasPrefix(subcommands[name] ?? "?"), "\(name): \(abstract)")
        }
    }

    @Test func versionIsPrinted() throws {
        let result = try CommandLineTests.helpdesk(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil }, "\(result.stdout)")
    }
}
