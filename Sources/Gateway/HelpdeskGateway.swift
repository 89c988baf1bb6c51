public import Foundation
public import HelpdeskStore
public import Logging
import HelpdeskCore
import MailTransport

/// Where an installation keeps its files: the global options of the command line.
public struct GatewaySettings: Sendable {
    public var configDirectory: String
    public var templatesDirectory: String
    public var databasePath: String
    /// Attachments and raw messages.
    public var dataDirectory: String
    /// Where passwords named by `password_env` are looked up.
    public var environment: [String: String]

    public init(configDirectory: String, templatesDirectory: String, databasePath: String, dataDirectory: String, environment: [String: String]) {
        self.configDirectory = configDirectory
        self.templatesDirectory = templatesDirectory
        self.databasePath = databasePath
        self.dataDirectory = dataDirectory
        self.environment = environment
    }
}

/// The running gateway: every configured mailbox's poller, the outbox dispatcher, one store.
public final class HelpdeskGateway: Sendable {
    public let config: ConfigDirectory
    /// The SQLite store; the gateway's parts see it only through the `TicketStore` protocols.
    public let database: HelpdeskDatabase
    public let data: DataDirectory
    let templates: TemplateLibrary
    let pipelines: [String: IngestionPipeline]
    let imapEndpoints: [String: ServerEndpoint]
    let smtpEndpoints: [String: ServerEndpoint]
    /// Signed-reply-address secrets by mailbox name.
    let replySecrets: [String: [UInt8]]
    let renderer: MailRenderer
    let logger: Logger
    let now: @Sendable () -> Date

    /// Loads and checks everything up front, so a bad config or template stops the start with a
    /// clear message instead of failing on the first mail.
    ///
    /// `resolvingSecrets: false` skips reading passwords, for `helpdesk ingest`: an MTA's pipe
    /// records mail and sends nothing, and its environment rarely holds the mailbox passwords.
    public init(
        settings: GatewaySettings, logger: Logger, resolvingSecrets: Bool = true, requiringReplySecrets: Bool = true,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        config = try ConfigDirectory.load(path: settings.configDirectory)
        let problems = TemplateLibrary.check(directory: settings.templatesDirectory, mailboxes: config.mailboxes.map(\.name))
        if let first = problems.first { throw first }
        templates = try TemplateLibrary.load(directory: settings.templatesDirectory)
        database = try HelpdeskDatabase(path: settings.databasePath)
        data = DataDirectory(root: settings.dataDirectory)
        self.logger = logger
        self.now = now
        var imap: [String: ServerEndpoint] = [:]
        var smtp: [String: ServerEndpoint] = [:]
        for mailbox in config.mailboxes {
            let endpoints = resolvingSecrets
                ? try mailbox.resolvedEndpoints(environment: settings.environment) : (imap: mailbox.imap?.endpoint, smtp: mailbox.smtp.endpoint)
            imap[mailbox.name] = endpoints.imap
            smtp[mailbox.name] = endpoints.smtp
        }
        // Read even for `ingest`: an agent's piped reply is verified with it. Admin commands that
        // only sign (or never use) it go on without it.
        let secrets = requiringReplySecrets
            ? try ReplySecrets.load(config.mailboxes, environment: settings.environment)
            : (try? ReplySecrets.load(config.mailboxes, environment: settings.environment)) ?? [:]
        var pipelines: [String: IngestionPipeline] = [:]
        for mailbox in config.mailboxes {
            pipelines[mailbox.name] = IngestionPipeline(
                mailbox: mailbox, mailboxes: config.mailboxes, store: database, data: data, secrets: secrets, logger: logger, now: now)
        }
        self.pipelines = pipelines
        replySecrets = secrets
        imapEndpoints = imap
        smtpEndpoints = smtp
        renderer = MailRenderer(templates: templates, mailboxes: config.mailboxes, secrets: secrets)
    }

    /// One pass of the SLA clock service (see `SLAService`); with `refreshing`, every open
    /// ticket's clocks are recomputed first, as at start.
    public func checkSLA(refreshing: Bool = false) throws -> SLACheckSummary {
        try SLAService(store: database, mailboxes: config.mailboxes, logger: logger).check(refreshing: refreshing, at: now())
    }
}
