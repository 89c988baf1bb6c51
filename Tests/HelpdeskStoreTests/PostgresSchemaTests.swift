import Foundation
import HelpdeskPostgres
import MailgateTestSupport
import Testing

/// The PostgreSQL store's migrations and the database's own guarantees, on a private server.
@Suite(.timeLimit(.minutes(10)))
struct PostgresSchemaTests {
    @Test func migrationsApplyOnceAndAgainFindNothingToDo() throws {
        let database = try PostgresTestServer.shared().makeDatabase()
        defer { database.drop() }
        let first = try PostgresStore(settings: database.settings)
        let applied = try first.appliedMigrations()
        first.close()
        #expect(applied == PostgresStore.migrationNames)
        #expect(applied.first == "v1: tickets, history, outbox, clocks")
        let second = try PostgresStore(settings: database.settings)
        defer { second.close() }
        #expect(try second.appliedMigrations() == applied)
    }

    @Test func instancesStartingTogetherMigrateOneAfterTheOther() throws {
        let database = try PostgresTestServer.shared().makeDatabase()
        defer { database.drop() }
        let settings = database.settings
        let results = try onThreads(4) { _ in
            let store = try PostgresStore(settings: settings)
            defer { store.close() }
            return try store.appliedMigrations()
        }
        for result in results {
            #expect(result == PostgresStore.migrationNames)
        }
    }

    @Test func historyIsAppendOnlyInTheDatabase() throws {
        let database = try PostgresTestServer.shared().makeDatabase()
        defer { database.drop() }
        let store = try PostgresStore(settings: database.settings)
        defer { store.close() }
        try store.executeForTesting("""
            INSERT INTO ticket (id, mailbox, number, key, subject, requester_address, status, created_at, updated_at)
              VALUES (1, 'support', 1, 'SUPP-1', 's', 'a@example.test', 'new', now(), now());
            INSERT INTO ticket_event (ticket_id, at, actor, actor_role, kind) VALUES (1, now(), 'a@example.test', 'requester', 'created');
            """)
        for statement in ["UPDATE ticket_event SET note = 'changed'", "DELETE FROM ticket_event", "TRUNCATE ticket_event CASCADE"] {
            let error = #expect(throws: PostgresStoreError.self, "\(statement)") { try store.executeForTesting(statement) }
            #expect(error?.description.contains("append-only") == true, "\(error?.description ?? "")")
        }
    }

    @Test func aWrongPasswordSaysWhatToDo() throws {
        let server = try PostgresTestServer.shared()
        var settings = server.settings
        settings.password = "not-the-password"
        let error = #expect(throws: PostgresStoreError.self) { try PostgresStore(settings: settings) }
        #expect(error?.description.contains("password authentication failed") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("not-the-password") == false)
        settings.password = nil
        let missing = #expect(throws: PostgresStoreError.self) { try PostgresStore(settings: settings) }
        #expect(missing?.description.contains("MAILGATE_DATABASE_PASSWORD") == true, "\(missing?.description ?? "")")
    }

    @Test func aServerNobodyListensOnSaysSo() throws {
        let port = try FreePorts.allocate(1)[0]
        let settings = PostgresSettings(host: "127.0.0.1", port: port, user: "mailgate", database: "mailgate", password: "x")
        let error = #expect(throws: PostgresStoreError.self) { try PostgresStore(settings: settings) }
        #expect(error?.description.contains("127.0.0.1:\(port)") == true, "\(error?.description ?? "")")
    }
}
