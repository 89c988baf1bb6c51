import Foundation
@testable import Gateway
import HelpdeskPostgres
import HelpdeskStore
import MailgateTestSupport
import Testing

/// The integration tests run on the store `MAILGATE_TEST_STORE` names: a run meant for PostgreSQL
/// that quietly used SQLite would prove nothing about it.
@Suite("the integration tests' store", .timeLimit(.minutes(10)))
struct TestStoreSelectionTests {
    @Test func fixturesOpenTheSelectedBackend() throws {
        let directory = try TemporaryDirectory()
        let store = try FixtureStore(kind: .selected, directory: directory)
        let opened = try store.open()
        switch TestStoreKind.selected {
        case .sqlite:
            #expect(opened is HelpdeskDatabase)
            #expect(store.location == directory.path("helpdesk.sqlite"))
        case .postgres:
            #expect(opened is PostgresStore)
            #expect(StoreLocation(store.location).isShared)
            #expect(store.environment["MAILGATE_DATABASE_PASSWORD_FILE"] != nil)
        }
        #expect(try opened.tickets().isEmpty, "each fixture starts from an empty store")
    }

    @Test func aHelpDeskOnTheMailServersUsesIt() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        let database = try desk.database
        #expect((database is PostgresStore) == (TestStoreKind.selected == .postgres))
        #expect((database is HelpdeskDatabase) == (TestStoreKind.selected == .sqlite))
    }

    @Test func anUnknownSelectionIsRefusedNotIgnored() throws {
        #expect(TestStoreKind(environmentValue: nil) == .sqlite)
        #expect(TestStoreKind(environmentValue: "sqlite") == .sqlite)
        #expect(TestStoreKind(environmentValue: "postgres") == .postgres)
        #expect(TestStoreKind(environmentValue: "postgresql") == nil)
    }
}
