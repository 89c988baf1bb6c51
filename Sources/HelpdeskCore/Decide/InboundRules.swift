public import Foundation

/// What one inbound message does to the help desk: the threading outcome (comment, reopen, new
/// linked ticket, internal note), an agent's commands, the comment, and who is told. Pure: the
/// store reads the snapshot and records the plan in the same transaction.
public struct InboundRules: Sendable {
    /// The mailbox the message arrived at.
    public let receiving: MailboxRules
    /// Every configured mailbox by name: a follow-up may belong to another mailbox's ticket.
    public let mailboxes: [String: MailboxRules]
    /// Which organisation a new ticket's requester belongs to.
    public let organizations: OrganizationDirectory
    public let newMessageID: @Sendable (String) -> String

    public init(
        receiving: MailboxRules, mailboxes: [MailboxRules], organizations: OrganizationDirectory = .empty,
        newMessageID: @escaping @Sendable (String) -> String
    ) {
        self.init(receiving: receiving, mailboxes: Dictionary(mailboxes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
                  organizations: organizations, newMessageID: newMessageID)
    }

    /// With the mailboxes already by name: one dictionary shared by every mailbox's rules.
    public init(
        receiving: MailboxRules, mailboxes: [String: MailboxRules], organizations: OrganizationDirectory = .empty,
        newMessageID: @escaping @Sendable (String) -> String
    ) {
        self.receiving = receiving
        self.mailboxes = mailboxes
        self.organizations = organizations
        self.newMessageID = newMessageID
    }

    public func decide(_ content: InboundContent, snapshot: InboundSnapshot, at now: Date) -> InboundPlan {
        guard let found = snapshot.found else {
            return openTicket(content, snapshot: snapshot, linkedTo: nil, reason: nil, at: now)
        }
        if let answer = approvalReply(content, on: found, at: now) { return answer }
        var plan = followUp(content, on: found, snapshot: snapshot, at: now)
        // Someone else's `#approve` goes the usual way, and the history says it decided nothing.
        if plan.ticket.ticket.id == found.ticket.id, let refused = refusedDecision(content, on: found, at: now) {
            plan.ticket.events.append(refused)
            // A participant's forged decision on a waiting ticket is kept for the agents, quietly:
            // it is nobody's answer, and the agents are not told of the request before the yes.
            if found.ticket.status == .pendingApproval, senderRole(content.requesterAddress, on: found) == .participant {
                plan.comment.visibility = .internal
                plan.ticket.mail = []
            }
        }
        return plan
    }

    /// A message on a ticket found, as its sender's role and the ticket's status say.
    private func followUp(_ content: InboundContent, on found: TicketSnapshot, snapshot: InboundSnapshot, at now: Date) -> InboundPlan {
        let role = senderRole(content.requesterAddress, on: found)
        switch FollowUpRule.action(
            status: found.ticket.status, sender: role, strangers: receiving.strangers, automatic: content.autoReplySuppression != nil) {
        case .agentMail:
            return agentMail(content, on: found, at: now)
        case .append(let visibility, let newStatus):
            return append(content, to: found, role: role, visibility: visibility, newStatus: newStatus, at: now)
        case .newLinkedTicket(let reason):
            return openTicket(content, snapshot: snapshot, linkedTo: found.ticket, reason: reason, at: now)
        }
    }

    /// Participant, agent of the ticket's mailbox, or stranger.
    func senderRole(_ sender: String, on found: TicketSnapshot) -> SenderRole {
        guard !sender.isEmpty else { return .stranger }
        if mailboxes[found.ticket.mailbox]?.isAgent(sender) == true { return .agent }
        return found.isParticipant(sender) ? .participant : .stranger
    }

    /// The ticket's mailbox's rules; the receiving one's when the ticket's has no config file.
    func rules(for ticket: Ticket) -> MailboxRules {
        mailboxes[ticket.mailbox] ?? receiving
    }

    // MARK: Outcomes

    private func openTicket(
        _ content: InboundContent, snapshot: InboundSnapshot, linkedTo previous: Ticket?, reason: LinkReason?, at now: Date
    ) -> InboundPlan {
        // Numbered per key prefix, not per mailbox name: a renamed mailbox file keeps its prefix.
        let number = snapshot.nextNumber
        let membership = organizations.membership(of: content.requesterAddress, contact: snapshot.sender)
        var ticket = Ticket(
            id: nil, mailbox: receiving.name, number: number, key: TicketKey(prefix: receiving.keyPrefix, number: number).description,
            subject: previous == nil ? content.subject : SubjectLine.base(content.subject, removing: content.followUp.subjectKeys),
            requesterAddress: content.requesterAddress, requesterName: content.requesterName,
            status: .new, priority: membership.organization?.defaultPriority ?? .normal, createdAt: now, updatedAt: now,
            linkedTicketId: previous?.id, linkReason: reason, language: content.language?.description, organization: membership.name)
        var plan = TicketPlan(ticket: ticket, sla: receiving.sla)
        var present: Set<String> = []
        if !content.requesterAddress.isEmpty {
            plan.participants.append(.add(Correspondent(address: content.requesterAddress, name: content.requesterName), role: .requester))
            present.insert(content.requesterAddress)
        }
        for person in content.copied where !person.address.isEmpty && present.count < ChangeRules.participantLimit {
            if present.insert(person.address).inserted { plan.participants.append(.add(person, role: .cc)) }
        }
        plan.events.append(TicketEvent(
            ticketId: 0, at: now, actor: content.requesterAddress.isEmpty ? "unknown" : content.requesterAddress,
            actorRole: .requester, kind: .created, from: previous?.key, to: ticket.key, note: reason.map { "linked: \($0.rawValue)" }))
        let held = approvalRequest(
            subject: ticket.subject, body: content.body, request: content.reply ?? content.body, requester: content.requesterAddress,
            sender: snapshot.sender, at: now)
        if held.approval == nil, let note = held.note {
            plan.events.append(TicketEvent(
                ticketId: 0, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .approval, from: nil, to: "not held", note: note))
        }
        if let approval = held.approval {
            // Nobody works on it before the yes: no assignment, no notice to the agents yet. The
            // status change is in the history, so the SLA clocks stand still from the start.
            ticket.status = .pendingApproval
            plan.events.append(TicketEvent(
                ticketId: 0, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .status,
                from: TicketStatus.new.rawValue, to: TicketStatus.pendingApproval.rawValue, note: "approval \(approval.rule)"))
            plan.events.append(TicketEvent(
                ticketId: 0, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .approval, from: nil, to: "requested",
                note: "rule \(approval.rule); \(approval.mode == .chain ? "in turn" : "any one of"): \(approval.approvers.joined(separator: ", "))"
                    + (held.note.map { " (\($0))" } ?? "")))
            plan.ticket = ticket
            plan.approval = approval
            let comment = NewComment(
                authorAddress: content.requesterAddress, authorName: content.requesterName, body: content.body, html: content.html,
                reply: content.reply, authorRole: .participant, visibility: .public)
            var facts = self.facts(content, ticket: ticket, comment: comment, events: plan.events)
            facts.linkedKey = previous?.key
            plan.mail = heldTicketMail(plan, approval: approval, content: content, facts: facts)
            return InboundPlan(outcome: .ticketCreated, ticket: plan, comment: comment)
        }
        let assignment = receiving.assignment
        let skills = Assignment.requiredSkills(subject: ticket.subject, body: content.body, tags: [], rules: assignment.rules)
        if let agent = snapshot.assignment.pick(assignment, skills: skills) {
            plan.events.append(TicketEvent(
                ticketId: 0, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .assignee, from: nil, to: agent,
                note: assignment.strategy.rawValue))
            ticket.assignee = agent
            if assignment.strategy == .roundRobin { plan.roundRobin = agent }
        }
        plan.ticket = ticket
        let comment = NewComment(
            authorAddress: content.requesterAddress, authorName: content.requesterName, body: content.body, html: content.html,
            reply: content.reply, authorRole: .participant, visibility: .public)
        var facts = self.facts(content, ticket: ticket, comment: comment, events: plan.events)
        facts.linkedKey = previous?.key
        plan.mail = MailRules(rules: receiving, newMessageID: newMessageID).newTicket(
            plan, comment: comment, replyTo: content.replyTo, suppressed: content.autoReplySuppression != nil,
            answering: content.thread, facts: facts)
        return InboundPlan(outcome: .ticketCreated, ticket: plan, comment: comment)
    }

    private func append(
        _ content: InboundContent, to found: TicketSnapshot, role: SenderRole, visibility: CommentVisibility,
        newStatus: TicketStatus?, at now: Date, unverified: Bool = false
    ) -> InboundPlan {
        let rules = rules(for: found.ticket)
        var ticket = found.ticket
        let ticketId = ticket.id ?? 0
        var plan = TicketPlan(ticket: ticket, sla: mailboxes[ticket.mailbox]?.sla)
        let previous = ticket.status
        if let newStatus, newStatus != previous {
            ticket.status = newStatus
            // The requester's reply moves the ticket: the gateway's rule, in the requester's name.
            plan.events.append(TicketEvent(
                ticketId: ticketId, at: now, actor: content.requesterAddress, actorRole: .requester, kind: .status,
                from: previous.rawValue, to: newStatus.rawValue, note: "reply from the requester"))
        }
        ticket.updatedAt = now
        // A participant may bring others in by Cc; an agent's, a stranger's or a robot's Cc
        // changes nothing (a list copy must not put the list on the ticket), and someone an agent
        // removed stays removed.
        if role == .participant && content.autoReplySuppression == nil {
            var people = PeopleOnTicket(found)
            for person in content.copied where !person.address.isEmpty && people.active.count < ChangeRules.participantLimit {
                guard !people.active.contains(person.address), !people.removed.contains(person.address) else { continue }
                people.add(person.address)
                plan.participants.append(.add(person, role: .cc))
                plan.events.append(TicketEvent(
                    ticketId: ticketId, at: now, actor: content.requesterAddress, actorRole: .requester, kind: .participant,
                    from: nil, to: person.address, note: "Cc on a reply"))
            }
        }
        plan.ticket = ticket
        let comment = NewComment(
            authorAddress: content.requesterAddress, authorName: content.requesterName, body: content.body, html: content.html,
            reply: content.reply, authorRole: role, visibility: visibility, unverified: unverified)
        if role == .participant && visibility == .public {
            let facts = self.facts(content, ticket: ticket, comment: comment, events: plan.events)
            let mail = MailRules(rules: rules, newMessageID: newMessageID)
            plan.mail = mail.responsibleAgents(ticket).map {
                mail.mail(.requesterReply(agent: $0), about: ticket, answering: content.thread, facts: facts)
            }
        }
        return InboundPlan(outcome: .commentAdded, ticket: plan, comment: comment)
    }

    /// An agent's mail on a ticket of their mailbox: proved (signed reply address or trusted
    /// DMARC) and valid, its commands are applied and its comment recorded as they say; otherwise
    /// nothing changes and the mail is an internal note, and the agent is told why.
    private func agentMail(_ content: InboundContent, on found: TicketSnapshot, at now: Date) -> InboundPlan {
        let note = { (unverified: Bool) in
            append(content, to: found, role: .agent, visibility: .internal, newStatus: nil, at: now, unverified: unverified)
        }
        guard let ticketId = found.ticket.id, let message = content.agentMessage else { return note(false) }
        let verified = message.proves(ticketId: ticketId)
        // A robot's mail (an out-of-office) runs nothing and is nobody's answer; it only gets the
        // unverified mark when nothing proved its sender, so a forger cannot plant clean notes.
        if content.autoReplySuppression != nil { return note(!verified) }
        guard verified else {
            return rejected(note(true), reason: message.unprovedReason, line: "", unverified: true, content: content)
        }
        let commands: AgentCommands
        switch message.commands {
        case .failure(let problem):
            return rejected(note(false), reason: problem.reason, line: problem.line ?? "", unverified: false, content: content)
        case .success(let parsed):
            commands = parsed
        }
        let rules = rules(for: found.ticket)
        let agent = TicketActor(address: content.requesterAddress, role: .agent)
        var change = commands.change
        let hasComment = !commands.comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let isPublic = hasComment && !commands.internalNote
        // A first public answer opens a new ticket, unless the agent set a status themselves.
        if isPublic && change.status == nil && found.ticket.status == .new { change.status = .open }
        var plan: TicketPlan
        do {
            plan = try ChangeRules.apply(
                change, to: found, actor: agent, rules: mailboxes[found.ticket.mailbox], at: now,
                assignment: found.ticket.mailbox == receiving.name ? receiving.assignment : nil, organizations: organizations)
        } catch {
            let line = error.field.flatMap(commands.line(for:)) ?? error.what
            return rejected(note(false), reason: error.reason, line: line, unverified: false, content: content)
        }
        if isPublic && plan.ticket.firstResponseAt == nil { plan.ticket.firstResponseAt = now }
        plan.ticket.updatedAt = now
        if commands.internalNote {
            plan.events.append(TicketEvent(
                ticketId: ticketId, at: now, actor: agent.address, actorRole: .agent, kind: .visibility,
                from: nil, to: CommentVisibility.internal.rawValue, note: "#internal"))
        }
        let comment = NewComment(
            authorAddress: content.requesterAddress, authorName: content.requesterName,
            body: hasComment ? commands.comment : content.body, html: content.html, reply: hasComment ? commands.comment : content.reply,
            authorRole: .agent, visibility: isPublic ? .public : .internal)
        let facts = self.facts(content, ticket: plan.ticket, comment: comment, events: plan.events)
        let mail = MailRules(rules: rules, newMessageID: newMessageID)
        if isPublic {
            let people = Self.participants(after: plan.participants, on: found, at: now)
            if !people.isEmpty {
                // Told in the agent's configured name; threaded under what the requester has
                // seen, not under the agent's own mail, which the requester never got.
                let configured = rules.agent(address: comment.authorAddress)
                let author = Correspondent(address: configured.address, name: configured.name ?? comment.authorName)
                var written = facts
                written.author = author
                let files = OutgoingAttachments.split(content.attachments, limit: rules.outgoingAttachmentLimit)
                written.attachments = files.sent.isEmpty ? nil : files.sent
                if !files.leftOut.isEmpty {
                    written.leftOut = files.leftOut
                    written.attachmentLimit = rules.outgoingAttachmentLimit
                }
                let thread = MailThread(parent: found.requesterThread.last, ancestors: Array(found.requesterThread.dropLast()))
                plan.mail.append(mail.mail(.agentReply(to: people, author: author), about: plan.ticket, answering: thread, facts: written))
                if !files.leftOut.isEmpty {
                    plan.mail.append(mail.mail(.deliveryPartial(agent: author), about: plan.ticket, answering: content.thread, facts: written))
                }
            }
        }
        plan.mail += mail.assignments(plan.events, ticket: plan.ticket, actor: comment.authorAddress, answering: content.thread, facts: facts)
        plan.mail += mail.approvalRequests(plan, before: found.approval)
        return InboundPlan(outcome: .commentAdded, ticket: plan, comment: comment, agentOutcome: .applied)
    }

    /// `note` with the agent told that their mail ran nothing.
    private func rejected(_ note: InboundPlan, reason: String, line: String, unverified: Bool, content: InboundContent) -> InboundPlan {
        var plan = note
        let rules = rules(for: note.ticket.ticket)
        let mail = MailRules(rules: rules, newMessageID: newMessageID)
        let intent = MailIntent.commandRejected(
            agent: rules.agent(address: note.comment.authorAddress), line: line.oneLine, reason: Self.reason(reason), unverified: unverified)
        plan.ticket.mail.append(mail.mail(intent, about: note.ticket.ticket, answering: content.thread,
                                          facts: facts(content, ticket: note.ticket.ticket, comment: note.comment, events: note.ticket.events)))
        plan.agentOutcome = unverified ? .unverified(reason: reason) : .rejected(AgentCommandProblem(line: line.isEmpty ? nil : line, reason: reason))
        return plan
    }

    // MARK: Helpers

    /// Who is on the ticket once `changes` are applied, in the order they joined (as stored:
    /// by time added, then address); someone brought back keeps their name and place.
    static func participants(after changes: [ParticipantChange], on found: TicketSnapshot, at now: Date) -> [Correspondent] {
        var people = found.participants.map { (person: Correspondent(address: $0.address, name: $0.name), added: $0.addedAt) }
        for change in changes {
            switch change {
            case .add(let person, _):
                people.append((person, now))
            case .restore(let address):
                let earlier = found.removedParticipants.first { $0.address == address }
                people.append((Correspondent(address: address, name: earlier?.name), earlier?.addedAt ?? now))
            case .remove(let address):
                people.removeAll { $0.person.address == address }
            }
        }
        return people.sorted { ($0.added, $0.person.address) < ($1.added, $1.person.address) }.map(\.person)
    }

    /// What the mail of this message talks about; `events` are the history rows it wrote
    /// (`{{#reopened}}`: one of them took the ticket out of resolved).
    func facts(_ content: InboundContent, ticket: Ticket, comment: NewComment, events: [TicketEvent]) -> MailFacts {
        MailFacts(
            ticket: ticket, subject: content.originalSubject ?? ticket.subject, body: comment.body, reply: comment.reply ?? comment.body,
            author: Correspondent(address: comment.authorAddress, name: comment.authorName),
            reopened: events.contains { $0.kind == .status && $0.fromValue == TicketStatus.resolved.rawValue })
    }

    /// A reason for a template: one line (it quotes addresses and header values a sender chose),
    /// and not endless.
    static func reason(_ text: String) -> String {
        let line = text.oneLine
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
