import Foundation
public import HelpdeskCore
public import HelpdeskStore
import MIME

extension HelpdeskGateway {
    /// `helpdesk tickets update`: the same change rules and history as an agent's `#` lines, as
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
            // The command line also takes an agent's name (`--assign Dana`).
            guard let agent = mailbox.agent(named: reference) else {
                throw ChangeRefused(what: "--assign \(reference)", reason: "not an agent of mailbox \(mailbox.name); agents: \(mailbox.agents.map(\.email).joined(separator: ", "))")
            }
            resolved.assignee = .agent(agent.email)
        }
        let rules = mailbox.rules
        let at = now()
        return try database.applyChange(ticketKey: key, at: at) { snapshot in
            var plan = try ChangeRules.apply(
                resolved, to: snapshot, actor: actor, rules: rules, at: at, assignment: rules.assignment, organizations: config.organizations)
            let mail = MailRules(rules: rules) { _ in MessageIDGenerator.make(domain: mailbox.domain) }
            plan.mail = mail.assignments(
                plan.events, ticket: plan.ticket, actor: actor.address, answering: nil, facts: MailFacts(ticket: plan.ticket, subject: plan.ticket.subject))
            plan.mail += mail.approvalRequests(plan, before: snapshot.approval)
            return plan
        }
    }
}
