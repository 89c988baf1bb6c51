import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging
import MIME

/// Renders the mail about one ticket for the outbox: to agents with a signed reply address, to
/// the requester and participants. A template that fails is logged and skipped: the change that
/// caused the mail matters more than the mail.
struct TicketMail {
    let mailbox: MailboxConfig
    let templates: TemplateLibrary
    /// The mailbox's reply-address secret, if it signs reply addresses.
    let secret: [UInt8]?
    let logger: Logger
    let now: Date

    var composer: ReplyComposer { ReplyComposer(mailbox: mailbox, templates: templates) }

    /// `support+TOKEN@…` for `agent` on `ticket`, valid for the mailbox's reply_token_days.
    func signedReplyAddress(ticket: TicketRecord, agent: String) -> String? {
        guard let secret, let id = ticket.id else { return nil }
        let expires = now.addingTimeInterval(Double(mailbox.replyTokenDays) * 86_400)
        let token = ReplyToken(ticketId: id, expires: expires).signed(for: agent, secret: secret)
        return ReplyToken.replyAddress(supportAddress: mailbox.address, token: token)
    }

    func toAgent(
        _ event: String, ticket: TicketRecord, agent: MailboxConfig.Agent, answering inbound: Message?, body: String,
        extra: [String: Any]
    ) -> [OutboxDraft] {
        var values = extra
        values["agent"] = TemplateContext.person(name: agent.name, address: agent.email)
        return render(event, ticket: ticket, to: [Address(name: agent.name, address: agent.email)], answering: inbound, body: body,
                      extra: values, replyTo: signedReplyAddress(ticket: ticket, agent: agent.email))
    }

    func render(
        _ event: String, ticket: TicketRecord, to people: [Address], answering inbound: Message?, body: String,
        extra: [String: Any], replyTo: String? = nil
    ) -> [OutboxDraft] {
        do {
            return [try composer.compose(
                event: event, ticket: ticket, to: people, answering: inbound, messageBody: body, extra: extra, replyTo: replyTo, now: now)]
        } catch {
            logger.error("mail not rendered", metadata: [
                "mailbox": "\(mailbox.name)", "ticket": "\(ticket.key)", "event": "\(event)", "error": "\(error)"])
            return []
        }
    }

    /// `ticket_assigned` to each agent that `events` assigned the ticket to, except `actor`.
    func assignments(_ events: [TicketEventRecord], ticket: TicketRecord, actor: String, answering inbound: Message?, body: String, extra: [String: Any]) -> [OutboxDraft] {
        var drafts: [OutboxDraft] = []
        for event in events where event.kind == .assignee {
            guard let address = event.toValue, address != actor.lowercased() else { continue }
            let agent = mailbox.agent(address: address)
            var values = extra
            values["assigned_by"] = TemplateContext.oneLine(event.actorRole == .system ? "automatic assignment (\(mailbox.assignment.rawValue))" : event.actor)
            drafts += toAgent("ticket_assigned", ticket: ticket, agent: agent, answering: inbound, body: body, extra: values)
        }
        return drafts
    }
}
