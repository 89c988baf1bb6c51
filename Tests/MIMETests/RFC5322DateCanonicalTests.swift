import Foundation
import MailgateTestSupport
import Testing
@testable import MIME

/// The byte-level reading of the usual date form must agree with the token reading wherever it
/// answers, and answer for the usual form itself.
@Suite("RFC 5322 dates: the usual form read from its bytes")
struct RFC5322DateCanonicalTests {
    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "tue", "SAT"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "jul", "DEC"]

    /// A date as mailers write it, with the variations of the form and, sometimes, one that
    /// leaves it (which `canonical` must refuse or read the same way).
    static func date(_ generator: inout SeededGenerator) -> String {
        func pick(_ values: [String]) -> String { values.randomElement(using: &generator)! }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = Int.random(in: 0...32, using: &generator)
        let dayText = Bool.random(using: &generator) ? "\(day)" : two(day)
        let year = pick(["2003", "1999", "2026", "1899", "0999", "03", "9999", "20031"])
        let hour = Int.random(in: 0...25, using: &generator)
        let minute = Int.random(in: 0...60, using: &generator)
        let second = Int.random(in: 0...61, using: &generator)
        let time = "\(two(hour)):\(two(minute))" + (Bool.random(using: &generator) ? ":\(two(second))" : "")
        let zone = pick(["+0000", "-0000", "+0200", "-0530", "+2400", "+0160", "+02", "GMT", "-600", "+1345"])
        let space = pick([" ", " ", " ", "  ", "\t", ", ", "\r\n "])
        var text = (Bool.random(using: &generator) ? pick(weekdays) + "," + space : "")
            + dayText + space + pick(months) + space + year + space + time + space + zone
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: text += " (CEST)"
        case 1: text += "(UTC)"
        case 2: text += " (a (nested) comment)"
        case 3: text += " 2005"
        case 4: text = " " + text + "  "
        case 5: text += " (é)"
        default: break
        }
        return text
    }

    @Test func agreesWithTheTokenReading() {
        var generator = SeededGenerator(seed: 0xDA7E)
        var answered = 0
        for _ in 0..<20_000 {
            let text = Self.date(&generator)
            guard let fast = RFC5322Date.canonical(text) else { continue }
            answered += 1
            #expect(fast == RFC5322Date.lenient(text), "\(text.debugDescription)")
        }
        #expect(answered > 2_000, "too few generated dates had the usual form")
    }

    @Test("the usual form is read from its bytes", arguments: [
        "Tue, 1 Jul 2003 10:52:37 +0200",
        "1 Jul 2003 10:52 -0000",
        "Mon, 30 Nov 2026 23:59:60 +1345 (NZDT)",
    ])
    func usualFormIsRead(text: String) {
        #expect(RFC5322Date.canonical(text) != nil)
        #expect(RFC5322Date.canonical(text) == RFC5322Date.lenient(text))
    }

    @Test("other forms are left to the token reading", arguments: [
        "Tue, 1 Jul 2003 08:52:37 GMT", "Tue, 1 Jul 03 10:52:37 +0200", "Jul, 1 Feb 2003 10:52:37 +0200",
        "Tue, 1 July 2003 10:52:37 +0200", "2003-07-01 10:52:37", "Tue, 1 Jul 2003 10:52:37 +0200 2005",
        "Tue, 1 Jul 2003\r\n 10:52:37 +0200", "Tue, 1 Jul 2003 10:52:37 +2500", "Tue, 1 Jul 2003 10:52:37 +0200 (a (b) c)",
    ])
    func otherFormsAreLeft(text: String) {
        #expect(RFC5322Date.canonical(text) == nil)
    }
}
