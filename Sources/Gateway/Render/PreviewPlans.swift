import Foundation
import HelpdeskCore
import HelpdeskStore

/// The planned mail a preview renders: for a real ticket, what the event would say about it now;
/// for `--sample`, a made-up ticket of the mailbox. Either goes through the same renderer as
/// real mail, so the preview is the mail.
enum PreviewPlans {
    /// A made-up ticket in `mailbox`, its requester writing in `language`.
    static func sample(_ event: MailEvent, mailbox: MailboxConfig, language: String?, now: Date) -> PlannedMail {
        let ticket = Ticket(
            id: 123, mailbox: mailbox.name, number: 123, key: TicketKey(prefix: mailbox.keyPrefix, number: 123).description,
            subject: "Printer on fire", requesterAddress: "alice@example.test", requesterName: "Alice Example", status: .open,
            priority: .normal, createdAt: now.addingTimeInterval(-3 * 3_600), updatedAt: now, language: language)
        let body = "The printer in room 3 is on fire.\nIt smells of toast.\n\n> earlier text\n"
        let facts = MailFacts(
            ticket: ticket, subject: ticket.subject, body: body, reply: "The printer in room 3 is on fire.\nIt smells of toast.\n",
            author: Correspondent(address: ticket.requesterAddress, name: ticket.requesterName))
        return plan(event, ticket: ticket, facts: facts, mailbox: mailbox, now: now)
    }

    /// `event` about a stored ticket: the latest comment fitting the event is the message in hand.
    static func ticket(_ event: MailEvent, ticket: Ticket, comments: [CommentRecord], mailbox: MailboxConfig, now: Date) -> PlannedMail {
        let wanted: (CommentRecord) -> Bool = switch event {
        case .agentReply: { $0.authorRole == .agent && $0.visibility == .public }
        case .ticketCreated, .newTicket, .requesterReply, .ticketAssigned, .messageTooLarge, .approvalRequested: { $0.authorRole != .agent }
        case .approvalGranted, .approvalRejected, .approvalExpired: { _ in true }
        case .commandRejected: { $0.authorRole == .agent }
        case .slaWarning, .slaBreach, .deliveryPartial, .deliveryFailed: { _ in true }
        }
        let comment = comments.last(where: wanted) ?? comments.last
        let facts = MailFacts(
            ticket: ticket, subject: ticket.subject, body: comment?.body ?? "", reply: comment?.reply,
            author: comment.map { Correspondent(address: $0.authorAddress, name: $0.authorName) })
        return plan(event, ticket: ticket, facts: facts, mailbox: mailbox, now: now)
    }

    private static func plan(_ event: MailEvent, ticket: Ticket, facts: MailFacts, mailbox: MailboxConfig, now: Date) -> PlannedMail {
        var facts = facts
        let requester = Correspondent(address: ticket.requesterAddress, name: ticket.requesterName)
        let agentAddress = ticket.assignee ?? mailbox.agents.first?.email ?? "agent@\(mailbox.domain)"
        let agent = Correspondent(address: agentAddress, name: mailbox.agents.first { $0.email == agentAddress }?.name)
        let intent: MailIntent
        switch event {
        case .ticketCreated: intent = .acknowledgement(to: requester)
        case .newTicket: intent = .newTicket(agent: agent)
        case .requesterReply: intent = .requesterReply(agent: agent)
        case .agentReply:
            // Without an agent's comment yet, the agent answers the requester's words.
            if facts.author == nil || facts.author?.address == requester.address { facts.author = agent }
            intent = .agentReply(to: [requester], author: facts.author ?? agent)
        case .ticketAssigned: intent = .assigned(agent: agent, by: mailbox.assignment.rawValue)
        case .commandRejected:
            intent = .commandRejected(agent: agent, line: "#status pendng", reason: "unknown status 'pendng'; did you mean 'pending'?", unverified: false)
        case .slaWarning, .slaBreach:
            let target = SLATarget.firstResponse
            let policy = mailbox.sla
            let duration = policy?.targets[ticket.priority]?.firstResponse ?? 4 * 3_600
            facts.clock = ClockFacts(
                target: target, duration: duration, elapsed: event == .slaWarning ? duration * 0.8 : duration * 1.1,
                dueAt: ticket.createdAt.addingTimeInterval(duration), timeZone: policy?.calendar.timeZone.identifier ?? "UTC",
                warningPoint: policy?.warningPoint ?? 0.8, businessHours: policy.map { $0.calendar != .alwaysOpen } ?? false)
            intent = event == .slaWarning ? .slaWarning(to: agent, target: target, signed: true) : .slaBreach(to: agent, target: target, signed: true)
        case .deliveryPartial:
            intent = .deliveryPartial(agent: agent)
            if facts.leftOut == nil {
                facts.leftOut = [AttachmentDraft(
                    sha256: String(repeating: "0", count: 64), filename: "recording.mp4", contentType: "video/mp4", size: 48 << 20,
                    isInline: false, contentID: nil)]
            }
            facts.attachmentLimit = mailbox.outgoingAttachmentLimit
        case .deliveryFailed:
            // The common case: the acknowledgement bounced hard, the address is unknown.
            intent = .deliveryFailed(agent: agent)
            if facts.delivery == nil {
                let bouncedAt = now.addingTimeInterval(-5 * 60)
                let pause = mailbox.rules.hardBouncePause
                facts.delivery = DeliveryFacts(
                    address: requester.address, event: .ticketCreated, status: "5.1.1",
                    diagnostic: "550 5.1.1 <\(requester.address)>: Recipient address rejected: User unknown in virtual mailbox table",
                    pausedUntil: pause > 0 ? bouncedAt.addingTimeInterval(pause) : nil, bouncedAt: bouncedAt)
            }
        case .messageTooLarge:
            intent = .messageTooLarge(
                to: requester, reason: "it is 31.0 MB and the limit is \(TemplateValues.readableSize(mailbox.maximumMessageSize))",
                size: 31 * 1_048_576, limit: mailbox.maximumMessageSize)
        case .approvalRequested, .approvalGranted, .approvalRejected, .approvalExpired:
            // A made-up request of the mailbox's first rule (or "sample"), decided by a manager.
            let rule = mailbox.approvals?.rules.first
            let approver = rule.flatMap { rule -> String? in
                if case .anyOf(let list) = rule.approvers { return list.first }
                if case .chain(let list) = rule.approvers { return list.first }
                return nil
            } ?? "manager@\(mailbox.domain)"
            var approval = Approval(
                ticketId: ticket.id ?? 0, rule: rule?.name ?? "sample", mode: .any, approvers: [approver], requestedAt: now, remindAt: nil,
                expiresAt: now.addingTimeInterval(rule?.expireAfter ?? 3 * 86_400), remindAfter: rule?.remindAfter ?? 86_400,
                expireAfter: rule?.expireAfter ?? 3 * 86_400, onExpiry: rule?.onExpiry ?? .cancel)
            if event == .approvalGranted || event == .approvalRejected {
                approval.decidedBy = approver
                approval.state = event == .approvalGranted ? Approval.State.approved : .rejected
            }
            if event == .approvalRejected { approval.reason = "No budget this quarter." }
            facts.approval = ApprovalFacts(approval)
            switch event {
            case .approvalRequested: intent = .approvalRequested(approver: Correspondent(address: approver), reminder: false, escalated: false)
            case .approvalGranted: intent = .approvalGranted(to: requester)
            case .approvalRejected: intent = .approvalRejected(to: requester, reason: approval.reason ?? "")
            default: intent = .approvalExpired(to: requester, cancelled: true)
            }
        }
        return PlannedMail(
            intent: intent, messageID: "preview.\(ticket.key).\(event.rawValue)@\(mailbox.domain)", mailbox: mailbox.name,
            answering: nil, facts: facts)
    }
}
