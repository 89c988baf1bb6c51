/// How a mailbox picks an agent for a new ticket, stored by raw value.
public enum AssignmentStrategy: String, Sendable, Codable, CaseIterable {
    /// Nobody is picked; agents take tickets themselves.
    case manual
    /// Each candidate in turn, in configuration order.
    case roundRobin = "round_robin"
    /// The candidate with the fewest open tickets.
    case leastOpen = "least_open"
}

/// An agent as the assignment rules see them.
public struct AssignableAgent: Sendable, Equatable {
    public var address: String
    /// Away agents (holiday, sick leave) get no new tickets.
    public var away: Bool
    public var skills: Set<String>

    public init(address: String, away: Bool = false, skills: Set<String> = []) {
        self.address = address
        self.away = away
        self.skills = skills
    }
}

/// A skill a ticket needs when its text has one of the keywords or it carries one of the tags.
public struct SkillRule: Sendable, Equatable {
    public var skill: String
    public var keywords: [String]
    public var tags: [String]

    public init(skill: String, keywords: [String] = [], tags: [String] = []) {
        self.skill = skill
        self.keywords = keywords
        self.tags = tags
    }
}

/// Picks the agent for a new ticket; pure, so the store keeps only the round-robin pointer and counts.
/// Addresses, skills and tags compare case-insensitively: they come from hand-written configuration.
public enum Assignment {
    /// Skills a ticket needs: rules whose keyword appears in subject or body (case-insensitive, whole word) or whose tag the ticket has.
    public static func requiredSkills(subject: String, body: String, tags: Set<String>, rules: [SkillRule]) -> Set<String> {
        // Most mailboxes have no skill rules: lower-casing every new ticket's text for none was
        // a thirtieth of a backlog's recording time.
        guard !rules.isEmpty else { return [] }
        let text = [subject.lowercased(), body.lowercased()]
        let ticketTags = Set(tags.map { $0.lowercased() })
        var skills: Set<String> = []
        for rule in rules {
            let byTag = rule.tags.contains { ticketTags.contains($0.lowercased()) }
            let byWord = rule.keywords.contains { keyword in
                text.contains { containsWord(keyword.lowercased(), in: $0) }
            }
            if byTag || byWord { skills.insert(rule.skill) }
        }
        return skills
    }

    /// Agents who may get the ticket: not away, and having every required skill — or, when nobody has them, every agent not away (a ticket is never left unassigned for want of a skill).
    public static func candidates(_ agents: [AssignableAgent], requiredSkills: Set<String>) -> [AssignableAgent] {
        let present = agents.filter { !$0.away }
        let needed = Set(requiredSkills.map { $0.lowercased() })
        let skilled = present.filter { agent in needed.isSubset(of: Set(agent.skills.map { $0.lowercased() })) }
        return skilled.isEmpty ? present : skilled
    }

    /// Round robin: the candidate after `lastAssigned` in the configured order of `agents` (wrapping; skipping non-candidates); the first candidate when lastAssigned is nil or unknown. nil when no candidates.
    public static func roundRobin(_ candidates: [AssignableAgent], in agents: [AssignableAgent], after lastAssigned: String?) -> String? {
        let eligible = Set(candidates.map { $0.address.lowercased() })
        let order = agents.map(\.address)
        let last = lastAssigned?.lowercased()
        let start = order.firstIndex { $0.lowercased() == last }.map { $0 + 1 } ?? 0
        // Scans every agent once from the one after the pointer, so the last one assigned comes round
        // again only when they are the sole candidate.
        for step in 0..<order.count {
            let address = order[(start + step) % order.count]
            if eligible.contains(address.lowercased()) { return address }
        }
        // Candidates missing from the configuration (a caller's mistake) still get work rather than none.
        return candidates.first?.address
    }

    /// Fewest open tickets; ties go to configuration order.
    public static func leastOpen(_ candidates: [AssignableAgent], openCounts: [String: Int]) -> String? {
        let counts = Dictionary(openCounts.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
        // min(by:) keeps the first of equal elements, which is the configuration order.
        return candidates.min { counts[$0.address.lowercased(), default: 0] < counts[$1.address.lowercased(), default: 0] }?.address
    }

    /// Whole words only, so "invoice" does not match "invoices"; letters, digits and `_` make up words.
    static func containsWord(_ word: String, in text: String) -> Bool {
        guard !word.isEmpty else { return false }
        for range in text.ranges(of: word) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !isWordCharacter(before), !isWordCharacter(after) { return true }
        }
        return false
    }

    private static func isWordCharacter(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber || character == "_"
    }
}
