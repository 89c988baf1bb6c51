import Foundation
@testable import Gateway
import HelpdeskPostgres
import HelpdeskStore
import Logging
import MailgateTestSupport

/// Which store the gateway's integration tests run on: SQLite, or PostgreSQL when
/// `MAILGATE_TEST_STORE=postgres` (scripts/test.sh runs them both ways).
enum TestStoreKind: Sendable {
    case sqlite, postgres

    /// A misspelt value stops the tests rather than running them on SQLite unnoticed.
    static let selected: TestStoreKind = {
        let value = ProcessInfo.processInfo.environment["MAILGATE_TEST_STORE"]
        guard let kind = TestStoreKind(environmentValue: value) else {
            fatalError("MAILGATE_TEST_STORE=\(value ?? "") names no store: use sqlite or postgres")
        }
        return kind
    }()

    /// The kind `MAILGATE_TEST_STORE` names (SQLite when unset), nil for anything else.
    init?(environmentValue: String?) {
        switch environmentValue {
        case nil, "", "sqlite": self = .sqlite
        case "postgres": self = .postgres
        default: return nil
        }
    }

    /// What a `helpdesk` child process needs besides `--database` to reach the selected store:
    /// the test server's password file when that is PostgreSQL.
    static var childEnvironment: [String: String] {
        guard selected == .postgres else { return [:] }
        // A server that did not start fails the fixture that asked for a database first.
        guard let server = try? PostgresTestServer.shared() else { return [:] }
        return ["MAILGATE_DATABASE_PASSWORD_FILE": server.passwordFile]
    }
}

/// One fixture's store: a file in its directory, or a fresh database of its own on the test
/// PostgreSQL server, dropped when the last copy of the fixture goes away.
final class FixtureStore: Sendable {
    let kind: TestStoreKind
    /// What `--database` and `GatewaySettings.databasePath` take: a file path or a postgres:// URL.
    let location: String
    /// The environment that goes with it (the PostgreSQL password file).
    let environment: [String: String]
    private let drop: @Sendable () -> Void

    init(kind: TestStoreKind, directory: TemporaryDirectory) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            location = directory.path("helpdesk.sqlite")
            environment = [:]
            drop = {}
        case .postgres:
            let server = try PostgresTestServer.shared()
            let database = try server.makeDatabase()
            location = database.settings.displayURL
            environment = ["MAILGATE_DATABASE_PASSWORD_FILE": server.passwordFile]
            drop = database.drop
        }
    }

    deinit { drop() }

    /// Another store instance on the same data, as another process would open it.
    func open() throws -> any TicketStore {
        try StoreLocation(location).open(environment: environment, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }
}

/// Raw SQL on either backend, for tests that put a ticket in a state no mail would.
protocol RawSQLForTesting {
    func executeForTesting(_ sql: String) throws
}

extension HelpdeskDatabase: RawSQLForTesting {}
extension PostgresStore: RawSQLForTesting {}

extension InboundStore {
    /// Runs `sql` on this store, whichever backend it is.
    func rawSQL(_ sql: String) throws {
        guard let raw = self as? any RawSQLForTesting else { throw HarnessError("\(type(of: self)) takes no raw SQL") }
        try raw.executeForTesting(sql)
    }
}
