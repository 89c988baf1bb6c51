import Foundation
import HelpdeskStore
import Logging
import MailTransport

/// What the gateway builds from `mailboxes/` and `templates/`: the part a reload replaces as a
/// whole, so every loop sees either the old set or the new one, never a mix.
struct GatewayWiring: Sendable {
    let config: ConfigDirectory
    let templates: TemplateLibrary
    let pipelines: [String: IngestionPipeline]
    let imapEndpoints: [String: ServerEndpoint]
    let smtpEndpoints: [String: ServerEndpoint]
    /// Signed-reply-address secrets by mailbox name.
    let replySecrets: [String: [UInt8]]
    let renderer: MailRenderer
}

/// The files read and checked, before anything is opened: everything that can be wrong with the
/// configuration shows up here, so a bad set never gets as far as a database.
struct CheckedConfiguration: Sendable {
    let config: ConfigDirectory
    let templates: TemplateLibrary
    let imapEndpoints: [String: ServerEndpoint]
    let smtpEndpoints: [String: ServerEndpoint]
    let replySecrets: [String: [UInt8]]
    /// `auth: oauth2` logins by mailbox name; empty when secrets were not read.
    let oauth2Logins: [String: (imap: OAuth2Login?, smtp: OAuth2Login?)]
    /// IMAP connections logging in for the first poll, by mailbox name (see `load`).
    var earlyLogins: [String: EarlyLogins] = [:]

    /// Reads and checks `mailboxes/`, `templates/` and the secrets they name.
    ///
    /// `resolvingSecrets: false` skips reading passwords, for `helpdesk ingest`: an MTA's pipe
    /// records mail and sends nothing, and its environment rarely holds the mailbox passwords.
    ///
    /// `loggingInEarly`: mailboxes about to be polled, whose IMAP connections log in while the
    /// templates are read (and the caller opens the store). Not those with OAuth2, whose tokens
    /// live in the store. Dropped, and so logged out, when anything here fails.
    static func load(
        settings: GatewaySettings, resolvingSecrets: Bool, requiringReplySecrets: Bool, loggingInEarly: (String) -> Bool = { _ in false }
    ) throws -> CheckedConfiguration {
        let config = try ConfigDirectory.load(path: settings.configDirectory)
        var imap: [String: ServerEndpoint] = [:]
        var smtp: [String: ServerEndpoint] = [:]
        var logins: [String: (imap: OAuth2Login?, smtp: OAuth2Login?)] = [:]
        // The endpoints come before the templates so the logins can start, but a problem with
        // them is reported after the templates' as before.
        let resolved = Result {
            for mailbox in config.mailboxes {
                if resolvingSecrets { logins[mailbox.name] = try OAuth2Login.logins(of: mailbox, environment: settings.environment) }
                let endpoints = resolvingSecrets
                    ? try mailbox.resolvedEndpoints(environment: settings.environment) : (imap: mailbox.imap?.endpoint, smtp: mailbox.smtp.endpoint)
                imap[mailbox.name] = endpoints.imap
                smtp[mailbox.name] = endpoints.smtp
            }
        }
        var early: [String: EarlyLogins] = [:]
        if resolvingSecrets, case .success = resolved {
            for mailbox in config.mailboxes where loggingInEarly(mailbox.name) && logins[mailbox.name]?.imap == nil {
                guard let endpoint = imap[mailbox.name] else { continue }
                early[mailbox.name] = EarlyLogins(endpoint: endpoint, maximumMessageSize: mailbox.maximumMessageSize)
            }
        }
        let (library, problems) = TemplateLibrary.open(directory: settings.templatesDirectory, mailboxes: config.mailboxes.map(\.name))
        guard let templates = library else { throw TemplateProblems(problems: problems) }
        try resolved.get()
        // Read even for `ingest`: an agent's piped reply is verified with it. Admin commands that
        // only sign (or never use) it go on without it.
        let secrets = requiringReplySecrets
            ? try ReplySecrets.load(config.mailboxes, environment: settings.environment)
            : (try? ReplySecrets.load(config.mailboxes, environment: settings.environment)) ?? [:]
        return CheckedConfiguration(config: config, templates: templates, imapEndpoints: imap, smtpEndpoints: smtp, replySecrets: secrets,
                                    oauth2Logins: logins, earlyLogins: early)
    }

    /// Joins the checked files to the store they will work on.
    func wired(
        store: any InboundStore & CredentialStore, data: DataDirectory, logger: Logger, now: @escaping @Sendable () -> Date
    ) -> GatewayWiring {
        var pipelines: [String: IngestionPipeline] = [:]
        var imapEndpoints = imapEndpoints
        var smtpEndpoints = smtpEndpoints
        for (name, login) in oauth2Logins {
            let imap = login.imap.map { $0.credential(store: store, logger: logger, now: now) }
            if let imapLogin = login.imap, let imap, var endpoint = imapEndpoints[name] {
                imapLogin.apply(imap, to: &endpoint)
                imapEndpoints[name] = endpoint
            }
            if let smtpLogin = login.smtp, var endpoint = smtpEndpoints[name] {
                // One credential when both servers share the login: one token, one rotation.
                let shared = smtpLogin.key == login.imap?.key ? imap : nil
                smtpLogin.apply(shared ?? smtpLogin.credential(store: store, logger: logger, now: now), to: &endpoint)
                smtpEndpoints[name] = endpoint
            }
        }
        let shared = SharedMailboxes(config.mailboxes, organizations: config.organizations)
        for mailbox in config.mailboxes {
            pipelines[mailbox.name] = IngestionPipeline(
                mailbox: mailbox, shared: shared, store: store, data: data, secrets: replySecrets, logger: logger, now: now)
        }
        return GatewayWiring(
            config: config, templates: templates, pipelines: pipelines, imapEndpoints: imapEndpoints, smtpEndpoints: smtpEndpoints,
            replySecrets: replySecrets, renderer: MailRenderer(templates: templates, mailboxes: config.mailboxes, secrets: replySecrets, attachments: data.attachments))
    }
}

/// Every problem of a template set, thrown together so an admin fixes them in one go.
public struct TemplateProblems: Error, CustomStringConvertible {
    public let problems: [TemplateProblem]

    public var description: String { problems.map { "\($0)" }.joined(separator: "\n") }
}

extension HelpdeskGateway {
    /// Checks `mailboxes/` and `templates/` as a start or reload would, without passwords and
    /// without opening the database; throws every problem found.
    public static func check(settings: GatewaySettings) throws {
        _ = try CheckedConfiguration.load(settings: settings, resolvingSecrets: false, requiringReplySecrets: false)
    }
}
