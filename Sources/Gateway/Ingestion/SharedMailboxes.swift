import HelpdeskCore

/// What every mailbox's pipeline knows about all the mailboxes, built once per configuration and
/// shared (copy-on-write) by the pipelines: with one copy each, 200 mailboxes held 200 × 200
/// entries, 120 MB of a 147 MB heap.
struct SharedMailboxes: Sendable {
    let configs: [String: MailboxConfig]
    let rules: [String: MailboxRules]
    /// Mail from any of our own addresses is never answered automatically.
    let policy: AutoReplyPolicy
    let knownPrefixes: Set<String>
    let domains: [String: String]
    let strategies: [String: AssignmentStrategy]
    /// Which organisation a requester belongs to (organizations.yaml).
    let organizations: OrganizationDirectory

    init(_ mailboxes: [MailboxConfig], organizations: OrganizationDirectory = .empty) {
        self.organizations = organizations
        configs = Dictionary(mailboxes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        rules = configs.mapValues(\.rules)
        policy = AutoReplyPolicy(ownAddresses: Set(mailboxes.map(\.address)))
        knownPrefixes = Set(mailboxes.map(\.keyPrefix))
        domains = configs.mapValues(\.domain)
        strategies = configs.mapValues(\.assignment)
    }
}
