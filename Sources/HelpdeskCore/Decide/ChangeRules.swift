public import Foundation

/// How a change to a ticket's fields is judged and turned into history: from an agent's `#`
/// lines, `helpdesk tickets update`, or the gateway's own auto-close.
public enum ChangeRules {
    /// A ticket keeps at most this many participants: a message Cc'd to a whole company does not
    /// make the help desk mail everyone on every reply.
    public static let participantLimit = 50

    /// Applies every part of `change` to the ticket or, on the first part the rules refuse, none.
    /// With `assignment`, a tag added to a ticket nobody has yet may give it to an agent with the
    /// skill the tag calls for. The plan carries no mail; see `MailRules.assignments`.
    public static func apply(
        _ change: TicketChange, to snapshot: TicketSnapshot, actor: TicketActor, rules: MailboxRules?, at now: Date,
        assignment: AssignmentPlan? = nil, organizations: OrganizationDirectory = .empty
    ) throws(ChangeRefused) -> TicketPlan {
        var ticket = snapshot.ticket
        let ticketId = ticket.id ?? 0
        var plan = TicketPlan(ticket: ticket, sla: rules?.sla)
        func event(_ kind: TicketEvent.Kind, _ from: String?, _ to: String?, _ note: String? = nil) {
            plan.events.append(TicketEvent(ticketId: ticketId, at: now, actor: actor.address, actorRole: actor.role, kind: kind, from: from, to: to, note: note))
        }
        if actor.role == .requester && change.touchesMoreThanStatus {
            throw ChangeRefused(what: "", reason: "requesters add comments only; agents change tickets")
        }
        if let status = change.status, status != ticket.status {
            if let refusal = TicketWorkflow.refusal(from: ticket.status, to: status, by: actor.role) {
                throw ChangeRefused(what: "status \(status.rawValue)", reason: refusal, field: .status)
            }
            // Only a rule holds a request: a ticket put there by hand would wait for nobody.
            if status == .pendingApproval {
                throw ChangeRefused(
                    what: "status \(status.rawValue)", reason: "only a new request that an approval rule holds waits for approval", field: .status)
            }
            event(.status, ticket.status.rawValue, status.rawValue)
            // Leaving the wait another way (cancelled by an agent, opened by an admin) ends the request.
            if ticket.status == .pendingApproval, var approval = snapshot.approval, approval.state == .pending {
                approval.state = .withdrawn
                approval.decidedAt = now
                approval.decidedBy = actor.address
                approval.remindAt = nil
                plan.approval = approval
                event(.approval, Approval.State.pending.rawValue, Approval.State.withdrawn.rawValue, "the ticket was set to \(status.rawValue)")
            }
            ticket.status = status
        }
        if let assignee = change.assignee {
            let target: String?
            switch assignee {
            case .agent(let reference):
                guard let address = rules?.agentAddress(reference) else {
                    let agents = (rules?.agents.map(\.address) ?? []).sorted().joined(separator: ", ")
                    throw ChangeRefused(what: "assign \(reference)", reason: "not an agent of mailbox \(ticket.mailbox); agents: \(agents)", field: .assignee)
                }
                target = address
            case .nobody:
                target = nil
            }
            if target != ticket.assignee {
                event(.assignee, ticket.assignee, target)
                ticket.assignee = target
            }
        }
        if let priority = change.priority, priority != ticket.priority {
            event(.priority, ticket.priority.rawValue, priority.rawValue)
            ticket.priority = priority
        }
        var tags = snapshot.tags
        for tag in change.addTags where tags.insert(tag).inserted {
            plan.addTags.append(tag)
            event(.tag, nil, tag)
        }
        for tag in change.removeTags where tags.remove(tag) != nil {
            plan.removeTags.append(tag)
            event(.tag, tag, nil)
        }
        var people = PeopleOnTicket(snapshot)
        for address in change.addParticipants.map({ $0.lowercased() }) {
            if people.active.contains(address) { continue }
            guard people.active.count < participantLimit else {
                throw ChangeRefused(what: "cc +\(address)", reason: "the ticket already has \(participantLimit) participants; remove one first", field: .participants)
            }
            if people.removed.contains(address) {
                people.restore(address)
                plan.participants.append(.restore(address))
            } else {
                people.add(address)
                plan.participants.append(.add(Correspondent(address: address), role: .cc))
            }
            event(.participant, nil, address)
        }
        for address in change.removeParticipants.map({ $0.lowercased() }) where people.active.contains(address) {
            people.remove(address)
            plan.participants.append(.remove(address))
            event(.participant, address, nil)
        }
        if !plan.events.isEmpty { ticket.updatedAt = now }
        // A tag an approval rule names holds a ticket that never had a request: it waits for the
        // yes like a new request, before anyone is picked for it.
        if snapshot.approval == nil, !ticket.status.isFinished, ticket.status != .pendingApproval,
           let rule = rules?.approvals?.rule(addedTags: plan.addTags) {
            // The wait is the status: one asked for in the same breath cannot also be had.
            if let asked = change.status, asked != .open {
                throw ChangeRefused(
                    what: "status \(asked.rawValue)", reason: "the tag sends the ticket for approval (rule \(rule.name)); set its status after the yes",
                    field: .status)
            }
            let held = rule.request(
                requester: ticket.requesterAddress, contact: snapshot.requester, organizations: organizations,
                agents: rules?.agents.map(\.address) ?? [], text: snapshot.requestText ?? ticket.subject, at: now)
            if var approval = held.approval {
                approval.ticketId = ticketId
                plan.events.append(TicketEvent(
                    ticketId: ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .status,
                    from: ticket.status.rawValue, to: TicketStatus.pendingApproval.rawValue, note: "approval \(rule.name), by tag"))
                plan.events.append(TicketEvent(
                    ticketId: ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .approval, from: nil, to: "requested",
                    note: "rule \(rule.name); \(approval.mode == .chain ? "in turn" : "any one of"): \(approval.approvers.joined(separator: ", "))"
                        + (held.note.map { " (\($0))" } ?? "")))
                ticket.status = .pendingApproval
                ticket.updatedAt = now
                plan.approval = approval
                plan.ticket = ticket
                return plan
            } else if let note = held.note {
                event(.approval, nil, "not held", note)
            }
        }
        // A tag that calls for a skill is what triggers it; the pick then weighs every skill the
        // ticket needs, its subject's keywords too.
        if let assignment, assignment.strategy != .manual, ticket.assignee == nil, !change.addTags.isEmpty,
           !Assignment.requiredSkills(subject: "", body: "", tags: tags, rules: assignment.rules).isEmpty,
           let agent = Self.state(snapshot.assignment, after: snapshot.ticket, became: ticket).pick(
               assignment, skills: Assignment.requiredSkills(subject: ticket.subject, body: "", tags: tags, rules: assignment.rules)) {
            plan.events.append(TicketEvent(
                ticketId: ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .assignee, from: nil, to: agent,
                note: "skill by tag"))
            ticket.assignee = agent
            if assignment.strategy == .roundRobin { plan.roundRobin = agent }
        }
        plan.ticket = ticket
        return plan
    }

    /// The open-ticket counts as they stand once the ticket itself changed: an agent it was taken
    /// from no longer carries it.
    public static func state(_ state: AssignmentState, after before: Ticket, became after: Ticket) -> AssignmentState {
        var state = state
        if let previous = before.assignee, !before.status.isFinished, previous != after.assignee || after.status.isFinished,
           let count = state.openCounts[previous] {
            state.openCounts[previous] = max(count - 1, 0)
        }
        return state
    }
}

/// The addresses on a ticket while a change is worked out.
struct PeopleOnTicket {
    private(set) var active: Set<String>
    private(set) var removed: Set<String>

    init(_ snapshot: TicketSnapshot) {
        active = Set(snapshot.participants.map(\.address))
        removed = Set(snapshot.removedParticipants.map(\.address))
    }

    mutating func add(_ address: String) { active.insert(address) }

    mutating func restore(_ address: String) {
        removed.remove(address)
        active.insert(address)
    }

    mutating func remove(_ address: String) {
        active.remove(address)
        removed.insert(address)
    }
}
