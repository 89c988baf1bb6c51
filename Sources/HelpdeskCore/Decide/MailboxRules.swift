public import Foundation

/// What the rules need to know of one mailbox: its agents, key prefix, assignment, strangers
/// policy and SLA policy. Built from the mailbox's config file at the edge.
public struct MailboxRules: Sendable, Equatable {
    public var name: String
    public var keyPrefix: String
    /// Agents in configuration order, addresses lower-cased, with the names the config gives.
    public var agents: [Correspondent]
    public var assignment: AssignmentPlan
    /// What a follow-up from someone who is neither participant nor agent becomes.
    public var strangers: StrangerPolicy
    /// Its service levels, or nil when the mailbox has none.
    public var sla: SLAPolicy?
    /// Which new tickets wait for approval; nil when none do.
    public var approvals: ApprovalPolicy?
    /// The most an agent's public reply may carry to the requester in files, in bytes.
    public var outgoingAttachmentLimit = MailboxRules.defaultOutgoingAttachmentLimit

    /// How long a hard bounce stops automatic mail to the address.
    public var hardBouncePause: TimeInterval = MailboxRules.defaultHardBouncePause
    /// How many automatic mails one address and one ticket may get.
    public var loopCaps = LoopCaps.standard

    /// 60 days: long enough that a dead address stops costing reputation, short enough that one
    /// that comes back (a full mailbox, a renamed domain) is tried again.
    public static let defaultHardBouncePause: TimeInterval = 60 * 86_400
    /// 20 MB: what the large mail providers accept once base64 has grown it by a third.
    public static let defaultOutgoingAttachmentLimit = 20 << 20

    public init(
        name: String, keyPrefix: String, agents: [Correspondent] = [], assignment: AssignmentPlan = .manual,
        strangers: StrangerPolicy = .newTicket, sla: SLAPolicy? = nil
    ) {
        self.name = name
        self.keyPrefix = keyPrefix
        self.agents = agents
        self.assignment = assignment
        self.strangers = strangers
        self.sla = sla
    }

    public func isAgent(_ address: String) -> Bool {
        let wanted = address.lowercased()
        return agents.contains { $0.address == wanted }
    }

    /// The agent with this address, with their configured name (an address the config does not
    /// list is returned as it is, without a name).
    public func agent(address: String) -> Correspondent {
        let wanted = address.lowercased()
        return agents.first { $0.address == wanted } ?? Correspondent(address: wanted)
    }

    /// `dana@example.com`, or `dana` when exactly one agent's address starts with `dana@`.
    public func agentAddress(_ reference: String) -> String? {
        let wanted = reference.lowercased()
        if isAgent(wanted) { return wanted }
        guard !wanted.contains("@") else { return nil }
        let matches = agents.filter { $0.address.hasPrefix(wanted + "@") }
        return matches.count == 1 ? matches.first?.address : nil
    }
}

/// How a mailbox assigns new tickets.
public struct AssignmentPlan: Sendable, Equatable {
    public var strategy: AssignmentStrategy
    public var agents: [AssignableAgent]
    public var rules: [SkillRule]

    public init(strategy: AssignmentStrategy, agents: [AssignableAgent], rules: [SkillRule]) {
        self.strategy = strategy
        self.agents = agents
        self.rules = rules
    }

    /// Nobody is picked automatically.
    public static let manual = AssignmentPlan(strategy: .manual, agents: [], rules: [])
}

/// Where a mailbox's automatic assignment stands: read by the store, used by the rules.
public struct AssignmentState: Sendable, Equatable {
    /// The agent round robin gave the last ticket to.
    public var lastAssignee: String?
    /// Open tickets per assignee (only read for `least_open`).
    public var openCounts: [String: Int]

    public init(lastAssignee: String? = nil, openCounts: [String: Int] = [:]) {
        self.lastAssignee = lastAssignee
        self.openCounts = openCounts
    }

    /// The agent `plan` picks for a ticket needing `skills`, or nil (manual, nobody fits).
    public func pick(_ plan: AssignmentPlan, skills: Set<String>) -> String? {
        let candidates = Assignment.candidates(plan.agents, requiredSkills: skills)
        switch plan.strategy {
        case .manual: return nil
        case .roundRobin: return Assignment.roundRobin(candidates, in: plan.agents, after: lastAssignee)
        case .leastOpen: return Assignment.leastOpen(candidates, openCounts: openCounts)
        }
    }
}
