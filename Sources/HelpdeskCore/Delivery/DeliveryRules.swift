public import Foundation

/// What bounces do, and whether a mail may go out: pure rules, as every rule of the gateway.
public struct DeliveryRules: Sendable {
    public var mailboxes: [String: MailboxRules]
    /// A fresh Message-ID for mail leaving the named mailbox.
    public var newMessageID: @Sendable (String) -> String

    public init(mailboxes: [String: MailboxRules], newMessageID: @escaping @Sendable (String) -> String) {
        self.mailboxes = mailboxes
        self.newMessageID = newMessageID
    }

    // MARK: Bounces

    /// What a bounce of `mail` reporting `recipients` does at `now`. Only addresses the mail was
    /// sent to count (by final or original address; a mail to one address takes any report);
    /// a hard bounce marks the row, pauses the address and tells the ticket's agents, a delay
    /// is noted only. A bounce recorded before, or about an agent notice's own bounce, tells nobody.
    public func bounce(_ recipients: [BouncedRecipient], mail: BouncedMail, at now: Date) -> BouncePlan {
        let ours = recipients.compactMap { reported -> BouncedRecipient? in
            if mail.recipients.contains(reported.address) { return reported }
            if let original = reported.originalAddress, mail.recipients.contains(original) {
                var named = reported
                named.address = original
                return named
            }
            // An alias or forward the receiving side expanded: a signed mail to one address is about
            // it. Unsigned, only the addresses the mail went to count, or anyone who saw its
            // Message-ID could pause any address.
            guard mail.signed, mail.recipients.count == 1, let only = mail.recipients.first else { return nil }
            var named = reported
            named.address = only
            return named
        }
        guard !ours.isEmpty, !mail.alreadyBounced else { return .none }
        let hard = ours.filter(\.permanent)
        let pause = mailboxes[mail.mailbox]?.hardBouncePause ?? MailboxRules.defaultHardBouncePause
        var plan = BouncePlan(bounced: hard.first)
        let kind = mail.event?.rawValue ?? "mail"
        for recipient in ours {
            let reason = [recipient.status, recipient.diagnostic].compactMap { $0 }.joined(separator: " ")
            let note: String
            if recipient.permanent, pause > 0 {
                let until = now.addingTimeInterval(pause)
                plan.suppressions.append(Suppression(
                    address: recipient.address, since: now, until: until, status: recipient.status, diagnostic: recipient.diagnostic,
                    outboxId: mail.outboxId, ticketId: mail.ticket?.id))
                note = "\(kind) mail to \(recipient.address) bounced: \(reason.isEmpty ? "no reason given" : reason); automatic mail to it is paused until \(Self.day(until))"
            } else if recipient.permanent {
                note = "\(kind) mail to \(recipient.address) bounced: \(reason.isEmpty ? "no reason given" : reason)"
            } else {
                note = "\(kind) mail to \(recipient.address) is delayed: \(reason.isEmpty ? "no reason given" : reason); the receiving side keeps trying"
            }
            if let ticketId = mail.ticket?.id {
                plan.events.append(Self.deliveryEvent(ticketId: ticketId, at: now, address: recipient.address, outcome: recipient.permanent ? "bounced" : "delayed", note: note))
            }
        }
        // A notice to agents that bounced is noted, never answered with another notice.
        // A mail of a kind this version does not know is noted only: its notice could not say what it was.
        guard let ticket = mail.ticket, let first = hard.first, let event = mail.event, event != .deliveryFailed else { return plan }
        let bouncedAddresses = Set(hard.map(\.address))
        let facts = DeliveryFacts(
            address: first.address, event: event, status: first.status, diagnostic: first.diagnostic,
            pausedUntil: pause > 0 ? now.addingTimeInterval(pause) : nil, bouncedAt: now)
        plan.mail = notices(ticket: ticket, facts: facts, skipping: bouncedAddresses)
        return plan
    }

    // MARK: Before sending

    /// Whether a claimed mail goes out. Automatic mail to whoever wrote in (acknowledgements,
    /// notices) skips paused addresses and counts against the loop caps; an agent's reply goes
    /// out anyway, with a warning; notifications to agents always go (one full mailbox must not
    /// silence an agent for weeks; their bounces are noted on the ticket).
    /// `suppressions` are those holding for the mail's recipients at `now`.
    public static func gate(
        event: MailEvent, recipients: [String], suppressions: [Suppression], counts: AutomaticMailCounts, caps: LoopCaps
    ) -> DeliveryGate {
        let wanted = Set(recipients.map { $0.lowercased() })
        let paused = suppressions.filter { wanted.contains($0.address) }
        if event == .agentReply { return paused.isEmpty ? .send : .sendAnyway(paused) }
        guard event.isCapped else { return .send }
        if let first = paused.first { return .withhold(.suppressed(first)) }
        for window in caps.perRecipient where (counts.recipient[window] ?? 0) >= window.count {
            return .withhold(.recipientCap(address: recipients.first?.lowercased() ?? "", window: window))
        }
        for window in caps.perTicket where (counts.ticket[window] ?? 0) >= window.count {
            return .withhold(.ticketCap(window: window))
        }
        return .send
    }

    /// The note a withheld mail leaves on its ticket.
    public static func withheld(_ reason: WithholdReason, event: MailEvent, recipients: [String], ticketId: Int64, at now: Date) -> TicketEvent {
        deliveryEvent(ticketId: ticketId, at: now, address: recipients.joined(separator: ", "), outcome: "withheld",
                      note: "\(event.rawValue) mail not sent: \(reason)")
    }

    /// An agent's reply went to addresses that bounced before: a note, and the agent is told.
    public func sentAnyway(_ paused: [Suppression], reply: PlannedMail, ticketId: Int64, at now: Date) -> BouncePlan {
        guard case .agentReply(_, let author) = reply.intent, let first = paused.first else { return .none }
        let events = paused.map { suppression in
            Self.deliveryEvent(
                ticketId: ticketId, at: now, address: suppression.address, outcome: "sent_anyway",
                note: "agent_reply mail sent to \(suppression.address), which bounced on \(Self.day(suppression.since)) (\(suppression.status ?? "no status")); it may not arrive")
        }
        let facts = DeliveryFacts(
            address: first.address, event: .agentReply, status: first.status, diagnostic: first.diagnostic, pausedUntil: first.until,
            bouncedAt: first.since, sentAnyway: true)
        var mail = PlannedMail(
            intent: .deliveryFailed(agent: author), messageID: newMessageID(reply.mailbox), mailbox: reply.mailbox, answering: nil,
            facts: MailFacts(ticket: reply.facts.ticket, subject: reply.facts.subject))
        mail.facts.delivery = facts
        return BouncePlan(events: events, mail: [mail])
    }

    // MARK: Internals

    /// `delivery_failed` to the assignee, or to every agent of the mailbox when nobody has the
    /// ticket; never to an address that just bounced.
    private func notices(ticket: Ticket, facts: DeliveryFacts, skipping bounced: Set<String>) -> [PlannedMail] {
        let rules = mailboxes[ticket.mailbox]
        let agents: [Correspondent]
        if let assignee = ticket.assignee {
            agents = [rules?.agent(address: assignee) ?? Correspondent(address: assignee)]
        } else {
            agents = rules?.agents ?? []
        }
        return agents.filter { !bounced.contains($0.address.lowercased()) }.map { agent in
            var mail = PlannedMail(
                intent: .deliveryFailed(agent: agent), messageID: newMessageID(ticket.mailbox), mailbox: ticket.mailbox, answering: nil,
                facts: MailFacts(ticket: ticket, subject: ticket.subject))
            mail.facts.delivery = facts
            return mail
        }
    }

    static func deliveryEvent(ticketId: Int64, at now: Date, address: String, outcome: String, note: String) -> TicketEvent {
        TicketEvent(ticketId: ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .delivery,
                    from: address, to: outcome, note: note)
    }

    /// "2027-01-29": notes are read by people in many zones; the day is enough.
    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }
}
