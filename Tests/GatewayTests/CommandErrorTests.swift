import Foundation
import Testing
import MailgateTestSupport

/// Commands that fail say why in a plain sentence, and a command refused before it opens the
/// database leaves no database behind.
@Suite("helpdesk command errors", .timeLimit(.minutes(5)))
struct CommandErrorTests {
    /// Runs `helpdesk` in `directory` with its default paths (helpdesk.sqlite, mailboxes/, data/
    /// there), as an admin who types the command in an empty folder would.
    static func helpdesk(in directory: TemporaryDirectory, _ arguments: [String]) throws -> CommandLineTests.Result {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary.path) else {
            throw HarnessError("helpdesk executable not found at \(CommandLineTests.binary.path); run `swift build` first or set HELPDESK_BIN")
        }
        // ChildProcess has no working-directory option; the shell changes into it and then execs.
        let child = try ChildProcess("/bin/sh", ["-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory.url.path, CommandLineTests.binary.path] + arguments)
        let status = try child.finish(seconds: 60)
        return CommandLineTests.Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    static let message = "From: ann@example.test\r\nSubject: Printer\r\nMessage-ID: <e1@example.test>\r\n\r\nJammed.\r\n"

    /// The command line, the exit status it must end with, and what stderr must say.
    static let unreadableInput: [(arguments: [String], status: Int32, says: String)] = [
        (["ingest", "--mailbox", "sales", "/nonexist"], 66, "cannot read /nonexist: no such file; pass a message file or pipe one on stdin"),
        (["ingest", "--mailbox", "nosuch", "/nonexist"], 66, "cannot read /nonexist: no such file"),
        (["ingest", "--mailbox", "support", "missing.eml"], 66, "cannot read missing.eml: no such file"),
        (["ingest", "--mailbox", "support", "."], 66, "cannot read .: it is a directory"),
        (["ingest", "--mailbox", "support", "/nonexist/dir/x.eml"], 66, "cannot read /nonexist/dir/x.eml: no such file"),
        (["parse", "/nonexist"], 1, "cannot read /nonexist: no such file; give the path of one RFC 5322 message"),
        (["parse", "."], 1, "cannot read .: it is a directory"),
    ]

    @Test(arguments: unreadableInput)
    func anUnreadableFileIsSaidPlainly(arguments: [String], status: Int32, says: String) throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-command-error")
        let result = try Self.helpdesk(in: directory, arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(says), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("Code="), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty, "the command left files behind")
    }

    /// Ingest refusals that come after the message was read: none may create helpdesk.sqlite.
    static let refusedBeforeTheDatabase: [(name: String, mailbox: String, withConfig: Bool, status: Int32, says: String)] = [
        ("unknown mailbox", "nosuch", true, 67, "no mailbox named 'nosuch'"),
        ("no config directory", "support", false, 75, "config directory not found"),
    ]

    @Test(arguments: refusedBeforeTheDatabase)
    func aRefusedIngestCreatesNoDatabase(name: String, mailbox: String, withConfig: Bool, status: Int32, says: String) throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-command-error")
        try Self.message.write(toFile: directory.path("message.eml"), atomically: false, encoding: .utf8)
        let config = withConfig ? ["--config-dir", RepoPaths.root.appendingPathComponent("mailboxes").path, "--templates", RepoPaths.templates.path] : []
        let result = try Self.helpdesk(in: directory, ["ingest", "--mailbox", mailbox, "message.eml"] + config)
        #expect(result.status == status, "\(name): \(result.stderr)")
        #expect(result.stderr.contains(says), "\(name): \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("helpdesk.sqlite")), "\(name) created a database")
    }

    /// Commands that work on existing tickets, run where there is no database (a mistyped
    /// --database): each says so and leaves no empty helpdesk.sqlite (or lock file) behind.
    static let needADatabase: [[String]] = [
        ["sla", "check"], ["outbox", "flush"], ["outbox", "list"], ["prune"], ["status"],
        ["tickets", "update", "SUPP-1", "--status", "open"], ["tickets", "list"], ["sla", "report"],
    ]

    @Test(arguments: needADatabase)
    func aCommandOnTicketsCreatesNoDatabase(arguments: [String]) throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-command-error")
        let config = ["--config-dir", RepoPaths.root.appendingPathComponent("mailboxes").path, "--templates", RepoPaths.templates.path]
        let result = try Self.helpdesk(in: directory, arguments + config)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("database helpdesk.sqlite does not exist"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty, "the command left files behind")
    }

    @Test func aBadServerURLIsRefusedWhenTheConfigIsLoadedWithEveryFilesProblems() throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-command-error")
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: false)
        try ConfigTests.valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://127.0.0.1:99999")
            .write(toFile: directory.path("mailboxes/a.yaml"), atomically: false, encoding: .utf8)
        try ConfigTests.valid.replacingOccurrences(of: "address: support@example.test", with: "address: sales")
            .replacingOccurrences(of: "key: supp", with: "key: SALE")
            .write(toFile: directory.path("mailboxes/b.yaml"), atomically: false, encoding: .utf8)
        let result = try Self.helpdesk(in: directory, ["poll", "--once", "--templates", RepoPaths.templates.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("mailboxes/a.yaml:4: field 'imap.url': port '99999'"), "\(result.stderr)")
        #expect(result.stderr.contains("1 to 65535"), "\(result.stderr)")
        #expect(result.stderr.contains("mailboxes/b.yaml:1: field 'address': 'sales' is not an email address"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("helpdesk.sqlite")), "a refused config created a database")
    }
}
