import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging
import MIME

/// What one SLA pass did.
public struct SLACheckSummary: Sendable, Equatable, CustomStringConvertible {
    /// Warnings recorded (each mailed to whoever the mailbox names).
    public var warnings = 0
    /// Breaches recorded in the history (mailed unless the target was reached or the ticket ended).
    public var breaches = 0
    /// Resolved tickets closed after their mailbox's `auto_close_days`.
    public var autoClosed = 0
    /// Tickets whose clocks were recomputed (or dropped) first, with `refreshing`.
    public var refreshed = 0

    public init() {}

    public var description: String {
        "\(warnings) warning(s), \(breaches) breach(es), \(autoClosed) auto-closed"
    }
}

extension HelpdeskGateway {
    /// One pass of the SLA clock service: recompute every open ticket's clocks (with
    /// `refreshing`, as at start, so edited policies apply), tell each warning and breach that
    /// became due exactly once, and close resolved tickets left alone long enough. Mail goes
    /// through the outbox. Throws on a database error; what was recorded before it stays.
    public func checkSLA(refreshing: Bool = false) throws -> SLACheckSummary {
        var summary = SLACheckSummary()
        let at = now()
        if refreshing { summary.refreshed = try database.refreshSLA(now: at) }
        for due in try database.dueSLANotices(now: at) {
            let told = try database.recordSLANotice(due, at: at) { ticket, sla in
                guard let mailbox = config.mailbox(named: ticket.mailbox), let policy = mailbox.sla else { return [] }
                return slaMail(due.kind, ticket: ticket, sla: sla, mailbox: mailbox, policy: policy, at: at)
            }
            guard told else { continue }
            if due.kind == .breach { summary.breaches += 1 } else { summary.warnings += 1 }
            logger.notice("sla \(due.kind.rawValue)", metadata: ["ticket": "\(due.ticketKey)", "target": "\(due.target.rawValue)"])
        }
        for mailbox in config.mailboxes {
            guard let days = mailbox.sla?.autoCloseDays else { continue }
            for ticket in try database.resolvedTickets(mailbox: mailbox.name, idleBefore: at.addingTimeInterval(-Double(days) * 86_400)) {
                do {
                    _ = try database.update(ticketKey: ticket.key, change: TicketChange(status: .closed), actor: .gateway, agents: [], at: at)
                    summary.autoClosed += 1
                    logger.info("auto-closed", metadata: ["ticket": "\(ticket.key)", "after_days": "\(days)"])
                } catch let refused as ChangeRefused {
                    logger.warning("auto-close refused", metadata: ["ticket": "\(ticket.key)", "reason": "\(refused)"])
                }
            }
        }
        return summary
    }

    /// `sla_warning` / `sla_breach` to the assignee (or every agent of the mailbox while nobody has
    /// the ticket) with a signed reply address, and to the policy's escalation address.
    func slaMail(
        _ kind: SLANoticeRecord.Kind, ticket: TicketRecord, sla: TicketSLARecord, mailbox: MailboxConfig, policy: SLAPolicy, at: Date
    ) -> [OutboxDraft] {
        let event = kind == .breach ? "sla_breach" : "sla_warning"
        let mail = TicketMail(mailbox: mailbox, templates: templates, secret: replySecrets[mailbox.name], logger: logger, now: at)
        let extra: [String: Any] = [
            "sla": TemplateContext.sla(sla, calendar: policy.calendar, warningPoint: policy.warningPoint),
            "message": ["body": "", "reply": "", "subject": TemplateContext.oneLine(ticket.subject)],
        ]
        let agents = ticket.assignee.map { [mailbox.agent(address: $0)] } ?? mailbox.agents
        var drafts: [OutboxDraft] = []
        for agent in agents {
            drafts += mail.toAgent(event, ticket: ticket, agent: agent, answering: nil, body: "", extra: extra)
        }
        if let escalation = policy.escalation, !agents.contains(where: { $0.email == escalation.lowercased() }) {
            var values = extra
            values["agent"] = TemplateContext.person(name: nil, address: escalation)
            drafts += mail.render(event, ticket: ticket, to: [Address(name: nil, address: escalation)], answering: nil, body: "", extra: values)
        }
        return drafts
    }
}
