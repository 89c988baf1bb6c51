import Foundation
import HelpdeskCore
public import HelpdeskStore

extension HelpdeskGateway {
    /// The reply-address secret of every mailbox that has one; too short a secret is refused.
    static func replySecrets(_ mailboxes: [MailboxConfig], environment: [String: String]) throws(ConfigError) -> [String: [UInt8]] {
        var secrets: [String: [UInt8]] = [:]
        for mailbox in mailboxes {
            guard let reference = mailbox.replyTokenSecret else { continue }
            let value = try reference.resolve(environment: environment, configFile: mailbox.file, field: "reply_token_secret_env")
            guard value.utf8.count >= 16 else {
                throw ConfigError(file: mailbox.file, field: "reply_token_secret_env",
                                  problem: "the reply token secret has \(value.utf8.count) characters; use at least 16, e.g. from `openssl rand -hex 32`")
            }
            secrets[mailbox.name] = Array(value.utf8)
        }
        return secrets
    }

    /// `helpdesk tickets update`: the same change path and history as an agent's `#` lines, as
    /// `actor`; the new assignee is told by mail (through the outbox).
    public func updateTicket(key: String, change: TicketChange, actor: TicketActor) throws -> (TicketRecord, [TicketEventRecord]) {
        guard let existing = try database.ticket(key: key) else {
            throw ChangeRefused(what: key, reason: "no such ticket; `helpdesk tickets list` shows the keys")
        }
        guard let mailbox = config.mailbox(named: existing.mailbox) else {
            throw ChangeRefused(what: key, reason: "its mailbox \(existing.mailbox) has no config file in \(config.path)")
        }
        var resolved = change
        if case .agent(let reference) = change.assignee {
            guard let agent = mailbox.agent(named: reference) else {
                throw ChangeRefused(what: "--assign \(reference)", reason: "not an agent of mailbox \(mailbox.name); agents: \(mailbox.agents.map(\.email).joined(separator: ", "))")
            }
            resolved.assignee = .agent(agent.email)
        }
        let at = now()
        let mail = TicketMail(mailbox: mailbox, templates: templates, secret: replySecrets[mailbox.name], logger: logger, now: at)
        let plan = AssignmentPlan(strategy: mailbox.assignment, agents: mailbox.assignableAgents, rules: mailbox.skillRules)
        return try database.update(
            ticketKey: key, change: resolved, actor: actor, agents: Set(mailbox.agents.map(\.email)), at: at, assignment: plan
        ) { ticket, events in
            let extra: [String: Any] = ["message": ["body": "", "reply": "", "subject": TemplateContext.oneLine(ticket.subject)]]
            return mail.assignments(events, ticket: ticket, actor: actor.address, answering: nil, body: "", extra: extra)
        }
    }
}
