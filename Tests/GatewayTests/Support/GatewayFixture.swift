import Foundation
@testable import Gateway
import Logging
import MailgateTestSupport

/// A gateway installation in a temp directory, wired to a `MailServers` instance.
struct GatewayFixture {
    let servers: MailServers
    let directory: TemporaryDirectory
    var configDirectory: String { directory.path("mailboxes") }
    /// The store, on the backend `MAILGATE_TEST_STORE` selects unless the test names one.
    let store: FixtureStore
    /// What `--database` takes: the SQLite file or the PostgreSQL URL.
    var databasePath: String { store.location }
    /// What a `helpdesk` child process needs in its environment to reach the store.
    var environment: [String: String] { store.environment }

    var dataDirectory: String { directory.path("data") }

    /// `extra` is appended to support.yaml (more settings, e.g. `max_attachment_size: 1KB`).
    init(
        servers: MailServers, maximumMessageSize: String = "25MB", agents: [String] = ["bob"], extra: String = "",
        store kind: TestStoreKind = .selected
    ) throws {
        self.servers = servers
        directory = try TemporaryDirectory(prefix: "mailgate-install")
        store = try FixtureStore(kind: kind, directory: directory)
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
        try addMailbox("support", key: "SUPP", maximumMessageSize: maximumMessageSize, agents: agents, extra: extra)
    }

    /// A reply-address secret in a file of the installation, for `reply_token_secret_file:`.
    func writeSecret() throws -> String {
        let path = directory.path("reply-token.secret")
        try "test-secret-0123456789abcdef\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes `mailboxes/<user>.yaml` for `<user>@example.test` on the test servers.
    func addMailbox(_ user: String, key: String, maximumMessageSize: String = "25MB", agents: [String], extra: String = "") throws {
        let yaml = """
            address: \(user)@example.test
            name: Example \(user.capitalized)
            key: \(key)
            imap:
              url: imap://127.0.0.1:\(servers.imapPort)/INBOX
              username: \(user)@example.test
              password_file: \(servers.passwordFile)
            smtp:
              url: smtp://127.0.0.1:\(servers.smtpPort)
            max_message_size: \(maximumMessageSize)
            agents:
            \(agents.map { "  - email: \($0)@example.test\n    name: \($0.capitalized)" }.joined(separator: "\n"))
            \(extra)
            """
        try yaml.write(toFile: directory.path("mailboxes/\(user).yaml"), atomically: true, encoding: .utf8)
    }

    var settings: GatewaySettings {
        GatewaySettings(configDirectory: configDirectory, templatesDirectory: RepoPaths.templates.path,
                        databasePath: databasePath, dataDirectory: dataDirectory, environment: environment)
    }

    func gateway(now: @escaping @Sendable () -> Date = { Date() }) throws -> HelpdeskGateway {
        try HelpdeskGateway(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: now)
    }
}
