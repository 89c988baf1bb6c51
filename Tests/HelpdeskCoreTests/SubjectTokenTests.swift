import HelpdeskCore
import Testing

@Suite("Subject tokens")
struct SubjectTokenTests {
    static let cases: [(subject: String, expected: [String])] = [
        ("[SUPP-42] Printer on fire", ["SUPP-42"]),
        ("Re: [SUPP-42] Printer on fire", ["SUPP-42"]),
        ("RE: AW: Fwd: [SUPP-7] x", ["SUPP-7"]),
        ("[#SUPP-9] hash form", ["SUPP-9"]),
        ("[ supp-3 ] spaces and case", ["SUPP-3"]),
        ("tail token [SUPP-12]", ["SUPP-12"]),
        ("two [SUPP-1] and [SUPP-2]", ["SUPP-1", "SUPP-2"]),
        ("repeated [SUPP-1] [SUPP-1]", ["SUPP-1"]),
        ("[[SUPP-5] nested bracket", ["SUPP-5"]),
        ("other prefix [SALES-4]", []),
        ("no brackets SUPP-4", []),
        ("[SUPP-0] zero is not a ticket", []),
        ("[SUPP-] no number", []),
        ("[SUPP-12a] junk", []),
        ("[SUPP-99999999999999] too long", []),
        ("unclosed [SUPP-4", []),
        ("", []),
        ("回复: [SUPP-8] 打印机", ["SUPP-8"]),
    ]

    @Test("finds keys of configured prefixes only", arguments: cases)
    func finds(subject: String, expected: [String]) {
        #expect(SubjectToken.keys(in: subject, prefixes: ["SUPP"]).map(\.description) == expected)
    }

    @Test func tagsOnce() {
        let key = TicketKey(prefix: "SUPP", number: 3)
        #expect(SubjectToken.tagged("Printer", with: key) == "[SUPP-3] Printer")
        #expect(SubjectToken.tagged("Re: [SUPP-3] Printer", with: key) == "Re: [SUPP-3] Printer")
        #expect(SubjectToken.tagged("  ", with: key) == "[SUPP-3]")
    }

    @Test("tagging then reading gives the key back", arguments: 1...200)
    func roundTrip(seed: Int) {
        var generator = SplitMix(seed: UInt64(seed))
        let words = ["Re:", "AW:", "printer", "[x]", "[", "]", "☃", "SUPP", "-", "#"]
        let subject = (0..<Int(generator.next() % 6)).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
        let key = TicketKey(prefix: "SUPP", number: Int(generator.next() % 100_000) + 1)
        #expect(SubjectToken.keys(in: SubjectToken.tagged(subject, with: key), prefixes: ["SUPP"]).contains(key))
    }
}

@Suite("Ticket keys")
struct TicketKeyTests {
    @Test(arguments: [("SUPP-1", "SUPP-1"), ("supp-12", "SUPP-12"), ("A1B-3", "A1B-3")])
    func parses(text: String, expected: String) {
        #expect(TicketKey(text)?.description == expected)
    }

    @Test(arguments: ["SUPP", "-1", "S-1", "1SUPP-1", "SUPP-x", "SUPP--1", "SÜPP-1", "SUPP-0"])
    func rejects(text: String) {
        #expect(TicketKey(text) == nil)
    }
}

/// A tiny seeded generator so property tests repeat exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
