import Foundation

// Approvals in the inbound decision: a new ticket that a rule holds, and an approver's answer.

extension InboundRules {
    /// The request a new ticket must wait for, or nil; `note` says why a matching rule holds
    /// nothing (nobody could decide) or who decides instead of a missing manager.
    func approvalRequest(subject: String, body: String, request: String, requester: String, sender: Contact?, at now: Date) -> (approval: Approval?, note: String?) {
        guard let rule = receiving.approvals?.rule(subject: subject, body: body) else { return (nil, nil) }
        return rule.request(
            requester: requester, contact: sender, organizations: organizations, agents: receiving.agents.map(\.address), text: request, at: now)
    }

    /// The mail a held new ticket causes: the requester's acknowledgement and the request to the
    /// approvers who decide first.
    func heldTicketMail(_ plan: TicketPlan, approval: Approval, content: InboundContent, facts: MailFacts) -> [PlannedMail] {
        let mail = MailRules(rules: receiving, newMessageID: newMessageID)
        var planned: [PlannedMail] = []
        if content.autoReplySuppression == nil, let replyTo = content.replyTo {
            planned.append(mail.mail(.acknowledgement(to: replyTo), about: plan.ticket, answering: content.thread, facts: facts))
        }
        return planned + mail.approvalRequested(approval, ticket: plan.ticket)
    }

    /// An approver's answer to the ticket's request for approval, or nil when the message is not
    /// one: not from one of its approvers, neither a decision nor sent to an approval address of
    /// this ticket, a robot's, or an agent's words without a decision (their commands go the
    /// agents' way). Anybody else's decision goes the usual way, and `refusedDecision` notes it.
    func approvalReply(_ content: InboundContent, on found: TicketSnapshot, at now: Date) -> InboundPlan? {
        let sender = content.requesterAddress
        guard let message = content.approval, let approval = found.approval, let ticketId = found.ticket.id,
              content.autoReplySuppression == nil
        else { return nil }
        // Its approvers, and whoever holds an approval address of this ticket signed for them (a
        // manager whose request went on to the agents answers late, and is told no by history).
        let proved = message.tokenTicketIds.contains(ticketId)
        guard approval.approvers.contains(sender) || proved, proved || message.decision != nil else { return nil }
        let role = senderRole(sender, on: found)
        // After the decision an agent's words go the agents' way, where they learn why their
        // commands ran nothing; while it waits they stay with the request.
        if role == .agent && message.decision == nil && approval.state != .pending { return nil }
        var ticket = found.ticket
        ticket.updatedAt = now
        var plan = TicketPlan(ticket: ticket, sla: rules(for: ticket).sla)
        let words = message.decision == nil ? content.body : message.comment
        // The answer is for the agents, not the requester: kept as an internal comment.
        let comment = NewComment(
            authorAddress: sender, authorName: content.requesterName, body: words, html: message.decision == nil ? content.html : nil,
            reply: message.decision == nil ? content.reply : message.comment, authorRole: role, visibility: .internal)
        guard let decision = message.decision else { return InboundPlan(outcome: .commentAdded, ticket: plan, comment: comment) }
        let actorRole = ActorRole.approver
        if let refusal = Self.refusal(approval, status: found.ticket.status, sender: sender, proved: proved, problem: message.tokenProblem, at: now) {
            plan.events.append(TicketEvent(
                ticketId: ticketId, at: now, actor: sender.isEmpty ? "unknown" : sender, actorRole: actorRole, kind: .approval,
                from: approval.state.rawValue, to: "refused", note: Self.reason("\(decision.word) refused: \(refusal)")))
            return InboundPlan(outcome: .commentAdded, ticket: plan, comment: comment)
        }
        var updated = approval
        let mail = MailRules(rules: rules(for: ticket), newMessageID: newMessageID)
        let requester = Correspondent(address: ticket.requesterAddress, name: ticket.requesterName)
        let thread = found.requesterThread.last.map { MailThread(parent: $0, ancestors: Array(found.requesterThread.dropLast())) }
        func event(_ to: String, note: String?) -> TicketEvent {
            TicketEvent(ticketId: ticketId, at: now, actor: sender, actorRole: .approver, kind: .approval, from: approval.state.rawValue, to: to, note: note)
        }
        func status(_ to: TicketStatus) -> TicketEvent {
            TicketEvent(ticketId: ticketId, at: now, actor: sender, actorRole: .approver, kind: .status, from: ticket.status.rawValue, to: to.rawValue,
                        note: "approval \(approval.rule)")
        }
        switch decision {
        case .approve where approval.mode == .chain && approval.step + 1 < approval.approvers.count:
            updated.step += 1
            updated.remindAt = now.addingTimeInterval(approval.remindAfter)
            updated.expiresAt = now.addingTimeInterval(approval.expireAfter)
            let next = updated.approvers[updated.step]
            plan.events.append(event("pending", note: "approved at step \(approval.step + 1) of \(approval.approvers.count); now asking \(next)"))
            plan.ticket = ticket
            plan.mail += mail.approvalRequested(updated, ticket: ticket)
        case .approve:
            updated.state = .approved
            updated.decidedAt = now
            updated.decidedBy = sender
            updated.remindAt = nil
            plan.events.append(event(Approval.State.approved.rawValue, note: "rule \(approval.rule)"))
            plan.events.append(status(.open))
            ticket.status = .open
            // Assigned as a new ticket would have been, now that it may be worked on.
            let assignment = rules(for: ticket).assignment
            if ticket.assignee == nil, let agent = found.assignment.pick(
                assignment, skills: Assignment.requiredSkills(subject: ticket.subject, body: "", tags: found.tags, rules: assignment.rules)) {
                plan.events.append(TicketEvent(
                    ticketId: ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .assignee, from: nil, to: agent,
                    note: assignment.strategy.rawValue))
                ticket.assignee = agent
                if assignment.strategy == .roundRobin { plan.roundRobin = agent }
            }
            plan.ticket = ticket
            // The mail is about the request, not the approver's words (an internal comment).
            var facts = MailFacts(ticket: ticket, subject: ticket.subject, body: approval.request, author: requester)
            facts.approval = ApprovalFacts(updated)
            plan.mail.append(mail.mail(.approvalGranted(to: requester), about: ticket, answering: thread, facts: facts))
            plan.mail += mail.assignments(plan.events, ticket: ticket, actor: "", answering: nil, facts: facts)
            // A request held by an agent's tag is one the agents already know.
            let byTag = rules(for: ticket).approvals?.rules.first { $0.name == approval.rule }.map {
                if case .tags = $0.match { true } else { false }
            } ?? false
            for agent in rules(for: ticket).agents where agent.address != ticket.assignee && !byTag {
                plan.mail.append(mail.mail(.newTicket(agent: agent), about: ticket, answering: nil, facts: facts))
            }
        case .reject(let reason):
            updated.state = .rejected
            updated.decidedAt = now
            updated.decidedBy = sender
            updated.reason = Self.reason(reason)
            updated.remindAt = nil
            plan.events.append(event(Approval.State.rejected.rawValue, note: reason.isEmpty ? "no reason given" : Self.reason(reason)))
            plan.events.append(status(.cancelled))
            ticket.status = .cancelled
            plan.ticket = ticket
            var facts = MailFacts(ticket: ticket, subject: ticket.subject, body: approval.request, author: requester)
            facts.approval = ApprovalFacts(updated)
            plan.mail.append(mail.mail(.approvalRejected(to: requester, reason: updated.reason ?? ""), about: ticket, answering: thread, facts: facts))
        }
        plan.approval = updated
        return InboundPlan(outcome: .commentAdded, ticket: plan, comment: comment)
    }

    /// The history row that says why a decision from someone who is not an approver of the
    /// ticket (or a robot's) decided nothing; nil when the message made no decision.
    func refusedDecision(_ content: InboundContent, on found: TicketSnapshot, at now: Date) -> TicketEvent? {
        guard let decision = content.approval?.decision, let approval = found.approval, let ticketId = found.ticket.id else { return nil }
        let sender = content.requesterAddress
        let why = content.autoReplySuppression != nil
            ? "an automatic message decides nothing"
            : "\(sender.isEmpty ? "the sender" : sender) is not an approver of this request"
        let role = senderRole(sender, on: found)
        return TicketEvent(
            ticketId: ticketId, at: now, actor: sender.isEmpty ? "unknown" : sender,
            actorRole: role == .agent ? .agent : .requester, kind: .approval, from: approval.state.rawValue, to: "refused",
            note: Self.reason("\(decision.word) refused: \(why)"))
    }

    /// Why `sender`'s decision does not count, or nil when it does.
    static func refusal(_ approval: Approval, status: TicketStatus, sender: String, proved: Bool, problem: String?, at now: Date) -> String? {
        if approval.state != .pending { return "the request was \(approval.state.rawValue) already" }
        if status != .pendingApproval { return "the ticket is \(status.rawValue), not waiting for approval" }
        guard approval.current.contains(sender) else {
            let who = approval.current.joined(separator: ", ")
            return "\(sender.isEmpty ? "the sender" : sender) is not \(approval.mode == .chain ? "the approver at this step" : "an approver") of this request (waiting for \(who))"
        }
        guard proved else { return problem ?? "it was not sent to the approval reply address signed for \(sender)" }
        if now >= approval.expiresAt { return "the request expired on \(ISO8601DateFormatter().string(from: approval.expiresAt))" }
        return nil
    }
}

extension ApprovalDecision {
    /// The command as written, for history notes.
    var word: String {
        switch self {
        case .approve: "#approve"
        case .reject: "#reject"
        }
    }
}
