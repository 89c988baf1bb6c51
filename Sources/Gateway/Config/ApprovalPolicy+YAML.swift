import Foundation
import HelpdeskCore

extension ApprovalPolicy {
    static let knownFields = ["remind_after", "expire_after", "on_expiry", "rules"]
    static let ruleFields = ["name", "keywords", "tags", "all", "approvers", "chain", "remind_after", "expire_after", "on_expiry"]

    /// The `approvals:` section of a mailbox file; every problem names its field.
    static func parse(_ fields: YAMLFields) throws(ConfigError) -> ApprovalPolicy {
        try fields.rejectUnknown(knownFields)
        let remind = try duration(fields, "remind_after") ?? 86_400
        let expire = try duration(fields, "expire_after") ?? 3 * 86_400
        let onExpiry = try self.onExpiry(fields) ?? .cancel
        var rules: [ApprovalRule] = []
        for entry in try fields.list("rules") {
            try entry.rejectUnknown(ruleFields)
            let name = try entry.optionalString("name") ?? "rule \(rules.count + 1)"
            let keywords = try entry.stringList("keywords")
            let tags = try entry.stringList("tags").map { $0.lowercased() }
            var all = false
            if let text = try entry.optionalString("all") {
                guard let value = Bool(text.lowercased()) else { throw entry.error("all", "expected true or false") }
                all = value
            }
            let given = [all, !keywords.isEmpty, !tags.isEmpty].filter { $0 }.count
            guard given == 1 else {
                throw entry.error(given == 0 ? "keywords" : "all", given == 0
                    ? "missing; say which tickets need approval: keywords: [laptop, refund] (whole words in a new ticket's subject or body), tags: [purchase] (given by an agent), or all: true"
                    : "give one of keywords, tags or all: true, not several")
            }
            let match: ApprovalRule.Match = all ? .all : !keywords.isEmpty ? .keywords(keywords) : .tags(tags)
            let approvers = try self.approvers(entry)
            let ruleRemind = try duration(entry, "remind_after") ?? remind
            let ruleExpire = try duration(entry, "expire_after") ?? expire
            guard ruleRemind < ruleExpire else {
                throw entry.error("remind_after", "the reminder (\(SLADuration.format(ruleRemind))) must come before the expiry (\(SLADuration.format(ruleExpire)))")
            }
            rules.append(ApprovalRule(
                name: name, match: match, approvers: approvers, remindAfter: ruleRemind, expireAfter: ruleExpire,
                onExpiry: try self.onExpiry(entry) ?? onExpiry))
        }
        guard !rules.isEmpty else { throw fields.error("rules", "missing; list at least one rule (keywords or all, and approvers or chain)") }
        return ApprovalPolicy(rules: rules)
    }

    /// `approvers: manager`, `approvers: [a@x, b@y]` (any one decides) or `chain: [a@x, b@y]`.
    private static func approvers(_ entry: YAMLFields) throws(ConfigError) -> ApprovalRule.Approvers {
        let hint = "write approvers: manager (the requester's), approvers: [a@example.com, b@example.com] (any one decides) or chain: [first@…, second@…]"
        switch (entry.has("approvers"), entry.has("chain")) {
        case (true, true): throw entry.error("chain", "give approvers or chain, not both")
        case (false, false): throw entry.error("approvers", "missing; \(hint)")
        case (false, true):
            let list = try addresses(entry, "chain")
            guard list.count >= 2 else { throw entry.error("chain", "a chain needs two approvers or more; for one, write approvers: [\(list.first ?? "a@example.com")]") }
            return .chain(list)
        case (true, false):
            let list = try entry.stringList("approvers")
            if list.count == 1, list[0].lowercased() == "manager" { return .manager }
            guard !list.isEmpty else { throw entry.error("approvers", "empty; \(hint)") }
            return .anyOf(try addresses(entry, "approvers"))
        }
    }

    private static func addresses(_ entry: YAMLFields, _ key: String) throws(ConfigError) -> [String] {
        let list = try entry.stringList(key)
        for address in list where !MailboxConfig.isPlausibleAddress(address) {
            throw entry.error(key, "'\(address)' is not an email address (or 'manager' alone)")
        }
        return list.map { $0.lowercased() }
    }

    private static func duration(_ fields: YAMLFields, _ key: String) throws(ConfigError) -> TimeInterval? {
        guard let text = try fields.optionalString(key) else { return nil }
        guard let value = SLADuration.parse(text), value > 0 else { throw fields.error(key, "'\(text)' is not a duration; write e.g. 4h, 1d or 2d 12h") }
        return value
    }

    private static func onExpiry(_ fields: YAMLFields) throws(ConfigError) -> ApprovalRule.OnExpiry? {
        guard let text = try fields.optionalString("on_expiry") else { return nil }
        guard let value = ApprovalRule.OnExpiry(rawValue: text.lowercased()) else {
            throw fields.error("on_expiry", "'\(text)' is not one of cancel (the ticket is cancelled) or escalate (the agents decide)")
        }
        return value
    }
}
