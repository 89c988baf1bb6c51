import Testing
@testable import MIME

/// RFC 3492 Punycode against the RFC's own samples (section 7.1), checked with Python's
/// `"…".encode("punycode")`.
@Suite("Punycode")
struct PunycodeTests {
    static let samples: [(label: String, unicode: String, punycode: String)] = [
        ("A Arabic (Egyptian)", "\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}",
         "egbpdaj6bu4bxfgehfvwxn"),
        ("B Chinese (simplified)", "他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("C Chinese (traditional)", "他們爲什麽不說中文", "ihqwctvzc91f659drss3x8bo0yb"),
        ("D Czech", "Pročprostěnemluvíčesky", "Proprostnemluvesky-uyb24dma41a"),
        ("G Japanese", "なぜみんな日本語を話してくれないのか", "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"),
        ("J Spanish", "PorquénopuedensimplementehablarenEspañol", "PorqunopuedensimplementehablarenEspaol-fmd56a"),
        ("L 3年B組金八先生", "3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ("O ひとつ屋根の下2", "ひとつ屋根の下2", "2-u9tlzr9756bt3uc0v"),
        ("Q パフィーdeルンバ", "パフィーdeルンバ", "de-jg4avhby1noc0d"),
        ("R そのスピードで", "そのスピードで", "d9juau41awczczp"),
        ("S ASCII only", "-> $1.00 <-", "-> $1.00 <--"),
    ]

    @Test(arguments: samples.map(\.label))
    func encodesAndDecodesTheRFCSamples(label: String) throws {
        let sample = try #require(Self.samples.first { $0.label == label })
        #expect(Punycode.encode(sample.unicode) == sample.punycode)
        #expect(Punycode.decode(sample.punycode) == sample.unicode)
    }

    @Test func decodesDigitsInEitherCase() {
        #expect(Punycode.decode("BCHER-KVA") == "BüCHER")
        #expect(Punycode.decode("bcher-KVA") == "bücher")
    }

    @Test(arguments: [
        "bcher-kv!",   // not a digit
        "bcher-k",     // ends inside a number
        "ü-kva",       // a non-ASCII basic part
        "99999999999", // a number that never ends, then overflows
    ])
    func refusesMalformedInput(input: String) {
        #expect(Punycode.decode(input) == nil)
    }

    @Test func roundTripsEveryKindOfLabel() {
        for text in ["bücher", "münchen", "中文", "日本語", "العربية", "испытание", "한국", "a", "ü", String(repeating: "ü", count: 40)] {
            #expect(Punycode.encode(text).flatMap(Punycode.decode) == text, "\(text)")
        }
    }
}

/// Domains as people write them → their A-label form. Expected A-labels checked with Python's
/// `"…".encode("idna")`.
@Suite("IDNA domains")
struct IDNATests {
    @Test(arguments: [
        ("bücher.example", "xn--bcher-kva.example"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("中文.example", "xn--fiq228c.example"),
        ("日本語.jp", "xn--wgv71a119e.jp"),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
        ("العربية.example", "xn--mgbcd4a2b0d2b.example"),
        ("испытание.рф", "xn--80akhbyknj4f.xn--p1ai"),
        ("한국.example", "xn--3e0b707e.example"),
        ("mañana.com", "xn--maana-pta.com"),
        // Upper case: lower-cased, ASCII and not.
        ("Bücher.Example", "xn--bcher-kva.example"),
        ("EXAMPLE.Test", "example.test"),
        ("MÜNCHEN.DE", "xn--mnchen-3ya.de"),
        // Decomposed input is composed first (NFC).
        ("bu\u{308}cher.example", "xn--bcher-kva.example"),
        // The other full stops separate labels too.
        ("日本語\u{3002}jp", "xn--wgv71a119e.jp"),
        ("bücher\u{FF0E}example", "xn--bcher-kva.example"),
        ("bücher\u{FF61}example", "xn--bcher-kva.example"),
        // A-labels as written are kept (lower-cased).
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("XN--BCHER-KVA.Example", "xn--bcher-kva.example"),
        ("mail_relay.bücher.example", "mail_relay.xn--bcher-kva.example"),
        // 63 octets exactly.
        ("ü" + String(repeating: "a", count: 55), "xn--" + String(repeating: "a", count: 55) + "-oxf"),
    ])
    func convertsToASCII(domain: String, ascii: String) {
        #expect(IDNA.asciiDomain(domain) == ascii)
    }

    @Test(arguments: [
        ("xn--bcher-kva.example", "bücher.example"),
        ("Bu\u{308}cher.example", "bücher.example"),
        ("xn--80akhbyknj4f.xn--p1ai", "испытание.рф"),
        ("example.test", "example.test"),
    ])
    func convertsToUnicode(domain: String, unicode: String) {
        #expect(IDNA.unicodeDomain(domain) == unicode)
    }

    @Test(arguments: [
        ("", "empty"),
        ("bücher..example", "empty label"),
        (".bücher.example", "empty first label"),
        ("bücher.example.", "empty last label"),
        ("bü cher.example", "space"),
        ("bü\u{3000}cher.example", "ideographic space"),
        ("bü\u{1}cher.example", "control"),
        ("bü\u{7F}cher.example", "DEL"),
        ("bü@cher.example", "@"),
        ("bü<cher>.example", "angle brackets"),
        ("bü(cher).example", "parentheses"),
        ("bü[cher].example", "brackets"),
        ("bü,cher.example", "comma"),
        ("bü;cher.example", "semicolon"),
        ("bü:cher.example", "colon"),
        ("bü\"cher.example", "quote"),
        ("bü\\cher.example", "backslash"),
        ("bü!cher.example", "exclamation mark"),
        ("☃.example", "a symbol"),
        ("bücher\u{2022}.example", "a bullet (punctuation)"),
        ("ｂücher.example", "a full-width letter (NFKC changes it)"),
        ("-bücher.example", "leading hyphen"),
        ("bücher-.example", "trailing hyphen"),
        ("bü--cher.example", "hyphens in positions 3 and 4"),
        ("\u{301}bücher.example", "a combining mark first"),
        ("ü" + String(repeating: "a", count: 56), "an A-label of 64 octets"),
        (String(repeating: "a", count: 64) + ".example", "an ASCII label of 64 octets"),
        (Array(repeating: String(repeating: "a", count: 62), count: 4).joined(separator: ".") + ".ü", "a name over 253 octets"),
        ("xn---.example", "an A-label that is not Punycode"),
        ("xn--abc-.example", "an A-label that decodes to ASCII"),
        ("xn--bcher-kva!.example", "an A-label with a symbol"),
    ])
    func refuses(domain: String, why: String) {
        #expect(IDNA.asciiDomain(domain) == nil, "\(why)")
        #expect(IDNA.unicodeDomain(domain) == nil, "\(why)")
    }
}
