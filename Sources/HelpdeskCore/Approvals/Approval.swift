public import Foundation

/// A ticket's request for approval as the store keeps it: who decides, where it stands, and its
/// timers. One per ticket.
public struct Approval: Sendable, Codable, Equatable {
    /// Where the request stands.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Waiting for the current approver(s).
        case pending
        case approved
        case rejected
        /// Nobody decided in time and the ticket was cancelled.
        case expired
        /// The ticket left the wait another way: an agent cancelled it, an admin opened it.
        case withdrawn
    }

    /// How the approvers decide.
    public enum Mode: String, Sendable, Codable {
        /// Any one of them.
        case any
        /// Each in order.
        case chain
    }

    public var ticketId: Int64
    /// The rule that asked for it.
    public var rule: String
    public var mode: Mode
    /// Lower-cased addresses, in order.
    public var approvers: [String]
    /// In a chain, the index of the approver deciding now.
    public var step: Int
    public var state: State
    public var requestedAt: Date
    /// When the current approver(s) are reminded; nil once they were.
    public var remindAt: Date?
    public var expiresAt: Date
    /// The rule's times, for each step of a chain and for an escalation.
    public var remindAfter: TimeInterval
    public var expireAfter: TimeInterval
    /// What the expiry does.
    public var onExpiry: ApprovalRule.OnExpiry
    /// Whether an expiry handed the request to the agents.
    public var escalated: Bool
    public var decidedAt: Date?
    public var decidedBy: String?
    /// A rejection's reason.
    public var reason: String?
    /// What the requester asked for (their first message's new text), for every approver's mail.
    public var request: String

    /// A new request under `rule`, made `now`; `request` is kept to 20,000 characters.
    public init(ticketId: Int64, rule: ApprovalRule, mode: Mode, approvers: [String], request: String, at now: Date) {
        self.init(
            ticketId: ticketId, rule: rule.name, mode: mode, approvers: approvers, requestedAt: now, remindAt: now.addingTimeInterval(rule.remindAfter),
            expiresAt: now.addingTimeInterval(rule.expireAfter), remindAfter: rule.remindAfter, expireAfter: rule.expireAfter, onExpiry: rule.onExpiry,
            request: request.count > 20_000 ? String(request.prefix(20_000)) + "\n[…]\n" : request)
    }

    public init(
        ticketId: Int64, rule: String, mode: Mode, approvers: [String], step: Int = 0, state: State = .pending, requestedAt: Date,
        remindAt: Date?, expiresAt: Date, remindAfter: TimeInterval, expireAfter: TimeInterval, onExpiry: ApprovalRule.OnExpiry,
        escalated: Bool = false, decidedAt: Date? = nil, decidedBy: String? = nil, reason: String? = nil, request: String = ""
    ) {
        self.request = request
        self.remindAfter = remindAfter
        self.expireAfter = expireAfter
        self.onExpiry = onExpiry
        self.ticketId = ticketId
        self.rule = rule
        self.mode = mode
        self.approvers = approvers
        self.step = step
        self.state = state
        self.requestedAt = requestedAt
        self.remindAt = remindAt
        self.expiresAt = expiresAt
        self.escalated = escalated
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.reason = reason
    }

    /// Who may decide now: everyone (any), or the chain's current approver.
    public var current: [String] {
        switch mode {
        case .any: approvers
        case .chain: step < approvers.count ? [approvers[step]] : []
        }
    }

    /// Whether `address` may decide now.
    public func mayDecide(_ address: String) -> Bool {
        state == .pending && current.contains(address.lowercased())
    }
}

/// What approval mail says of the request: its rule, where a chain stands, when it expires,
/// and who decided what.
public struct ApprovalFacts: Sendable, Equatable, Codable {
    public var rule: String
    /// 1-based step of a chain, and how many steps it has (1 and 1 for "any one decides").
    public var step: Int
    public var steps: Int
    public var expiresAt: Date
    /// Who decided (for granted and rejected mail).
    public var decidedBy: String?
    public var reason: String?

    public init(_ approval: Approval) {
        rule = approval.rule
        step = approval.mode == .chain ? min(approval.step, max(approval.approvers.count - 1, 0)) + 1 : 1
        steps = approval.mode == .chain ? approval.approvers.count : 1
        expiresAt = approval.expiresAt
        decidedBy = approval.decidedBy
        reason = approval.reason
    }
}
