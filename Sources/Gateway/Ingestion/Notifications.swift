import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging
import MIME

/// The mail one recorded message causes: the requester's acknowledgement of a new ticket, and the
/// agents' `new_ticket` / `requester_reply` notifications. Rendered inside the ingest transaction.
struct Notifications {
    let pipeline: IngestionPipeline
    let message: Message
    let sender: Address?
    /// Why the sender gets no automatic answer; agents are still told.
    let suppression: AutoReplySuppression?
    let receivedAt: Date

    func drafts(for context: IngestContext) -> [OutboxDraft] {
        let mailbox = pipeline.mailboxes[context.ticket.mailbox] ?? pipeline.mailbox
        let composer = ReplyComposer(mailbox: mailbox, templates: pipeline.templates)
        let comment = context.comment
        var extra: [String: Any] = [
            "author": TemplateContext.person(name: comment.authorName, address: comment.authorAddress),
            "reopened": context.previousStatus == .resolved,
            "message": [
                "body": comment.body, "reply": comment.reply ?? comment.body,
                "subject": TemplateContext.oneLine(message.subject ?? context.ticket.subject),
            ],
        ]
        if let linked = context.linkedTicket {
            extra["linked"] = TemplateContext.linked(key: linked.key, reason: context.ticket.linkReason)
        }
        func render(_ event: String, to person: Address, agent: MailboxConfig.Agent? = nil) -> [OutboxDraft] {
            var values = extra
            if let agent { values["agent"] = TemplateContext.person(name: agent.name, address: agent.email) }
            do {
                return [try composer.compose(
                    event: event, ticket: context.ticket, to: [person], answering: message, messageBody: comment.body,
                    extra: values, now: receivedAt)]
            } catch {
                // The ticket matters more than its mail: record it, and say why this one did not go.
                pipeline.logger.error("mail not rendered", metadata: [
                    "mailbox": "\(mailbox.name)", "ticket": "\(context.ticket.key)", "event": "\(event)", "error": "\(error)"])
                return []
            }
        }
        var drafts: [OutboxDraft] = []
        switch context.outcome {
        case .ticketCreated:
            if suppression == nil, let sender { drafts += render("ticket_created", to: sender) }
            for agent in mailbox.agents where agent.email != comment.authorAddress {
                drafts += render("new_ticket", to: Address(name: agent.name, address: agent.email), agent: agent)
            }
        case .commentAdded where comment.visibility == .public && comment.authorRole == .participant:
            for agent in Self.recipients(assignee: context.ticket.assignee, agents: mailbox.agents) {
                drafts += render("requester_reply", to: Address(name: agent.name, address: agent.email), agent: agent)
            }
        default:
            break
        }
        return drafts
    }

    /// The assignee, or every agent of the mailbox while the ticket is unassigned.
    static func recipients(assignee: String?, agents: [MailboxConfig.Agent]) -> [MailboxConfig.Agent] {
        guard let assignee = assignee?.lowercased() else { return agents }
        return [agents.first { $0.email == assignee } ?? MailboxConfig.Agent(email: assignee, name: nil)]
    }
}
