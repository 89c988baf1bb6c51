import Foundation
import HelpdeskCore
import MailgateTestSupport
import Testing

/// Instants are written with their UTC offset so each row states exactly which real moment it means.
private func instant(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}

private func makeCalendar(_ zone: String, _ lines: [String], holidays: Set<String> = []) throws -> BusinessCalendar {
    let timeZone = try #require(TimeZone(identifier: zone))
    return BusinessCalendar(timeZone: timeZone, hours: try BusinessCalendar.parseHours(lines), holidays: holidays)
}

private let officeHours = ["mon-fri 09:00-17:00"]
private let overnight = ["sun 22:00-24:00", "mon 00:00-06:00"]
private let christmas: Set<String> = ["2026-12-24", "2026-12-25", "2026-12-26"]
private let hour: TimeInterval = 3_600

@Suite("Business calendar arithmetic")
struct BusinessCalendarArithmeticTests {
    typealias AddRow = (zone: String, hours: [String], holidays: Set<String>, start: String, seconds: TimeInterval, expected: String)

    static let additions: [AddRow] = [
        // Weekends
        ("Europe/Berlin", officeHours, [], "2026-03-20T16:00:00+01:00", 2 * hour, "2026-03-23T10:00:00+01:00"),
        ("Europe/Berlin", officeHours, [], "2026-03-21T12:00:00+01:00", 1 * hour, "2026-03-23T10:00:00+01:00"),
        ("Europe/Berlin", officeHours, [], "2026-03-23T07:00:00+01:00", 0, "2026-03-23T09:00:00+01:00"),
        ("Europe/Berlin", officeHours, [], "2026-03-23T17:00:00+01:00", 0, "2026-03-24T09:00:00+01:00"),
        ("Europe/Berlin", officeHours, [], "2026-03-23T16:59:59+01:00", 1, "2026-03-23T17:00:00+01:00"),
        ("Europe/Berlin", officeHours, [], "2026-03-23T16:30:00+01:00", 8 * hour, "2026-03-24T16:30:00+01:00"),
        ("Europe/Berlin", officeHours, [], "2026-03-23T12:00:00+01:00", 0, "2026-03-23T12:00:00+01:00"),
        // 30 days of business time = 18 weeks of 40 h, across the March DST change.
        ("Europe/Berlin", officeHours, [], "2026-01-05T09:00:00+01:00", 720 * hour, "2026-05-08T17:00:00+02:00"),
        // Overnight shift Sunday 22:00 to Monday 06:00
        ("Europe/Berlin", overnight, [], "2026-01-04T21:00:00+01:00", 3 * hour, "2026-01-05T01:00:00+01:00"),
        ("Europe/Berlin", overnight, [], "2026-01-04T23:00:00+01:00", 6 * hour, "2026-01-05T05:00:00+01:00"),
        ("Europe/Berlin", overnight, [], "2026-01-05T05:00:00+01:00", 2 * hour, "2026-01-11T23:00:00+01:00"),
        ("Europe/Berlin", overnight, [], "2026-01-05T06:00:00+01:00", 0, "2026-01-11T22:00:00+01:00"),
        // Holidays: Thursday to Saturday closed
        ("Europe/Berlin", officeHours, christmas, "2026-12-23T16:00:00+01:00", 2 * hour, "2026-12-28T10:00:00+01:00"),
        ("Europe/Berlin", officeHours, christmas, "2026-12-24T10:00:00+01:00", 0, "2026-12-28T09:00:00+01:00"),
        // DST Berlin: spring forward 2026-03-29 02:00→03:00, fall back 2026-10-25 03:00→02:00
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-03-28T12:00:00+01:00", 0, "2026-03-29T01:00:00+01:00"),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-03-29T00:00:00+01:00", 1.5 * hour, "2026-03-29T03:30:00+02:00"),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-03-29T00:00:00+01:00", 2 * hour, "2026-03-29T04:00:00+02:00"),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-03-29T00:00:00+01:00", 2.5 * hour, "2026-04-05T01:30:00+02:00"),
        ("Europe/Berlin", ["sun 02:30-05:00"], [], "2026-03-29T00:00:00+01:00", 0, "2026-03-29T03:00:00+02:00"),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-10-25T00:00:00+02:00", 2 * hour, "2026-10-25T02:00:00+01:00"),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-10-25T00:00:00+02:00", 3.5 * hour, "2026-10-25T03:30:00+01:00"),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-10-25T00:00:00+02:00", 4 * hour, "2026-10-25T04:00:00+01:00"),
        // DST New York: spring forward 2026-03-08 02:00→03:00, fall back 2026-11-01 02:00→01:00
        ("America/New_York", ["sun 01:00-04:00"], [], "2026-03-08T00:00:00-05:00", 1.5 * hour, "2026-03-08T03:30:00-04:00"),
        ("America/New_York", ["sun 01:00-04:00"], [], "2026-03-08T00:00:00-05:00", 2 * hour, "2026-03-08T04:00:00-04:00"),
        ("America/New_York", ["sun 01:00-04:00"], [], "2026-11-01T00:00:00-04:00", 1.5 * hour, "2026-11-01T01:30:00-05:00"),
        ("America/New_York", ["sun 01:00-04:00"], [], "2026-11-01T00:00:00-04:00", 4 * hour, "2026-11-01T04:00:00-05:00"),
        ("America/New_York", officeHours, [], "2026-03-06T16:00:00-05:00", 2 * hour, "2026-03-09T10:00:00-04:00"),
        ("America/New_York", officeHours, [], "2026-10-30T16:00:00-04:00", 2 * hour, "2026-11-02T10:00:00-05:00"),
        // 24/7
        ("Europe/Berlin", ["24/7"], [], "2026-03-28T23:00:00+01:00", 4 * hour, "2026-03-29T04:00:00+02:00"),
        ("UTC", ["24/7"], [], "2026-06-01T00:00:00Z", 0, "2026-06-01T00:00:00Z"),
        // 24/7 with a holiday takes the day-by-day path and must still count real time.
        ("Europe/Berlin", ["24/7"], ["2026-03-30"], "2026-03-28T23:00:00+01:00", 28 * hour, "2026-03-31T04:00:00+02:00"),
    ]

    @Test(arguments: additions)
    func adds(row: AddRow) throws {
        let calendar = try makeCalendar(row.zone, row.hours, holidays: row.holidays)
        let start = instant(row.start)
        let end = calendar.adding(row.seconds, to: start)
        #expect(end == instant(row.expected))
        #expect(calendar.openSeconds(from: start, to: end) == row.seconds)
    }

    typealias MeasureRow = (zone: String, hours: [String], holidays: Set<String>, from: String, to: String, expected: TimeInterval)

    static let measurements: [MeasureRow] = [
        ("Europe/Berlin", officeHours, [], "2026-03-20T16:00:00+01:00", "2026-03-23T10:00:00+01:00", 2 * hour),
        ("Europe/Berlin", officeHours, [], "2026-03-21T00:00:00+01:00", "2026-03-23T00:00:00+01:00", 0),
        ("Europe/Berlin", officeHours, [], "2026-03-23T10:00:00+01:00", "2026-03-23T09:00:00+01:00", 0),
        ("Europe/Berlin", officeHours, [], "2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 40 * hour),
        ("Europe/Berlin", overnight, [], "2026-01-04T00:00:00+01:00", "2026-01-06T00:00:00+01:00", 8 * hour),
        ("Europe/Berlin", overnight, [], "2026-01-04T23:30:00+01:00", "2026-01-05T00:30:00+01:00", 1 * hour),
        ("Europe/Berlin", officeHours, christmas, "2026-12-23T00:00:00+01:00", "2026-12-29T00:00:00+01:00", 16 * hour),
        ("Europe/Berlin", officeHours, christmas, "2026-12-24T00:00:00+01:00", "2026-12-27T00:00:00+01:00", 0),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 2 * hour),
        ("Europe/Berlin", ["sun 02:00-03:00"], [], "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 0),
        ("Europe/Berlin", ["sun 01:00-04:00"], [], "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 4 * hour),
        ("Europe/Berlin", ["sun 02:30-03:00"], [], "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 1.5 * hour),
        ("America/New_York", ["sun 01:00-04:00"], [], "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 2 * hour),
        ("America/New_York", ["sun 01:00-04:00"], [], "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", 4 * hour),
        ("America/New_York", officeHours, [], "2026-03-02T00:00:00-05:00", "2026-03-16T00:00:00-04:00", 80 * hour),
        ("Europe/Berlin", ["24/7"], [], "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 23 * hour),
        ("Europe/Berlin", ["24/7"], ["2027-01-01"], "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 25 * hour),
    ]

    @Test(arguments: measurements)
    func measures(row: MeasureRow) throws {
        let calendar = try makeCalendar(row.zone, row.hours, holidays: row.holidays)
        #expect(calendar.openSeconds(from: instant(row.from), to: instant(row.to)) == row.expected)
    }

    @Test func alwaysOpenIsPlainArithmetic() throws {
        let start = instant("2026-03-29T00:30:00+01:00")
        #expect(BusinessCalendar.alwaysOpen.isAlwaysOpen)
        #expect(try makeCalendar("Europe/Berlin", ["24/7"]).isAlwaysOpen)
        #expect(try !makeCalendar("Europe/Berlin", ["24/7"], holidays: christmas).isAlwaysOpen)
        #expect(try !makeCalendar("UTC", officeHours).isAlwaysOpen)
        #expect(BusinessCalendar.alwaysOpen.adding(12_345.5, to: start) == start.addingTimeInterval(12_345.5))
        #expect(BusinessCalendar.alwaysOpen.openSeconds(from: start, to: start.addingTimeInterval(99.25)) == 99.25)
        #expect(BusinessCalendar.alwaysOpen.adding(-5, to: start) == start)
    }

    @Test func calendarThatNeverOpens() throws {
        let start = instant("2026-01-01T00:00:00Z")
        let closed = BusinessCalendar(timeZone: .gmt, hours: [:], holidays: [])
        #expect(closed.adding(0, to: start) == .distantFuture)
        #expect(closed.adding(60, to: start) == .distantFuture)
        #expect(closed.openSeconds(from: start, to: instant("2027-01-01T00:00:00Z")) == 0)
        // Spans that are empty or on weekdays that do not exist count as no hours.
        let degenerate = BusinessCalendar(timeZone: .gmt, hours: [2: [OpeningSpan(start: 600, end: 600)], 9: [OpeningSpan(start: 0, end: 60)]], holidays: [])
        #expect(degenerate.adding(1, to: start) == .distantFuture)
        #expect(degenerate == closed)
    }

    @Test func holidaysOnEveryOpenDayOfAYear() throws {
        // Every Monday of 2026 is a holiday, so the first open hour is on 2027-01-04.
        var holidays: Set<String> = []
        for day in stride(from: 4, through: 364, by: 7) {  // 2026-01-05 is day 4 counted from 2026-01-01
            let date = instant("2026-01-01T12:00:00Z").addingTimeInterval(TimeInterval(day) * 86_400)
            holidays.insert(String(ISO8601DateFormatter().string(from: date).prefix(10)))
        }
        #expect(holidays.count == 52 && holidays.contains("2026-01-05") && holidays.contains("2026-12-28"))
        let calendar = try makeCalendar("UTC", ["mon 09:00-17:00"], holidays: holidays)
        let start = instant("2026-01-01T00:00:00Z")
        #expect(calendar.adding(hour, to: start) == instant("2027-01-04T10:00:00Z"))
        #expect(calendar.openSeconds(from: start, to: instant("2027-01-05T00:00:00Z")) == 8 * hour)
    }

    @Test func extremeInstantsDoNotHang() throws {
        let calendar = try makeCalendar("Europe/Berlin", officeHours)
        let start = instant("2026-01-05T09:00:00+01:00")
        #expect(calendar.adding(.infinity, to: start) == .distantFuture)
        #expect(calendar.adding(1e13, to: start) == .distantFuture)
        #expect(calendar.openSeconds(from: .distantFuture, to: .distantPast) == 0)
        // Ten years of office hours: about 2 610 working days of 8 h.
        let decade = calendar.openSeconds(from: start, to: instant("2036-01-05T09:00:00+01:00"))
        #expect(decade > 2_590 * 8 * hour && decade < 2_620 * 8 * hour)
    }

    @Test func equalityUsesNormalisedHours() throws {
        let a = BusinessCalendar(timeZone: .gmt, hours: [2: [OpeningSpan(start: 780, end: 1020), OpeningSpan(start: 540, end: 800)]], holidays: [])
        let b = BusinessCalendar(timeZone: .gmt, hours: [2: [OpeningSpan(start: 540, end: 1020)]], holidays: [])
        #expect(a == b)
    }
}

// MARK: - Properties over seeded random calendars


private let zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"]
private let year2026 = instant("2026-01-01T00:00:00Z").timeIntervalSince1970

/// A random calendar; `granularity` minutes for span ends (240 keeps them off every DST edge of Berlin and New York).
private func randomCalendar(_ rng: inout SeededGenerator, zones: [String], granularity: Int = 15) -> BusinessCalendar {
    let zone = zones.randomElement(using: &rng)!
    var hours: [Int: [OpeningSpan]] = [:]
    for weekday in 1...7 where Int.random(in: 0..<4, using: &rng) > 0 {
        hours[weekday] = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
            let a = Int.random(in: 0...(1440 / granularity), using: &rng) * granularity
            let b = Int.random(in: 0...(1440 / granularity), using: &rng) * granularity
            return OpeningSpan(start: min(a, b), end: max(a, b))  // may be empty: the calendar must cope
        }
    }
    var holidays: Set<String> = []
    for _ in 0..<Int.random(in: 0...20, using: &rng) {
        let date = Date(timeIntervalSince1970: year2026 + Double(Int.random(in: 0..<400, using: &rng)) * 86_400)
        holidays.insert(String(ISO8601DateFormatter().string(from: date).prefix(10)))
    }
    return BusinessCalendar(timeZone: TimeZone(identifier: zone)!, hours: hours, holidays: holidays)
}

@Suite("Business calendar properties")
struct BusinessCalendarPropertyTests {
    @Test("adding then measuring round-trips, and both are monotonic", arguments: 0..<8)
    func roundTripAndMonotonic(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<40 {
            let calendar = randomCalendar(&rng, zones: zones)
            let start = Date(timeIntervalSince1970: year2026 + Double(Int.random(in: 0..<(366 * 86_400), using: &rng)))
            var durations = (0..<4).map { _ in TimeInterval(Int.random(in: 0...(10 * 86_400), using: &rng)) }
            durations.append(0)
            durations.sort()
            let ends = durations.map { calendar.adding($0, to: start) }
            for (duration, end) in zip(durations, ends) {
                #expect(end >= start)
                // Hours on at least one day and holidays on at most a few days: always reachable.
                if end != .distantFuture {
                    #expect(calendar.openSeconds(from: start, to: end) == duration, "\(calendar) from \(start) + \(duration)")
                }
            }
            #expect(ends == ends.sorted(), "adding must not decrease as the duration grows")
            let measured = ends.filter { $0 != .distantFuture }.map { calendar.openSeconds(from: start, to: $0) }
            #expect(measured == measured.sorted())
            // Measuring is additive over any split point.
            let middle = start.addingTimeInterval(Double(Int.random(in: 0...(5 * 86_400), using: &rng)))
            let far = middle.addingTimeInterval(Double(Int.random(in: 0...(5 * 86_400), using: &rng)))
            #expect(calendar.openSeconds(from: start, to: far)
                    == calendar.openSeconds(from: start, to: middle) + calendar.openSeconds(from: middle, to: far))
        }
    }

    @Test("a calendar that remembers its days answers as a new one does, past its cache's capacity",
          arguments: ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
    func rememberedDaysAnswerTheSame(zone: String) throws {
        var rng = SeededGenerator(seed: 500)
        let hours = officeHours + ["sat 10:00-14:00", "sun 01:30-02:30"]
        let used = try makeCalendar(zone, hours, holidays: christmas)
        // Starts over 22 years: far more days than the cache holds, each asked twice (worked out, then remembered).
        let starts = (0..<1_500).map { _ in
            Date(timeIntervalSince1970: year2026 + Double(Int.random(in: -(4_000 * 86_400)...(4_000 * 86_400), using: &rng)))
        }
        for start in starts + starts.shuffled(using: &rng) {
            let duration = TimeInterval(Int.random(in: 0...(3 * 86_400), using: &rng))
            let fresh = try makeCalendar(zone, hours, holidays: christmas)  // nothing remembered yet
            #expect(used.adding(duration, to: start) == fresh.adding(duration, to: start))
            #expect(used.openSeconds(from: start, to: start.addingTimeInterval(duration))
                    == fresh.openSeconds(from: start, to: start.addingTimeInterval(duration)))
        }
        #expect(used == (try makeCalendar(zone, hours, holidays: christmas)))
    }

    @Test("openSeconds agrees with a quarter-hour brute force that reads the wall clock", arguments: 0..<4)
    func matchesBruteForce(seed: UInt64) {
        var rng = SeededGenerator(seed: 1_000 + seed)
        for _ in 0..<20 {
            let zone = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"].randomElement(using: &rng)!
            let hours = (1...7).reduce(into: [Int: [OpeningSpan]]()) { hours, weekday in
                let a = Int.random(in: 0...6, using: &rng) * 240, b = Int.random(in: 0...6, using: &rng) * 240
                if a != b { hours[weekday] = [OpeningSpan(start: min(a, b), end: max(a, b))] }
            }
            // Windows around the 2026 DST changes of both zones, and a random one.
            let anchors = ["2026-03-07T12:00:00Z", "2026-03-28T12:00:00Z", "2026-10-24T12:00:00Z", "2026-10-31T12:00:00Z"]
            let from = instant(anchors.randomElement(using: &rng)!).addingTimeInterval(Double(Int.random(in: 0..<96, using: &rng)) * 900)
            let quarters = Int.random(in: 0...(4 * 24 * 4), using: &rng)
            let holiday = String(ISO8601DateFormatter().string(from: from.addingTimeInterval(86_400)).prefix(10))
            let holidays: Set<String> = Bool.random(using: &rng) ? [holiday] : []
            let business = BusinessCalendar(timeZone: TimeZone(identifier: zone)!, hours: hours, holidays: holidays)

            var wall = Calendar(identifier: .gregorian)
            wall.timeZone = TimeZone(identifier: zone)!
            var open = 0
            for quarter in 0..<quarters {
                let moment = from.addingTimeInterval(Double(quarter) * 900)
                let parts = wall.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: moment)
                let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
                let minute = parts.hour! * 60 + parts.minute!
                if !holidays.contains(date), hours[parts.weekday!]?.contains(where: { $0.start <= minute && minute < $0.end }) == true {
                    open += 900
                }
            }
            let to = from.addingTimeInterval(Double(quarters) * 900)
            #expect(business.openSeconds(from: from, to: to) == TimeInterval(open), "\(zone) \(hours) \(holidays) \(from)…\(to)")
        }
    }
}

@Suite("Opening hours syntax")
struct OpeningHoursSyntaxTests {
    private static func span(_ start: Int, _ end: Int) -> OpeningSpan { OpeningSpan(start: start * 60, end: end * 60) }
    private static let nineToFive = [span(9, 17)]
    private static let allDay = [span(0, 24)]

    typealias GoodRow = (lines: [String], expected: [Int: [OpeningSpan]])

    static let good: [GoodRow] = [
        (["mon-fri 09:00-17:00"], [2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive, 6: nineToFive]),
        (["Mon - Fri 9:00 - 17:00"], [2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive, 6: nineToFive]),
        (["sat 10:00-14:00"], [7: [span(10, 14)]]),
        (["mon,wed 08:00-12:00 13:00-17:00"], [2: [span(8, 12), span(13, 17)], 4: [span(8, 12), span(13, 17)]]),
        (["monday, wednesday 08:00-12:00, 13:00-17:00"], [2: [span(8, 12), span(13, 17)], 4: [span(8, 12), span(13, 17)]]),
        (["24/7"], [1: allDay, 2: allDay, 3: allDay, 4: allDay, 5: allDay, 6: allDay, 7: allDay]),
        (["sun 22:00-24:00", "mon 00:00-06:00"], [1: [span(22, 24)], 2: [span(0, 6)]]),
        (["fri-mon 10:00-11:30"], [6: [OpeningSpan(start: 600, end: 690)], 7: [OpeningSpan(start: 600, end: 690)],
                                   1: [OpeningSpan(start: 600, end: 690)], 2: [OpeningSpan(start: 600, end: 690)]]),
        (["mon-fri 09:00-12:00", "mon 11:00-18:00"], [2: [span(9, 18)], 3: [span(9, 12)], 4: [span(9, 12)], 5: [span(9, 12)], 6: [span(9, 12)]]),
        (["tue 13:00-17:00 08:00-12:00 12:00-13:00"], [3: [span(8, 17)]]),
        (["thu-thu 00:00-24:00"], [5: allDay]),
        ([], [:]),
        (["", "   "], [:]),
    ]

    @Test(arguments: good)
    func parses(row: GoodRow) throws {
        #expect(try BusinessCalendar.parseHours(row.lines) == row.expected)
    }

    typealias BadRow = (line: String, reasonContains: String)

    static let bad: [BadRow] = [
        ("mon-fri", "no opening times"),
        ("09:00-17:00", "start with the days"),
        ("funday 09:00-17:00", "unknown day \"funday\""),
        ("mon fri 09:00-17:00", "separate days with commas"),
        ("mon-fri 17:00-09:00", "overnight shift as two spans"),
        ("mon 10:00-10:00", "ends before it starts"),
        ("mon 9-17", "not a time like 09:00"),
        ("mon 09:00-25:00", "not a time like 17:00"),
        ("mon 09:60-10:00", "not a time like 09:00"),
        ("mon 24:00-24:00", "cannot start at 24:00"),
        ("mon 09:00", "not a time span"),
        ("mon 09:00-10:00-11:00", "not a time span"),
        ("mon-fri-sat 09:00-17:00", "not a day or a range"),
        ("mon,,tue 09:00-10:00", "a day is missing"),
        ("24/7 mon", "start with the days"),
    ]

    @Test(arguments: bad)
    func rejects(row: BadRow) {
        #expect {
            try BusinessCalendar.parseHours(["mon 08:00-09:00", row.line])
        } throws: { error in
            guard let error = error as? CalendarSyntaxError else { return false }
            return error.text == row.line && error.reason.contains(row.reasonContains)
                && error.description.contains(row.line)
        }
    }
}
