public import Foundation

/// What a waiting request's timers do: remind its approvers once, and at the expiry cancel the
/// ticket or hand the request to the agents. Pure; the service pass records the plan exactly once.
public struct ApprovalTimerRules: Sendable {
    /// The ticket's mailbox.
    let rules: MailboxRules
    let newMessageID: @Sendable (String) -> String

    public init(rules: MailboxRules, newMessageID: @escaping @Sendable (String) -> String) {
        self.rules = rules
        self.newMessageID = newMessageID
    }

    /// The plan for `approval` of `ticket` at `now`, or nil when nothing is due.
    public func due(ticket: Ticket, approval: Approval, at now: Date) -> TicketPlan? {
        guard approval.state == .pending, ticket.status == .pendingApproval, let ticketId = ticket.id else { return nil }
        var plan = TicketPlan(ticket: ticket, sla: rules.sla)
        var updated = approval
        let mail = MailRules(rules: rules, newMessageID: newMessageID)
        func event(_ to: String, note: String) -> TicketEvent {
            TicketEvent(ticketId: ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .approval,
                        from: approval.state.rawValue, to: to, note: note)
        }
        func facts(_ ticket: Ticket, _ approval: Approval) -> MailFacts {
            var facts = MailFacts(ticket: ticket, subject: ticket.subject, body: approval.request)
            facts.approval = ApprovalFacts(approval)
            return facts
        }
        if now >= approval.expiresAt {
            let lapsed = approval.current.map { Correspondent(address: $0) }
            let agents = rules.agents.map(\.address).filter { $0 != ticket.requesterAddress.lowercased() }
            if approval.onExpiry == .escalate, !approval.escalated, !agents.isEmpty {
                updated.mode = .any
                updated.approvers = agents
                updated.step = 0
                updated.escalated = true
                updated.remindAt = now.addingTimeInterval(approval.remindAfter)
                updated.expiresAt = now.addingTimeInterval(approval.expireAfter)
                plan.events.append(event("pending", note: "expired without a decision from \(approval.current.joined(separator: ", ")); escalated to the agents"))
                plan.mail += lapsed.map { mail.mail(.approvalExpired(to: $0, cancelled: false), about: ticket, answering: nil, facts: facts(ticket, approval)) }
                plan.mail += mail.approvalRequested(updated, ticket: ticket)
            } else {
                var cancelled = ticket
                cancelled.status = .cancelled
                cancelled.updatedAt = now
                updated.state = .expired
                updated.remindAt = nil
                updated.decidedAt = now
                plan.events.append(event(Approval.State.expired.rawValue, note: "nobody decided by \(ISO8601DateFormatter().string(from: approval.expiresAt))"))
                plan.events.append(TicketEvent(
                    ticketId: ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .status,
                    from: ticket.status.rawValue, to: TicketStatus.cancelled.rawValue, note: "approval \(approval.rule) expired"))
                plan.ticket = cancelled
                let requester = Correspondent(address: ticket.requesterAddress, name: ticket.requesterName)
                plan.mail += ([requester] + lapsed).filter { !$0.address.isEmpty }.map {
                    mail.mail(.approvalExpired(to: $0, cancelled: true), about: cancelled, answering: nil, facts: facts(cancelled, updated))
                }
            }
        } else if let remindAt = approval.remindAt, now >= remindAt {
            updated.remindAt = nil
            plan.events.append(event("pending", note: "reminded \(approval.current.joined(separator: ", "))"))
            plan.mail += mail.approvalRequested(approval, ticket: ticket, reminder: true)
        } else {
            return nil
        }
        plan.approval = updated
        return plan
    }
}
