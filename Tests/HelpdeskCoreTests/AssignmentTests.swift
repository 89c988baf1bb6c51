import HelpdeskCore
import Testing

@Suite("Assignment")
struct AssignmentTests {
    static let ana = AssignableAgent(address: "ana@example.test", skills: ["billing"])
    static let ben = AssignableAgent(address: "ben@example.test", skills: ["billing", "german"])
    static let cleo = AssignableAgent(address: "cleo@example.test")

    @Test func strategiesHaveStableRawValues() {
        #expect(AssignmentStrategy.allCases.map(\.rawValue) == ["manual", "round_robin", "least_open"])
    }

    @Test func roundRobinSharesNineTicketsEvenly() {
        let agents = [Self.ana, Self.ben, Self.cleo]
        var pointer: String?
        var order: [String] = []
        for _ in 0..<9 {
            let picked = Assignment.roundRobin(Assignment.candidates(agents, requiredSkills: []), in: agents, after: pointer)
            order.append(picked ?? "none")
            pointer = picked
        }
        #expect(order == Array(repeating: agents.map(\.address), count: 3).flatMap { $0 })
        #expect(Dictionary(grouping: order, by: { $0 }).mapValues(\.count) == Dictionary(uniqueKeysWithValues: agents.map { ($0.address, 3) }))
    }

    @Test func roundRobinSkipsAnAwayAgent() {
        var away = Self.ben
        away.away = true
        let agents = [Self.ana, away, Self.cleo]
        let candidates = Assignment.candidates(agents, requiredSkills: [])
        #expect(candidates == [Self.ana, Self.cleo])
        #expect(Assignment.roundRobin(candidates, in: agents, after: "ana@example.test") == "cleo@example.test")
        #expect(Assignment.roundRobin(candidates, in: agents, after: "cleo@example.test") == "ana@example.test")
        // The pointer may rest on someone who has since gone away: the next one in order follows.
        #expect(Assignment.roundRobin(candidates, in: agents, after: "ben@example.test") == "cleo@example.test")
    }

    @Test func roundRobinStartsAtTheFirstCandidate() {
        let agents = [Self.ana, Self.ben, Self.cleo]
        let candidates = [Self.ben, Self.cleo]
        #expect(Assignment.roundRobin(candidates, in: agents, after: nil) == "ben@example.test")
        #expect(Assignment.roundRobin(candidates, in: agents, after: "gone@example.test") == "ben@example.test")
        #expect(Assignment.roundRobin(candidates, in: agents, after: "CLEO@example.test") == "ben@example.test")
        #expect(Assignment.roundRobin([Self.cleo], in: agents, after: "cleo@example.test") == "cleo@example.test")
        #expect(Assignment.roundRobin([], in: agents, after: "ana@example.test") == nil)
    }

    @Test func skillsFilterWithFallback() {
        var awayCleo = AssignableAgent(address: "cleo@example.test", skills: ["german"])
        awayCleo.away = true
        let agents = [Self.ana, Self.ben, awayCleo]
        #expect(Assignment.candidates(agents, requiredSkills: ["billing"]) == [Self.ana, Self.ben])
        #expect(Assignment.candidates(agents, requiredSkills: ["Billing", "german"]) == [Self.ben])
        // Only the away agent speaks French: fall back to everyone present rather than nobody.
        #expect(Assignment.candidates(agents, requiredSkills: ["french"]) == [Self.ana, Self.ben])
        #expect(Assignment.candidates(agents, requiredSkills: []) == [Self.ana, Self.ben])
        #expect(Assignment.candidates([awayCleo], requiredSkills: ["german"]).isEmpty)
    }

    static let rules = [
        SkillRule(skill: "billing", keywords: ["invoice", "credit card", ""], tags: ["payments"]),
        SkillRule(skill: "german", keywords: ["rechnung"], tags: ["DE"]),
    ]

    static let skillCases: [(subject: String, body: String, tags: Set<String>, expected: Set<String>)] = [
        ("Invoice 12", "", [], ["billing"]),
        ("Where are my invoices?", "", [], []),
        ("Re: INVOICE!", "", [], ["billing"]),
        ("pre-invoice question", "", [], ["billing"]),
        ("invoice_12", "", [], []),
        ("reinvoice", "", [], []),
        ("Question", "The invoice.", [], ["billing"]),
        ("Hello", "My Credit Card was charged twice", [], ["billing"]),
        ("Hello", "credit cards", [], []),
        ("Frage", "Meine Rechnung fehlt", [], ["german"]),
        ("Invoice / Rechnung", "", [], ["billing", "german"]),
        ("Hello", "", ["payments"], ["billing"]),
        ("Hello", "", ["de"], ["german"]),
        ("Hello", "nothing to see", ["other"], []),
    ]

    @Test(arguments: skillCases)
    func requiredSkills(row: (subject: String, body: String, tags: Set<String>, expected: Set<String>)) {
        #expect(Assignment.requiredSkills(subject: row.subject, body: row.body, tags: row.tags, rules: Self.rules) == row.expected)
    }

    @Test func leastOpenPrefersFewestThenConfigurationOrder() {
        let agents = [Self.ana, Self.ben, Self.cleo]
        #expect(Assignment.leastOpen(agents, openCounts: ["ana@example.test": 4, "ben@example.test": 2, "cleo@example.test": 3]) == "ben@example.test")
        #expect(Assignment.leastOpen(agents, openCounts: ["ana@example.test": 2, "ben@example.test": 2, "cleo@example.test": 2]) == "ana@example.test")
        #expect(Assignment.leastOpen(agents, openCounts: ["ana@example.test": 5, "ben@example.test": 1, "cleo@example.test": 1]) == "ben@example.test")
        // No count means no open tickets.
        #expect(Assignment.leastOpen(agents, openCounts: ["ana@example.test": 1, "ben@example.test": 1]) == "cleo@example.test")
        #expect(Assignment.leastOpen(agents, openCounts: ["ANA@example.test": 9, "ben@example.test": 1]) == "cleo@example.test")
        #expect(Assignment.leastOpen([], openCounts: [:]) == nil)
    }
}
