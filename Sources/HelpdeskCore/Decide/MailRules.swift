import Foundation

/// Who gets which mail: the one place that decides it, for every cause.
public struct MailRules: Sendable {
    /// The ticket's mailbox, or the receiving one when the ticket's has no config.
    let rules: MailboxRules
    /// Makes a Message-ID for mail leaving through a mailbox (by name).
    let newMessageID: @Sendable (String) -> String

    public init(rules: MailboxRules, newMessageID: @escaping @Sendable (String) -> String) {
        self.rules = rules
        self.newMessageID = newMessageID
    }

    func mail(_ intent: MailIntent, about ticket: Ticket?, answering: MailThread?, facts: MailFacts) -> PlannedMail {
        let mailbox = ticket?.mailbox ?? rules.name
        return PlannedMail(intent: intent, messageID: newMessageID(mailbox), mailbox: mailbox, answering: answering, facts: facts)
    }

    /// `ticket_assigned` to each agent that `events` gave the ticket to, except `actor`, who did it.
    public func assignments(_ events: [TicketEvent], ticket: Ticket, actor: String, answering: MailThread?, facts: MailFacts) -> [PlannedMail] {
        events.compactMap { event in
            guard event.kind == .assignee, let address = event.toValue, address != actor.lowercased() else { return nil }
            let by = event.actorRole == .system ? "automatic assignment (\(rules.assignment.strategy.rawValue))" : event.actor
            return mail(.assigned(agent: rules.agent(address: address), by: by), about: ticket, answering: answering, facts: facts)
        }
    }

    /// `approval_requested` to whoever decides first, when `plan` makes a request that
    /// `before` (the ticket's request until now) was not.
    public func approvalRequests(_ plan: TicketPlan, before: Approval?) -> [PlannedMail] {
        guard let approval = plan.approval, before == nil, approval.state == .pending else { return [] }
        return approvalRequested(approval, ticket: plan.ticket)
    }

    /// `approval_requested` to whoever decides `approval` now (agents by their configured
    /// names): the request's text in the requester's name, with its rule, step and expiry.
    public func approvalRequested(_ approval: Approval, ticket: Ticket, reminder: Bool = false) -> [PlannedMail] {
        var facts = MailFacts(ticket: ticket, subject: ticket.subject, body: approval.request,
                              author: Correspondent(address: ticket.requesterAddress, name: ticket.requesterName))
        facts.approval = ApprovalFacts(approval)
        return approval.current.map { address in
            mail(.approvalRequested(approver: rules.isAgent(address) ? rules.agent(address: address) : Correspondent(address: address),
                                    reminder: reminder, escalated: approval.escalated),
                 about: ticket, answering: nil, facts: facts)
        }
    }

    /// The assignee, or every agent of the mailbox while nobody has the ticket.
    public func responsibleAgents(_ ticket: Ticket) -> [Correspondent] {
        ticket.assignee.map { [rules.agent(address: $0)] } ?? rules.agents
    }

    /// The mail a new ticket causes: the requester's acknowledgement (unless loop rules forbid
    /// it), `ticket_assigned` to an automatic assignee, `new_ticket` to every other agent.
    func newTicket(_ plan: TicketPlan, comment: NewComment, replyTo: Correspondent?, suppressed: Bool, answering: MailThread?, facts: MailFacts) -> [PlannedMail] {
        let ticket = plan.ticket
        var mail: [PlannedMail] = []
        if !suppressed, let replyTo {
            mail.append(self.mail(.acknowledgement(to: replyTo), about: ticket, answering: answering, facts: facts))
        }
        mail += assignments(plan.events, ticket: ticket, actor: "", answering: answering, facts: facts)
        for agent in rules.agents where agent.address != comment.authorAddress && agent.address != ticket.assignee {
            mail.append(self.mail(.newTicket(agent: agent), about: ticket, answering: answering, facts: facts))
        }
        return mail
    }

    /// `sla_warning` / `sla_breach` to the assignee (or every agent while nobody has the ticket)
    /// with a signed reply address, and to the policy's escalation address.
    public func slaNotice(_ kind: SLANoticeKind, ticket: Ticket, clock: TicketClock) -> [PlannedMail] {
        guard let policy = rules.sla else { return [] }
        let facts = MailFacts(
            ticket: ticket, subject: ticket.subject,
            clock: ClockFacts(
                target: clock.target, duration: clock.duration, elapsed: clock.elapsed, dueAt: clock.dueAt,
                timeZone: policy.calendar.timeZone.identifier, warningPoint: policy.warningPoint, businessHours: !policy.calendar.isAlwaysOpen))
        func intent(_ to: Correspondent, signed: Bool) -> MailIntent {
            kind == .breach ? .slaBreach(to: to, target: clock.target, signed: signed) : .slaWarning(to: to, target: clock.target, signed: signed)
        }
        let agents = responsibleAgents(ticket)
        var mail = agents.map { self.mail(intent($0, signed: true), about: ticket, answering: nil, facts: facts) }
        if let escalation = policy.escalation, !agents.contains(where: { $0.address == escalation.lowercased() }) {
            mail.append(self.mail(intent(Correspondent(address: escalation), signed: false), about: ticket, answering: nil, facts: facts))
        }
        return mail
    }
}
