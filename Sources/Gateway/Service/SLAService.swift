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
    /// Requests for approval whose approvers were reminded, that expired (ticket cancelled), and
    /// that went to the agents.
    public var approvalReminders = 0
    public var approvalsExpired = 0
    public var approvalsEscalated = 0

    public init() {}

    public var description: String {
        let approvals = approvalReminders + approvalsExpired + approvalsEscalated == 0 ? ""
            : ", approvals: \(approvalReminders) reminded, \(approvalsExpired) expired, \(approvalsEscalated) escalated"
        return "\(warnings) warning(s), \(breaches) breach(es), \(autoClosed) auto-closed" + approvals
    }
}

/// The SLA clock service: recomputes clocks, records each warning and breach exactly once with
/// the mail the core decides, and closes resolved tickets left alone long enough.
struct SLAService {
    let store: any TicketStore
    let mailboxes: [MailboxConfig]
    let logger: Logger

    /// One pass at `at`: with `refreshing` (as at start) every open ticket's clocks are
    /// recomputed first, so edited policies apply. Throws on a database error; what was
    /// recorded before it stays.
    func check(refreshing: Bool, at: Date) throws -> SLACheckSummary {
        var summary = SLACheckSummary()
        let rules = Dictionary(mailboxes.map { ($0.name, $0.rules) }, uniquingKeysWith: { first, _ in first })
        let domains = Dictionary(mailboxes.map { ($0.name, $0.domain) }, uniquingKeysWith: { first, _ in first })
        let policies = rules.compactMapValues(\.sla)
        if refreshing { summary.refreshed = try store.refreshClocks(policies: policies, now: at) }
        for due in try store.dueSLANotices(now: at) {
            let told = try store.recordSLANotice(due, at: at, policies: policies) { ticket, clock in
                SLANoticeRules.decide(due.kind, ticket: ticket, clock: clock, at: at, rules: rules[ticket.mailbox]) { name in
                    MessageIDGenerator.make(domain: domains[name] ?? "localhost")
                }
            }
            guard told else { continue }
            if due.kind == .breach { summary.breaches += 1 } else { summary.warnings += 1 }
            logger.notice("sla \(due.kind.rawValue)", metadata: ["ticket": "\(due.ticketKey)", "target": "\(due.target.rawValue)"])
        }
        try runApprovalTimers(at: at, rules: rules, domains: domains, summary: &summary)
        for mailbox in mailboxes {
            guard let days = mailbox.sla?.autoCloseDays else { continue }
            let mailboxRules = mailbox.rules
            for ticket in try store.resolvedTickets(mailbox: mailbox.name, idleBefore: at.addingTimeInterval(-Double(days) * 86_400)) {
                do {
                    _ = try store.applyChange(ticketKey: ticket.key, at: at) { snapshot in
                        try ChangeRules.apply(TicketChange(status: .closed), to: snapshot, actor: .gateway, rules: mailboxRules, at: at)
                    }
                    summary.autoClosed += 1
                    logger.info("auto-closed", metadata: ["ticket": "\(ticket.key)", "after_days": "\(days)"])
                } catch let refused as ChangeRefused {
                    logger.warning("auto-close refused", metadata: ["ticket": "\(ticket.key)", "reason": "\(refused)"])
                }
            }
        }
        return summary
    }

    /// What a timer did to one request.
    private enum TimerOutcome: String {
        case reminded, escalated, expired
    }

    /// Each waiting request's reminder and expiry, recorded once with the mail the core decides.
    private func runApprovalTimers(at: Date, rules: [String: MailboxRules], domains: [String: String], summary: inout SLACheckSummary) throws {
        for ticketId in try store.dueApprovals(now: at) {
            var outcome: TimerOutcome?
            var key = "\(ticketId)"
            do {
                _ = try store.recordApprovalTimer(ticketId: ticketId, at: at) { ticket, approval in
                    key = ticket.key
                    // A ticket of a mailbox without a config file waits until the file is back.
                    guard let mailboxRules = rules[ticket.mailbox] else { return nil }
                    let timers = ApprovalTimerRules(rules: mailboxRules) { name in MessageIDGenerator.make(domain: domains[name] ?? "localhost") }
                    guard let plan = timers.due(ticket: ticket, approval: approval, at: at), let after = plan.approval else { return nil }
                    outcome = after.state == .expired ? .expired : after.escalated && !approval.escalated ? .escalated : .reminded
                    return plan
                }
            } catch {
                // One request that cannot be read must not stop the others, nor the auto-close.
                logger.error("approval timer failed; retrying on the next pass", metadata: ["ticket": "\(key)", "error": "\(error)"])
                continue
            }
            // Set only when the plan was handed back, and recorded: a failed write threw above.
            guard let outcome else { continue }
            switch outcome {
            case .expired: summary.approvalsExpired += 1
            case .escalated: summary.approvalsEscalated += 1
            case .reminded: summary.approvalReminders += 1
            }
            logger.notice("approval \(outcome.rawValue)", metadata: ["ticket": "\(key)"])
        }
    }
}
