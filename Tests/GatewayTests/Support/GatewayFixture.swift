import Foundation
@testable import Gateway
import Logging

/// A gateway installation in a temp directory, wired to a `MailServers` instance.
struct GatewayFixture {
    let servers: MailServers
    let directory: TemporaryDirectory
    var configDirectory: String { directory.path("mailboxes") }
    var databasePath: String { directory.path("helpdesk.sqlite") }

    init(servers: MailServers, maximumMessageSize: String = "25MB") throws {
        self.servers = servers
        directory = try TemporaryDirectory(prefix: "mailgate-install")
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
        let yaml = """
            address: support@example.test
            name: Example Support
            key: SUPP
            imap:
              url: imap://127.0.0.1:\(servers.imapPort)/INBOX
              username: support@example.test
              password_file: \(servers.passwordFile)
            smtp:
              url: smtp://127.0.0.1:\(servers.smtpPort)
            max_message_size: \(maximumMessageSize)
            agents:
              - email: bob@example.test
                name: Bob
            """
        try yaml.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
    }

    var settings: GatewaySettings {
        GatewaySettings(configDirectory: configDirectory, templatesDirectory: RepoPaths.templates.path,
                        databasePath: databasePath, environment: [:])
    }

    func gateway(now: @escaping @Sendable () -> Date = { Date() }) throws -> HelpdeskGateway {
        try HelpdeskGateway(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: now)
    }
}
