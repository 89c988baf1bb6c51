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

    /// Reads and checks `mailboxes/`, `templates/` and the secrets they name.
    ///
    /// `resolvingSecrets: false` skips reading passwords, for `helpdesk ingest`: an MTA's pipe
    /// records mail and sends nothing, and its environment rarely holds the mailbox passwords.
    static func load(settings: GatewaySettings, resolvingSecrets: Bool, requiringReplySecrets: Bool) throws -> CheckedConfiguration {
        let config = try ConfigDirectory.load(path: settings.configDirectory)
        let problems = TemplateLibrary.check(directory: settings.templatesDirectory, mailboxes: config.mailboxes.map(\.name))
        if !problems.isEmpty { throw TemplateProblems(problems: problems) }
        let templates = try TemplateLibrary.load(directory: settings.templatesDirectory)
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
        return CheckedConfiguration(config: config, templates: templates, imapEndpoints: imap, smtpEndpoints: smtp, replySecrets: secrets)
    }

    /// Joins the checked files to the store they will work on.
    func wired(store: any InboundStore, data: DataDirectory, logger: Logger, now: @escaping @Sendable () -> Date) -> GatewayWiring {
        var pipelines: [String: IngestionPipeline] = [:]
        for mailbox in config.mailboxes {
            pipelines[mailbox.name] = IngestionPipeline(
                mailbox: mailbox, mailboxes: config.mailboxes, store: store, data: data, secrets: replySecrets, logger: logger, now: now)
        }
        return GatewayWiring(
            config: config, templates: templates, pipelines: pipelines, imapEndpoints: imapEndpoints, smtpEndpoints: smtpEndpoints,
            replySecrets: replySecrets, renderer: MailRenderer(templates: templates, mailboxes: config.mailboxes, secrets: replySecrets))
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
