import HelpdeskCore
import Testing

@Suite("SLA durations")
struct SLADurationTests {
    static let parsed: [(text: String, seconds: Double?)] = [
        ("30m", 1_800), ("4h", 14_400), ("2d", 172_800), ("1h30m", 5_400), ("90s", 90),
        ("1h 30m", 5_400), ("2d 4h", 187_200), ("1d2h3m4s", 93_784), ("0m", 0), ("  45s ", 45), ("4H", 14_400),
        ("120m", 7_200),
        ("", nil), ("   ", nil), ("90", nil), ("m", nil), ("30m1h", nil), ("1h1h", nil), ("1.5h", nil), ("-1h", nil),
        ("1w", nil), ("h30", nil), ("1h30", nil), ("9999999999h", nil), ("1 h", 3_600), ("٣h", nil),
    ]

    @Test(arguments: parsed)
    func parses(row: (text: String, seconds: Double?)) {
        #expect(SLADuration.parse(row.text) == row.seconds)
    }

    static let formatted: [(seconds: Double, text: String)] = [
        (5_400, "1h 30m"), (187_200, "2d 4h"), (45, "45s"), (0, "0s"), (1_800, "30m"), (86_400, "1d"),
        (93_784, "1d 2h 3m 4s"), (59.6, "1m"), (0.4, "0s"), (-90, "-1m 30s"), (.infinity, "∞"), (.nan, "∞"),
    ]

    @Test(arguments: formatted)
    func formats(row: (seconds: Double, text: String)) {
        #expect(SLADuration.format(row.seconds) == row.text)
    }

    @Test("format's output parses back to the same number", arguments: [0, 1, 59, 60, 61, 3_599, 3_600, 86_399, 86_400, 90_061, 1_000_000])
    func roundTrips(seconds: Int) {
        #expect(SLADuration.parse(SLADuration.format(Double(seconds))) == Double(seconds))
    }
}
