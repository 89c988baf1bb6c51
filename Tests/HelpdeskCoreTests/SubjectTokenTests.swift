import HelpdeskCore
import MailgateTestSupport
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
        // Reply and forward prefixes of common mail clients, one each
        ("RE: [SUPP-101] x", ["SUPP-101"]),
        ("Fwd: [SUPP-102] x", ["SUPP-102"]),
        ("FW: [SUPP-103] x", ["SUPP-103"]),
        ("AW: [SUPP-104] x", ["SUPP-104"]),
        ("WG: [SUPP-105] x", ["SUPP-105"]),
        ("SV: [SUPP-106] x", ["SUPP-106"]),
        ("VS: [SUPP-107] x", ["SUPP-107"]),
        ("Antw: [SUPP-108] x", ["SUPP-108"]),
        ("Doorst: [SUPP-109] x", ["SUPP-109"]),
        ("RIF: [SUPP-110] x", ["SUPP-110"]),
        ("Odp: [SUPP-111] x", ["SUPP-111"]),
        ("回覆: [SUPP-112] x", ["SUPP-112"]),
        ("转发: [SUPP-113] x", ["SUPP-113"]),
        ("Ответ: [SUPP-114] x", ["SUPP-114"]),
        ("Re[2]: [SUPP-115] x", ["SUPP-115"]),
        ("Re[2]:[SUPP-116] no space", ["SUPP-116"]),
        ("回复：[SUPP-117] full-width colon", ["SUPP-117"]),
        // Chains, with and without "#"
        ("Re: Fwd: AW: WG: SV: VS: [SUPP-120] x", ["SUPP-120"]),
        ("RE: RE: RE: [#SUPP-121] x", ["SUPP-121"]),
        ("回复: 转发: Re[3]: [#SUPP-122] x", ["SUPP-122"]),
        ("Antw: Doorst: RIF: Odp: Ответ: [#SUPP-123] x", ["SUPP-123"]),
        ("Re: [External] AW: [#SUPP-124] x", ["SUPP-124"]),
        // Middle, end, case
        ("Printer [SUPP-130] is on fire", ["SUPP-130"]),
        ("Re: printer on fire [#SUPP-131]", ["SUPP-131"]),
        ("Re: [supp-132] lower case", ["SUPP-132"]),
        ("AW: [#Supp-133] mixed case", ["SUPP-133"]),
        ("Fwd: [#SALES-134] unconfigured prefix", []),
    ]

    @Test("finds keys of configured prefixes only", arguments: cases)
    func finds(subject: String, expected: [String]) {
        #expect(SubjectToken.keys(in: subject, prefixes: ["SUPP"]).map(\.description) == expected)
    }

    static let twoPrefixCases: [(subject: String, expected: [String])] = [
        ("Re: [SALES-4] Fwd: [SUPP-9] quote", ["SALES-4", "SUPP-9"]),
        ("[SUPP-1] [SALES-2] [BILL-3]", ["SUPP-1", "SALES-2"]),
        ("AW: [#sales-5] WG: [#supp-6]", ["SALES-5", "SUPP-6"]),
        ("[BILL-7] only an unconfigured prefix", []),
        ("回复: [SUPP-8] [SALES-8] same number, two tickets", ["SUPP-8", "SALES-8"]),
    ]

    @Test("keys of two configured prefixes, in order", arguments: twoPrefixCases)
    func twoPrefixes(subject: String, expected: [String]) {
        #expect(SubjectToken.keys(in: subject, prefixes: ["SUPP", "SALES"]).map(\.description) == expected)
    }

    static let replyPrefixes = [
        "Re:", "RE:", "Fwd:", "FW:", "AW:", "WG:", "SV:", "VS:", "Antw:", "Doorst:", "RIF:", "Odp:",
        "回复:", "回覆:", "转发:", "Ответ:", "Re[2]:",
    ]

    @Test("any chain of reply prefixes keeps the key and tagging adds nothing", arguments: 1...200)
    func replyChains(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &+ 1_000)
        let chain = (0..<Int(generator.next() % 5)).map { _ in Self.replyPrefixes[Int(generator.next() % UInt64(Self.replyPrefixes.count))] }
        let key = TicketKey(prefix: "SUPP", number: Int(generator.next() % 100_000) + 1)
        let token = (generator.next() % 2 == 0 ? "#" : "") + (generator.next() % 2 == 0 ? "\(key)" : "\(key)".lowercased())
        let subject = (chain + ["[\(token)]", "Printer on fire"]).joined(separator: " ")
        #expect(SubjectToken.keys(in: subject, prefixes: ["SUPP"]) == [key], "\(subject)")
        #expect(SubjectToken.tagged(subject, with: key) == subject)
    }

    @Test func tagsOnce() {
        let key = TicketKey(prefix: "SUPP", number: 3)
        #expect(SubjectToken.tagged("Printer", with: key) == "[SUPP-3] Printer")
        #expect(SubjectToken.tagged("Re: [SUPP-3] Printer", with: key) == "Re: [SUPP-3] Printer")
        #expect(SubjectToken.tagged("  ", with: key) == "[SUPP-3]")
    }

    @Test("tagging then reading gives the key back", arguments: 1...200)
    func roundTrip(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
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

