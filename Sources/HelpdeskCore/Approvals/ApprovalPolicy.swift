public import Foundation

/// Which new tickets of a mailbox wait for a manager's yes, who gives it, and for how long.
public struct ApprovalRule: Sendable, Equatable {
    /// Which new tickets the rule takes.
    public enum Match: Sendable, Equatable {
        /// Every new ticket.
        case all
        /// A ticket whose subject or body has one of these words (whole words, any case).
        case keywords([String])
        /// A ticket given one of these tags (any case) while it has had no request yet: a new
        /// ticket carries no tags, so an agent's `#tag` (or `tickets update --tag`) holds it.
        case tags([String])
    }

    /// Who decides.
    public enum Approvers: Sendable, Equatable {
        /// The requester's managers (their own, else their organisation's); any one decides.
        case manager
        /// Any one of these addresses decides.
        case anyOf([String])
        /// Each of these in order: a yes passes the request on, a no ends it.
        case chain([String])
    }

    /// What happens when nobody decided in time.
    public enum OnExpiry: String, Sendable, Equatable, Codable, CaseIterable {
        /// The ticket is cancelled and the requester told.
        case cancel
        /// The mailbox's agents become the approvers (any one decides) and are asked.
        case escalate
    }

    /// Names the rule in history and mail (`hardware`).
    public var name: String
    public var match: Match
    public var approvers: Approvers
    /// When the approver is reminded, once, after the request.
    public var remindAfter: TimeInterval
    /// When the request expires, after it was made.
    public var expireAfter: TimeInterval
    public var onExpiry: OnExpiry

    public init(
        name: String, match: Match, approvers: Approvers, remindAfter: TimeInterval = 86_400, expireAfter: TimeInterval = 3 * 86_400,
        onExpiry: OnExpiry = .cancel
    ) {
        self.name = name
        self.match = match
        self.approvers = approvers
        self.remindAfter = remindAfter
        self.expireAfter = expireAfter
        self.onExpiry = onExpiry
    }

    /// Whether a new ticket with this subject and body needs this rule's approval.
    public func matches(subject: String, body: String) -> Bool {
        switch match {
        case .all: return true
        case .keywords(let words):
            let text = (subject + "\n" + body).lowercased()
            return words.contains { Assignment.containsWord($0.lowercased(), in: text) }
        case .tags: return false
        }
    }

    /// Whether giving a ticket `tags` calls for this rule's approval.
    public func matches(addedTags tags: [String]) -> Bool {
        guard case .tags(let wanted) = match else { return false }
        let given = Set(tags.map { $0.lowercased() })
        return wanted.contains { given.contains($0.lowercased()) }
    }

    /// The request for approval this rule makes of `requester`'s ticket `now`, or nil (with why)
    /// when nobody can decide. Approvers: the rule's, without the requester; with none left,
    /// the mailbox's `agents` (any one), said so in `note`.
    public func request(
        requester: String, contact: Contact?, organizations: OrganizationDirectory, agents: [String], text: String, at now: Date
    ) -> (approval: Approval?, note: String?) {
        var mode = Approval.Mode.any
        var list: [String]
        switch approvers {
        case .manager: list = organizations.managers(of: requester, contact: contact)
        case .anyOf(let addresses): list = addresses
        case .chain(let addresses):
            list = addresses
            mode = .chain
        }
        // Nobody approves their own request; the order of a chain is kept.
        var seen: Set<String> = []
        let own = requester.lowercased()
        list = list.map { $0.lowercased() }.filter { $0 != own && seen.insert($0).inserted }
        var note: String?
        if list.isEmpty {
            list = agents.filter { $0 != own }
            mode = .any
            guard !list.isEmpty else { return (nil, "rule \(name) matched, but nobody can approve (no manager for \(requester), no agents): not held") }
            note = "no approver for \(requester) under rule \(name): the agents decide"
        }
        return (Approval(ticketId: 0, rule: self, mode: mode, approvers: list, request: text, at: now), note)
    }
}

/// A mailbox's approval rules, in order: the first that matches a new ticket holds it.
public struct ApprovalPolicy: Sendable, Equatable {
    public var rules: [ApprovalRule]

    public init(rules: [ApprovalRule]) {
        self.rules = rules
    }

    public func rule(subject: String, body: String) -> ApprovalRule? {
        rules.first { $0.matches(subject: subject, body: body) }
    }

    /// The first tag rule that `tags`, just given to a ticket, call for.
    public func rule(addedTags tags: [String]) -> ApprovalRule? {
        rules.first { $0.matches(addedTags: tags) }
    }
}
