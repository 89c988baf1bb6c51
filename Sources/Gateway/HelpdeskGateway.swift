public import Foundation
public import HelpdeskStore
public import Logging
import HelpdeskCore
import MailTransport
import Synchronization

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
    /// The store (SQLite, or PostgreSQL shared with other instances), seen only through the
    /// `TicketStore` protocols.
    public let database: any TicketStore
    public let data: DataDirectory
    let settings: GatewaySettings
    let logger: Logger
    let now: @Sendable () -> Date
    /// Replaced whole by `reload()`; readers take the current one for each unit of work.
    private let wiring: Mutex<GatewayWiring>
    /// What the daemon counts between heartbeats.
    let activity = GatewayActivity()
    /// Mailboxes whose last poll found nothing new, or failed: their next poll opens its reading
    /// connection only once it knows there is mail (`MailboxPoller.expectingMail`).
    let quietMailboxes = Mutex<Set<String>>([])
    /// IMAP connections that logged in while the gateway was set up, for each mailbox's first
    /// poll (`loggingInEarly`); taken by it.
    let earlyLogins: Mutex<[String: EarlyLogins]>

    public var config: ConfigDirectory { current.config }
    var templates: TemplateLibrary { current.templates }
    var pipelines: [String: IngestionPipeline] { current.pipelines }
    var imapEndpoints: [String: ServerEndpoint] { current.imapEndpoints }
    var smtpEndpoints: [String: ServerEndpoint] { current.smtpEndpoints }
    var replySecrets: [String: [UInt8]] { current.replySecrets }
    var renderer: MailRenderer { current.renderer }
    var current: GatewayWiring { wiring.withLock { $0 } }

    /// Loads and checks everything up front, so a bad config or template stops the start with a
    /// clear message instead of failing on the first mail. The database is opened (and created)
    /// only once the files are known to be good.
    ///
    /// `resolvingSecrets: false` skips reading passwords, for `helpdesk ingest`: an MTA's pipe
    /// records mail and sends nothing, and its environment rarely holds the mailbox passwords.
    ///
    /// `loggingInEarly`: the mailboxes about to be polled (`helpdesk poll`): their IMAP
    /// connections log in while the templates are read and the store is opened, and their first
    /// poll takes them.
    public init(
        settings: GatewaySettings, logger: Logger, resolvingSecrets: Bool = true, requiringReplySecrets: Bool = true,
        loggingInEarly: (String) -> Bool = { _ in false }, now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let checked = try CheckedConfiguration.load(
            settings: settings, resolvingSecrets: resolvingSecrets, requiringReplySecrets: requiringReplySecrets, loggingInEarly: loggingInEarly)
        earlyLogins = Mutex(checked.earlyLogins)
        database = try StoreLocation(settings.databasePath).open(environment: settings.environment, logger: logger)
        data = DataDirectory(root: settings.dataDirectory)
        self.settings = settings
        self.logger = logger
        self.now = now
        wiring = Mutex(checked.wired(store: database, data: data, logger: logger, now: now))
    }

    /// Reads `mailboxes/` and `templates/` again and, when every file checks out, puts the new
    /// set in place for the next unit of work (a message, a send, an SLA pass). A broken set is
    /// refused whole: the error names every problem and the running set stays.
    public func reload() throws -> ReloadSummary {
        let checked = try CheckedConfiguration.load(settings: settings, resolvingSecrets: true, requiringReplySecrets: true)
        let new = checked.wired(store: database, data: data, logger: logger, now: now)
        let old = wiring.withLock { wiring in
            defer { wiring = new }
            return wiring
        }
        let before = Set(old.config.mailboxes.map(\.name))
        let after = Set(new.config.mailboxes.map(\.name))
        return ReloadSummary(
            mailboxes: new.config.mailboxes.map(\.name), added: after.subtracting(before).sorted(), removed: before.subtracting(after).sorted(),
            templates: new.templates.fileCount)
    }

    /// One pass of the SLA clock service (see `SLAService`); with `refreshing`, every open
    /// ticket's clocks are recomputed first, as at start.
    public func checkSLA(refreshing: Bool = false) throws -> SLACheckSummary {
        try SLAService(store: database, mailboxes: config.mailboxes, logger: logger).check(refreshing: refreshing, at: now())
    }
}
