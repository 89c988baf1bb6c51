public import Foundation
public import HelpdeskCore
public import HelpdeskStore
import MIME

/// A mail as it would be sent, rendered for `helpdesk templates preview`.
public struct MailPreview: Sendable {
    /// The whole message, as SMTP would carry it.
    public var message: [UInt8]
    /// The header section as sent (folded, encoded).
    public var header: String
    /// The text part, decoded.
    public var text: String
    /// The HTML part, decoded; nil when the event has no HTML template there.
    public var html: String?

    /// Where the values come from: a made-up ticket, or a stored one.
    public enum Source: Sendable {
        case sample(language: String?)
        case ticket(String)
    }

    /// Renders `event` for `mailbox` (the ticket's own, or the first configured) from the checked
    /// configuration, as the outbox would. No signed reply address is made: a preview file must
    /// not carry a working credential.
    public static func render(
        _ event: MailEvent, source: Source, mailbox name: String?, settings: GatewaySettings, store: (any TicketQueries)?, now: Date = Date()
    ) throws -> MailPreview {
        let checked = try CheckedConfiguration.load(settings: settings, resolvingSecrets: false, requiringReplySecrets: false)
        let plan: PlannedMail
        var mailboxes = checked.config.mailboxes
        switch source {
        case .sample(let language):
            var mailbox = try pick(name, from: mailboxes)
            if let language {
                guard let tag = LanguageTag(language) else { throw PreviewError("'\(language)' is not a language tag; write e.g. de or pt-BR") }
                // Agents' notifications follow the agent's language: the sample agent reads this one.
                for agent in mailbox.agents.indices { mailbox.agents[agent].language = tag }
                mailboxes = mailboxes.map { $0.name == mailbox.name ? mailbox : $0 }
            }
            plan = PreviewPlans.sample(event, mailbox: mailbox, language: language, now: now)
        case .ticket(let key):
            guard let store else { throw PreviewError("a ticket preview needs the database") }
            guard let ticket = try store.ticket(key: key.uppercased()), let id = ticket.id else {
                throw PreviewError("ticket \(key) not found; `helpdesk tickets list` shows the keys")
            }
            let mailbox = try pick(name ?? ticket.mailbox, from: mailboxes)
            plan = PreviewPlans.ticket(event, ticket: ticket, comments: try store.comments(ticketId: id), mailbox: mailbox, now: now)
        }
        let renderer = MailRenderer(
            templates: checked.templates, mailboxes: mailboxes, secrets: [:], attachments: DataDirectory(root: settings.dataDirectory).attachments)
        let rendered: RenderedMail
        do {
            rendered = try renderer.render(plan, ticketId: nil, now: now)
        } catch {
            throw PreviewError(error.description)
        }
        let parsed = Message.parse(rendered.message)
        let head = String(decoding: rendered.message, as: UTF8.self).components(separatedBy: "\r\n\r\n").first ?? ""
        return MailPreview(
            message: rendered.message, header: head.replacingOccurrences(of: "\r\n", with: "\n") + "\n",
            text: parsed.textBody ?? "", html: parsed.htmlBody)
    }

    private static func pick(_ name: String?, from mailboxes: [MailboxConfig]) throws -> MailboxConfig {
        guard let name else {
            guard let first = mailboxes.sorted(by: { $0.name < $1.name }).first else { throw PreviewError("no mailbox is configured") }
            return first
        }
        guard let mailbox = mailboxes.first(where: { $0.name == name }) else {
            throw PreviewError("no mailbox '\(name)'; configured: \(mailboxes.map(\.name).sorted().joined(separator: ", "))")
        }
        return mailbox
    }
}

/// Why a preview could not be made, in words for the admin.
public struct PreviewError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
