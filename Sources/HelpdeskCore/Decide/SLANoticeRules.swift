public import Foundation

/// What recording a due warning or breach does: the notice, for a breach its history row, and
/// mail only when it is news.
public struct SLANoticePlan: Sendable, Equatable {
    public var kind: SLANoticeKind
    /// The breach's history row; nil for a warning.
    public var event: TicketEvent?
    /// Empty when nobody is told: the ticket ended, or the target was reached meanwhile.
    public var mail: [PlannedMail]
    /// Record the target's warning as told, unmailed: after a breach a warning would only confuse.
    public var silencesWarning: Bool
}

/// When a warning or breach is recorded, and who is told.
public enum SLANoticeRules {
    /// The plan for `kind` of `clock` (as recomputed at `now`), or nil when it is not due: the
    /// clock moved, or a warning's clock stopped (a paused clock is warned when it runs again;
    /// a met one never).
    public static func decide(
        _ kind: SLANoticeKind, ticket: Ticket, clock: TicketClock, at now: Date, rules: MailboxRules?,
        newMessageID: @escaping @Sendable (String) -> String
    ) -> SLANoticePlan? {
        guard let point = kind == .breach ? clock.dueAt : clock.warnAt, point <= now else { return nil }
        if kind == .warning && clock.outcome != .running { return nil }
        // A breach found after the target was reached, or of a ticket no longer worked on, goes
        // into the history without mail.
        let news = kind == .warning || (!clock.completed && clock.outcome != .met && clock.outcome != .ended)
        var mail: [PlannedMail] = []
        if news && !ticket.status.isFinished, let rules {
            mail = MailRules(rules: rules, newMessageID: newMessageID).slaNotice(kind, ticket: ticket, clock: clock)
        }
        let event = kind == .breach
            ? TicketEvent(
                ticketId: clock.ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .sla,
                from: clock.target.rawValue, to: "breached", note: "due \(point.formatted(.iso8601)), target \(SLADuration.format(clock.duration))")
            : nil
        return SLANoticePlan(kind: kind, event: event, mail: mail, silencesWarning: kind == .breach)
    }
}

/// Who is told that a message was kept aside for its size.
public enum SizeNoticeRules {
    /// One `message_too_large` notice, unless loop rules forbid an answer or there is nobody to
    /// tell. It goes to the envelope sender when the server recorded one that differs from the
    /// From (a forged From then gets no notice from us: less backscatter); the From's display
    /// name is kept only when the notice goes to the From.
    public static func notice(
        from: Correspondent?, returnPath: String?, suppressed: Bool, subject: String, reason: String, size: Int?, limit: Int,
        mailbox: String, answering: MailThread?, newMessageID: (String) -> String
    ) -> PlannedMail? {
        guard !suppressed, let from else { return nil }
        var to = from
        if let returnPath, returnPath.lowercased() != from.address.lowercased() { to = Correspondent(address: returnPath) }
        return PlannedMail(
            intent: .messageTooLarge(to: to, reason: reason, size: size, limit: limit), messageID: newMessageID(mailbox),
            mailbox: mailbox, answering: answering, facts: MailFacts(ticket: nil, subject: subject))
    }
}
