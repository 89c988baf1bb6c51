import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

/// `helpdesk backup FILE` beside an MTA that keeps piping mail into `helpdesk ingest`.
@Suite("helpdesk backup", .serialized, .timeLimit(.minutes(5)))
struct BackupCommandTests {
    let directory: TemporaryDirectory
    var database: String { directory.path("helpdesk.sqlite") }
    var global: [String] {
        ["--config-dir", directory.path("mailboxes"), "--templates", RepoPaths.templates.path,
         "--database", database, "--data-dir", directory.path("data")]
    }

    init() throws {
        directory = try TemporaryDirectory(prefix: "mailgate-backup-cli")
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
        // Mail comes in through the pipe only: no IMAP, and no server is ever contacted.
        try """
            address: support@example.test
            name: Example Support
            key: SUPP
            smtp:
              url: smtp://127.0.0.1:1
            agents:
              - email: bob@example.test
                name: Bob
            """.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
    }

    func keys(in path: String) throws -> Set<String> {
        Set(try HelpdeskDatabase(path: path).tickets().map(\.key))
    }

    @Test func backupWhileIngestingHoldsEveryEarlierTicket() throws {
        let first = directory.path("first.eml")
        try "From: alice@example.test\r\nTo: support@example.test\r\nSubject: first\r\nMessage-ID: <first@example.test>\r\n\r\nHello.\r\n"
            .write(toFile: first, atomically: true, encoding: .utf8)
        let seeded = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support", first] + global)
        try #require(seeded.status == 0, "\(seeded.stderr)")

        // The MTA: one `helpdesk ingest` process after another until the stop file appears.
        let stop = directory.path("stop")
        let script = """
            i=0
            while [ ! -e "$1" ]; do
              i=$((i+1))
              printf 'From: alice@example.test\\r\\nTo: support@example.test\\r\\nSubject: load %d\\r\\nMessage-ID: <load-%d@example.test>\\r\\n\\r\\nBody %d\\r\\n' $i $i $i \\
                | "$2" ingest --mailbox support "${@:3}" >/dev/null || exit 1
            done
            """
        let mta = try ChildProcess("/bin/bash", ["-c", script, "mta", stop, CommandLineTests.binary.path] + global)
        defer { if !FileManager.default.fileExists(atPath: stop) { _ = FileManager.default.createFile(atPath: stop, contents: nil) } }

        var countAtFirstBackup = 0
        for round in 1...3 {
            Thread.sleep(forTimeInterval: 0.3)
            let earlier = try keys(in: database)
            if round == 1 { countAtFirstBackup = earlier.count }
            let copy = directory.path("copy-\(round).sqlite")
            let result = try CommandLineTests.helpdesk(["backup", copy] + global)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("integrity check ok"), "\(result.stdout)")
            #expect(result.stdout.contains("To restore"), "\(result.stdout)")
            #expect(result.stdout.contains(directory.path("data")), "names the data directory to copy next")
            let copied = try keys(in: copy)
            #expect(earlier.isSubset(of: copied), "round \(round): \(earlier.subtracting(copied).sorted().prefix(5)) missing")
            #expect(result.stdout.contains(copied.count == 1 ? "1 ticket " : "\(copied.count) tickets"), "\(result.stdout)")
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        #expect(try mta.finish(seconds: 60) == 0, "\(mta.stderr)")
        // The MTA really ingested while the backups ran.
        #expect(try keys(in: database).count > countAtFirstBackup)
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let message = directory.path("m.eml")
        try "From: alice@example.test\r\nSubject: one\r\nMessage-ID: <one@example.test>\r\n\r\nHi.\r\n".write(toFile: message, atomically: true, encoding: .utf8)
        #expect(try CommandLineTests.helpdesk(["ingest", "--mailbox", "support", message] + global).status == 0)
        let target = directory.path("existing.sqlite")
        try "keep me".write(toFile: target, atomically: true, encoding: .utf8)

        let refused = try CommandLineTests.helpdesk(["backup", target] + global)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("already exists") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")

        let forced = try CommandLineTests.helpdesk(["backup", "--force", target] + global)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("1 ticket "), "\(forced.stdout)")
        #expect(try keys(in: target) == ["SUPP-1"])

        // No database yet: a plain sentence, and no empty database created on the way.
        let empty = try TemporaryDirectory(prefix: "mailgate-backup-none")
        let none = try CommandLineTests.helpdesk(["backup", empty.path("copy.sqlite"), "--database", empty.path("missing.sqlite")])
        #expect(none.status == 1)
        #expect(none.stderr.contains("does not exist"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: empty.path("missing.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: empty.path("copy.sqlite")))
    }
}
