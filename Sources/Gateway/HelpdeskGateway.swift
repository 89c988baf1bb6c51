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
    /// Where passwords named by `password_env` are looked up.
    public var environment: [String: String]

    public init(configDirectory: String, templatesDirectory: String, databasePath: String, environment: [String: String]) {
        self.configDirectory = configDirectory
        self.templatesDirectory = templatesDirectory
        self.databasePath = databasePath
        self.environment = environment
    }
}

/// The running gateway: every configured mailbox's poller, the outbox dispatcher, one database.
public final class HelpdeskGateway: Sendable {
    public let config: ConfigDirectory
    public let database: HelpdeskDatabase
    let templates: TemplateLibrary
    let pipelines: [String: IngestionPipeline]
    let imapEndpoints: [String: ServerEndpoint]
    let smtpEndpoints: [String: ServerEndpoint]
    let logger: Logger
    let now: @Sendable () -> Date

    /// Loads and checks everything up front, so a bad config or template stops the start with a
    /// clear message instead of failing on the first mail.
    public init(settings: GatewaySettings, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) throws {
        config = try ConfigDirectory.load(path: settings.configDirectory)
        let problems = TemplateLibrary.check(directory: settings.templatesDirectory, mailboxes: config.mailboxes.map(\.name))
        if let first = problems.first { throw first }
        templates = try TemplateLibrary.load(directory: settings.templatesDirectory)
        database = try HelpdeskDatabase(path: settings.databasePath)
        self.logger = logger
        self.now = now
        let ownAddresses = Set(config.mailboxes.map(\.address))
        let prefixes = Set(config.mailboxes.map(\.keyPrefix))
        var pipelines: [String: IngestionPipeline] = [:]
        var imap: [String: ServerEndpoint] = [:]
        var smtp: [String: ServerEndpoint] = [:]
        for mailbox in config.mailboxes {
            let endpoints = try mailbox.resolvedEndpoints(environment: settings.environment)
            imap[mailbox.name] = endpoints.imap
            smtp[mailbox.name] = endpoints.smtp
            pipelines[mailbox.name] = IngestionPipeline(
                mailbox: mailbox, database: database, templates: templates, ownAddresses: ownAddresses,
                knownPrefixes: prefixes, logger: logger, now: now)
        }
        self.pipelines = pipelines
        imapEndpoints = imap
        smtpEndpoints = smtp
    }

    /// Polls each mailbox once (or just `mailbox`), in configuration order.
    public func pollOnce(mailbox: String? = nil, shutdown: ShutdownSignal? = nil) throws -> [PollSummary] {
        let selected = try mailbox.map { name in
            guard let found = config.mailbox(named: name) else {
                throw ConfigError(file: config.path, field: "", problem: "no mailbox named '\(name)'; known: \(config.mailboxes.map(\.name).joined(separator: ", "))")
            }
            return [found]
        } ?? config.mailboxes
        return selected.compactMap { mailbox in
            guard let pipeline = pipelines[mailbox.name], let endpoint = imapEndpoints[mailbox.name] else { return nil }
            return MailboxPoller(pipeline: pipeline, database: database, endpoint: endpoint, logger: logger, shutdown: shutdown).poll()
        }
    }

    /// Sends whatever in the outbox is due now.
    public func dispatchOutbox() throws -> DispatchSummary {
        try OutboxDispatcher(database: database, endpoints: smtpEndpoints, schedule: .standard, logger: logger, now: now).dispatchDue()
    }

    /// Polls and dispatches every `interval` seconds until `shutdown` is requested; the message in
    /// hand is finished first.
    public func run(interval: Double, shutdown: ShutdownSignal) {
        logger.info("gateway running", metadata: ["mailboxes": "\(config.mailboxes.map(\.name).joined(separator: ","))", "interval_s": "\(interval)"])
        while !shutdown.isRequested {
            do {
                for summary in try pollOnce(shutdown: shutdown) where summary.fetched > 0 || summary.error != nil {
                    logger.info("poll", metadata: ["summary": "\(summary)"])
                }
                let sent = try dispatchOutbox()
                if sent.sent + sent.retrying + sent.failed > 0 { logger.info("dispatch", metadata: ["summary": "\(sent)"]) }
            } catch {
                logger.error("cycle failed", metadata: ["error": "\(error)"])
            }
            shutdown.wait(seconds: interval)
        }
        logger.info("gateway stopped")
    }
}
