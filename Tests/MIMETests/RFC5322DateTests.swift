import Foundation
import MailgateTestSupport
import Testing
@testable import MIME

@Suite("RFC 5322 dates")
struct RFC5322DateTests {
    @Test(arguments: [
        ("Tue, 1 Jul 2003 10:52:37 +0200", 1_057_049_557),
        ("1 Jul 2003 10:52:37 +0200", 1_057_049_557),
        ("Tue, 01 Jul 2003 10:52:37 +0200", 1_057_049_557),
        ("Tue,  1 Jul 2003 10:52:37 +0200 (CEST)", 1_057_049_557),
        ("Tue, 1 Jul 2003 08:52:37 GMT", 1_057_049_557),
        ("Tue, 1 Jul 2003 08:52:37 UT", 1_057_049_557),
        ("Tue, 1 Jul 2003 08:52:37 UTC", 1_057_049_557),
        ("Tue, 1 Jul 2003 08:52:37 Z", 1_057_049_557),
        ("Tue, 1 Jul 2003 08:52:37 A", 1_057_049_557),               // military: +0000
        ("Tue, 1 Jul 2003 08:52:37 -0000", 1_057_049_557),
        ("Tue, 1 Jul 2003 04:52:37 EDT", 1_057_049_557),
        ("Tue, 1 Jul 2003 03:52:37 EST", 1_057_049_557),
        ("Tue, 1 Jul 2003 03:52:37 CDT", 1_057_049_557),
        ("Tue, 1 Jul 2003 02:52:37 CST", 1_057_049_557),
        ("Tue, 1 Jul 2003 02:52:37 MDT", 1_057_049_557),
        ("Tue, 1 Jul 2003 01:52:37 MST", 1_057_049_557),
        ("Tue, 1 Jul 2003 01:52:37 PDT", 1_057_049_557),
        ("Tue, 1 Jul 2003 00:52:37 PST", 1_057_049_557),
        ("Tue, 1 Jul 03 10:52:37 +0200", 1_057_049_557),              // 2-digit year < 50
        ("Tue, 1 Jul 103 10:52:37 +0200", 1_057_049_557),             // 3-digit year + 1900
        ("tue, 1 jul 2003 10:52:37 +0200", 1_057_049_557),
        ("Tue, 1 July 2003 10:52:37 +0200", 1_057_049_557),
        ("Tue Jul  1 08:52:37 2003", 1_057_049_557),                   // asctime
        ("2003-07-01 08:52:37 +0000", 1_057_049_557),
        ("1-Jul-2003 10:52:37 +0200", 1_057_049_557),
        ("Tue, 1 Jul 2003 10:52 +0200", 1_057_049_520),                // no seconds
        ("Wed, 11 Feb 98 11:51 CST", 887_219_460),
        ("Thu, 11 Apr 1996 01:10:30 -0500", 829_203_030),
        ("Mon, 21 Aug 95 13:30:57 -600", 809_033_457),
        ("Mon, 21 Aug 95 19:30:57 +000", 809_033_457),
        ("Thu, 1 Jan 1970 00:00:00 +0000", 0),
        ("Wed, 31 Dec 1969 23:59:59 +0000", -1),
        ("Thu, 29 Feb 2024 12:00:00 +0530", 1_709_188_200),
        ("Fri, 31 Dec 1999 23:59:60 +0000", 946_684_799),              // leap second
    ])
    func parses(value: String, expected: Int) {
        #expect(RFC5322Date.parse(value) == Date(timeIntervalSince1970: TimeInterval(expected)))
    }

    @Test(arguments: [
        "", "Malformed Date.", "1 Jul 2003", "31 Feb 2003 10:00:00 +0000", "1 Foo 2003 10:00:00 +0000",
        "1 Jul 2003 25:00:00 +0000", "1 Jul 2003 10:61:00 +0000", "Tue, 1 Jul 12345 10:52:37 +0200", "::::",
        "99999999999999999999 Jul 2003 10:00",
    ])
    func rejects(value: String) {
        #expect(RFC5322Date.parse(value) == nil)
    }

    @Test func formatsInUTC() {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 0)) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_057_049_557.9)) == "Tue, 1 Jul 2003 08:52:37 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1_709_208_000)) == "Thu, 29 Feb 2024 12:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
        // Absurd dates are clamped, not trapped on.
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1e300)) == "Fri, 31 Dec 9999 23:59:59 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: -1e300)) == "Mon, 1 Jan 1 00:00:00 +0000")
    }

    @Test func formatThenParseRoundTrips() {
        var generator = SeededGenerator(seed: 5322)
        for _ in 0..<1_000 {
            let seconds = Int.random(in: -2_208_988_800..<32_503_680_000, using: &generator)   // 1900...3000
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(RFC5322Date.parse(RFC5322Date.format(date)) == date)
        }
    }
}
