public import HelpdeskCore

extension MailboxConfig {
    /// What the core's rules need of this mailbox.
    public var rules: MailboxRules {
        var rules = MailboxRules(
            name: name, keyPrefix: keyPrefix, agents: agents.map { Correspondent(address: $0.email, name: $0.name) },
            assignment: AssignmentPlan(strategy: assignment, agents: assignableAgents, rules: skillRules),
            strangers: strangers, sla: sla)
        rules.outgoingAttachmentLimit = outgoingAttachmentLimit
        rules.hardBouncePause = delivery.hardBouncePause
        rules.loopCaps = delivery.loopCaps
        rules.approvals = approvals
        return rules
    }
}
