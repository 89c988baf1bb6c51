import MailgateTestSupport
import Testing
@testable import MIME

/// The reply reader skips work for most lines; these check what the shortcuts rest on.
@Suite("Quote header shortcuts")
struct QuoteHeaderShortcutTests {
    /// Pieces lines are made of: ASCII of every kind, and non-ASCII that folding changes or drops
    /// (full-width colon and hyphen, a no-break space, a direction mark, capitals with accents).
    static let pieces: [String] = [
        "a", "Z", "0", "-", "_", "=", "*", ":", ".", ",", "!", "~", " ", "\t", "  ",
        "é", "É", "原", "：", "－", "\u{00A0}", "\u{200F}", "\u{200B}", "Ω", "Ж", "\u{0B}",
    ]
    static let printable = UInt8(0x21)...UInt8(0x7E)

    /// `separatorKind` decides from the raw ends when both are printable ASCII: that holds only
    /// if folding keeps such an end, lower-cased, at the end.
    @Test func foldingKeepsPrintableASCIIEnds() {
        var generator = SeededGenerator(seed: 0x5E9A)
        var checked = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...12, using: &generator)
            let line = Array((0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined().utf8)
            guard let first = line.first, let last = line.last, Self.printable.contains(first), Self.printable.contains(last) else {
                continue
            }
            let folded = FoldedText(line[...]).bytes
            #expect(folded.first == first.asciiLowercased && folded.last == last.asciiLowercased, "\(String(decoding: line, as: UTF8.self))")
            checked += 1
        }
        #expect(checked > 2_000, "the generator made too few lines with printable ends")
    }

    @Test("separator lines are still found, the shortcut passes them on", arguments: [
        ("-----Original Message-----", .replySeparator),
        ("---------- Forwarded message ---------", .forwardSeparator),
        ("Begin forwarded message:", .forwardSeparator),
        ("-----原始邮件-----", .replySeparator),
        ("原始邮件：", .replySeparator),
        ("Thanks for the quick answer.", nil),
        ("Original message", nil),
    ] as [(String, QuoteHeader?)])
    func separatorsAreFound(line: String, kind: QuoteHeader?) {
        let detector = QuoteHeaderDetector(lines: ReplyLines(line), isQuote: [false], isDelimiter: [false])
        #expect(detector.separatorKind(0) == kind)
    }

    @Test func everyOpenerIsFiledUnderItsFirstByte() {
        let filed = QuoteHeaderPatterns.openersByLead.enumerated().flatMap { lead, openers in
            openers.map { opener in
                #expect(opener.first == UInt8(lead))
                return opener
            }
        }
        #expect(filed.count == QuoteHeaderPatterns.openers.count)
        #expect(Set(filed) == Set(QuoteHeaderPatterns.openers))
    }
}
