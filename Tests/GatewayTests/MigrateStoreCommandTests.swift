import Foundation
import HelpdeskPostgres
import HelpdeskStore
import MailgateTestSupport
import Testing

/// `helpdesk migrate-store` as an admin runs it: what it prints, what it refuses.
@Suite(.timeLimit(.minutes(10)))
struct MigrateStoreCommandTests {
    @Test func copiesIntoAnEmptyDatabaseAndSaysWhatNext() throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-migrate")
        let path = directory.path("helpdesk.sqlite")
        let sqlite = try HelpdeskDatabase(path: path)
        try sqlite.recordPoll(PollReport(mailbox: "support", at: Date(timeIntervalSince1970: 1_790_000_000), duration: 1, error: nil, unrecorded: 0, interval: 60))
        let postgres = try PostgresTestServer.shared()
        let database = try postgres.makeDatabase()
        defer { database.drop() }
        let url = "postgres://mailgate@127.0.0.1:\(postgres.port)/\(database.settings.database)"
        let environment = ["MAILGATE_DATABASE_PASSWORD_FILE": postgres.passwordFile]
        let arguments = ["migrate-store", "--database", path, "--config-dir", directory.url.path, "--data-dir", directory.path("data")]

        let copied = try CommandLineTests.helpdesk(arguments + ["--to", url], environment: environment)
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("mailbox_poll: 1 row"), "\(copied.stdout)")
        #expect(copied.stdout.contains("every count checked"))
        #expect(copied.stdout.contains("HELPDESK_DATABASE=postgres://mailgate@127.0.0.1:\(postgres.port)/"), "\(copied.stdout)")
        #expect(!copied.stdout.contains(try String(contentsOfFile: postgres.passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let store = try PostgresStore(settings: database.settings)
        defer { store.close() }
        #expect(try store.pollStates().map(\.mailbox) == ["support"])

        // Not SQLite to PostgreSQL: said so.
        let backwards = try CommandLineTests.helpdesk(["migrate-store", "--database", url, "--to", url], environment: environment)
        #expect(backwards.status == 1)
        #expect(backwards.stderr.contains("--database must name the SQLite file"), "\(backwards.stderr)")
        let password = try CommandLineTests.helpdesk(arguments + ["--to", url.replacingOccurrences(of: "mailgate@", with: "mailgate:secret@")], environment: environment)
        #expect(password.status == 1)
        #expect(password.stderr.contains("holds a password"), "\(password.stderr)")
        #expect(!password.stderr.contains("secret"))
    }
}
