import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging
import MIME

/// The mail one recorded message causes, rendered inside the ingest transaction: the
/// requester's acknowledgement; `new_ticket`, `ticket_assigned` and `requester_reply` to agents;
/// an agent's public comment as `agent_reply` to the participants; `command_rejected` to an agent.
struct Notifications {
    let pipeline: IngestionPipeline
    let message: Message
    let sender: Address?
    /// Why the sender gets no automatic answer; agents are still told.
    let suppression: AutoReplySuppression?
    let receivedAt: Date

    func drafts(for context: IngestContext) -> [OutboxDraft] {
        let mailbox = pipeline.mailboxes[context.ticket.mailbox] ?? pipeline.mailbox
        let mail = TicketMail(mailbox: mailbox, templates: pipeline.templates, secret: pipeline.secrets[mailbox.name],
                              logger: pipeline.logger, now: receivedAt)
        let comment = context.comment
        var extra: [String: Any] = [
            "author": TemplateContext.person(name: comment.authorName, address: comment.authorAddress),
            "reopened": context.events.contains { $0.kind == .status && $0.fromValue == TicketStatus.resolved.rawValue },
            "message": [
                "body": comment.body, "reply": comment.reply ?? comment.body,
                "subject": TemplateContext.oneLine(message.subject ?? context.ticket.subject),
            ],
        ]
        if let linked = context.linkedTicket {
            extra["linked"] = TemplateContext.linked(key: linked.key, reason: context.ticket.linkReason)
        }
        let ticket = context.ticket
        var drafts: [OutboxDraft] = []
        switch context.outcome {
        case .ticketCreated:
            if suppression == nil, let sender {
                drafts += mail.render("ticket_created", ticket: ticket, to: [sender], answering: message, body: comment.body, extra: extra)
            }
            drafts += mail.assignments(context.events, ticket: ticket, actor: "", answering: message, body: comment.body, extra: extra)
            for agent in mailbox.agents where agent.email != comment.authorAddress && agent.email != ticket.assignee {
                drafts += mail.toAgent("new_ticket", ticket: ticket, agent: agent, answering: message, body: comment.body, extra: extra)
            }
        case .commentAdded where comment.authorRole == .participant && comment.visibility == .public:
            // The assignee, or every agent of the mailbox while the ticket is unassigned.
            for agent in ticket.assignee.map({ [mailbox.agent(address: $0)] }) ?? mailbox.agents {
                drafts += mail.toAgent("requester_reply", ticket: ticket, agent: agent, answering: message, body: comment.body, extra: extra)
            }
        case .commentAdded where comment.authorRole == .agent:
            drafts += agentMail(context, mail: mail, extra: extra)
        default:
            break
        }
        return drafts
    }

    private func agentMail(_ context: IngestContext, mail: TicketMail, extra: [String: Any]) -> [OutboxDraft] {
        let ticket = context.ticket
        let comment = context.comment
        // Told at the address the mailbox knows, whatever From the message claimed.
        let agent = mail.mailbox.agent(address: comment.authorAddress)
        switch context.agentOutcome {
        case .applied?:
            var drafts: [OutboxDraft] = []
            if comment.visibility == .public {
                let people = context.participants.map { Address(name: $0.name, address: $0.address) }
                if !people.isEmpty {
                    var values = extra
                    values["author"] = TemplateContext.person(name: agent.name ?? comment.authorName, address: agent.email)
                    // Threaded under what the requester has seen, not under the agent's own mail,
                    // which the requester never got. The agent's words without quoted history.
                    var thread = Message()
                    thread.messageID = context.requesterThread.last
                    thread.references = context.requesterThread.dropLast()
                    drafts += mail.render("agent_reply", ticket: ticket, to: people, answering: thread, body: comment.body, extra: values)
                }
            }
            drafts += mail.assignments(context.events, ticket: ticket, actor: comment.authorAddress, answering: message, body: comment.body, extra: extra)
            return drafts
        case .rejected(let problem)?:
            var values = extra
            values["rejection"] = ["line": TemplateContext.oneLine(problem.line ?? ""), "reason": Self.reason(problem.reason), "unverified": false] as [String: Any]
            return mail.toAgent("command_rejected", ticket: ticket, agent: agent, answering: message, body: comment.body, extra: values)
        case .unverified(let reason)?:
            var values = extra
            values["rejection"] = ["line": "", "reason": Self.reason(reason), "unverified": true] as [String: Any]
            return mail.toAgent("command_rejected", ticket: ticket, agent: agent, answering: message, body: comment.body, extra: values)
        case nil:
            return []
        }
    }

    /// A reason for a template: one line (it quotes addresses and header values a sender chose),
    /// and not endless.
    static func reason(_ text: String) -> String {
        let line = TemplateContext.oneLine(text)
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

}
