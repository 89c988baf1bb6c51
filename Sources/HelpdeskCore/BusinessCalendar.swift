public import Foundation
import Synchronization

/// Opening hours on one weekday, local wall-clock minutes since midnight; `end` may be 1440; an
/// overnight shift is written as two spans on two days.
public struct OpeningSpan: Sendable, Equatable, Codable {
    /// Minutes since local midnight when the span opens (0...1439).
    public var start: Int
    /// Minutes since local midnight when the span closes (1...1440); must be after `start`.
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// When the clock of an SLA runs: always (24/7), or opening hours per weekday in an IANA time zone minus holidays.
public struct BusinessCalendar: Sendable, Equatable {
    /// The 24/7 calendar: every second counts.
    public static let alwaysOpen = BusinessCalendar(
        timeZone: .gmt,
        hours: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [OpeningSpan(start: 0, end: 1440)]) }),
        holidays: []
    )

    public let timeZone: TimeZone
    /// Normalised: weekdays 1...7 only, spans clamped to 0...1440, sorted, merged, no empty spans or days.
    let hours: [Int: [OpeningSpan]]
    let holidays: Set<String>
    /// Holidays as local day numbers (days since 1970-01-01), so the per-day loop does no string work.
    let closedDays: Set<Int>
    /// Each local day's open intervals once worked out: a day costs a dozen time-zone lookups,
    /// and every ticket of a backlog asks for the same few days. Shared by copies; not compared.
    private let dayCache = DayIntervalCache()

    /// weekday: 1 = Sunday … 7 = Saturday (Calendar's numbering); holidays: local dates "YYYY-MM-DD" (whole days closed).
    /// Spans are normalised (clamped, merged); weekdays outside 1...7 and unreadable holiday dates are ignored.
    public init(timeZone: TimeZone, hours: [Int: [OpeningSpan]], holidays: Set<String>) {
        self.timeZone = timeZone
        var normalised: [Int: [OpeningSpan]] = [:]
        for (weekday, spans) in hours where (1...7).contains(weekday) {
            let merged = Self.merge(spans)
            if !merged.isEmpty { normalised[weekday] = merged }
        }
        self.hours = normalised
        self.holidays = holidays
        self.closedDays = Set(holidays.compactMap(CivilDate.init(isoDate:)).map(\.dayNumber))
    }

    public static func == (a: BusinessCalendar, b: BusinessCalendar) -> Bool {
        a.timeZone == b.timeZone && a.hours == b.hours && a.holidays == b.holidays
    }

    /// True when every second counts, so arithmetic is plain subtraction and addition.
    public var isAlwaysOpen: Bool {
        closedDays.isEmpty && (1...7).allSatisfy { hours[$0] == [OpeningSpan(start: 0, end: 1440)] }
    }

    /// The instant that is `seconds` of open time after `start` (if `start` is outside opening hours, counting begins at the next opening). seconds == 0 → the first open instant at or after start.
    /// Negative `seconds` count as 0; a calendar that never opens (or a result past `Date.distantFuture`) gives `Date.distantFuture`.
    public func adding(_ seconds: TimeInterval, to start: Date) -> Date {
        let limit = Date.distantFuture.timeIntervalSince1970
        let from = start.timeIntervalSince1970
        guard !seconds.isNaN, !from.isNaN else { return .distantFuture }
        var remaining = max(0, seconds)
        if isAlwaysOpen { return from + remaining >= limit ? .distantFuture : start.addingTimeInterval(remaining) }
        // Open time never outruns real time, so a result this far out is past the limit anyway.
        guard !hours.isEmpty, from + remaining < limit else { return .distantFuture }

        var cursor = from  // everything before the cursor is spent; overlapping intervals are not counted twice
        var day = localDayNumber(of: from) - 1  // the previous day's spans may run past local midnight
        while true {
            for (open, close) in intervals(onDay: day) where close > cursor {
                let begin = max(open, cursor)
                if remaining <= close - begin { return Date(timeIntervalSince1970: begin + remaining) }
                remaining -= close - begin
                cursor = close
            }
            day += 1
            // Local midnight of `day` is at least 18 h before its UTC midnight; past the limit nothing can open.
            if Double(day) * 86_400 - 86_400 > limit { return .distantFuture }
        }
    }

    /// Open time between two instants (0 when end <= start).
    public func openSeconds(from start: Date, to end: Date) -> TimeInterval {
        let from = start.timeIntervalSince1970, to = end.timeIntervalSince1970
        guard to > from else { return 0 }
        if isAlwaysOpen { return to - from }
        guard !hours.isEmpty else { return 0 }

        var total: TimeInterval = 0
        var cursor = from
        let firstDay = localDayNumber(of: from) - 1
        // A fall-back across midnight can put `to` on an earlier wall day than real time suggests; one spare day.
        let lastDay = max(localDayNumber(of: to), firstDay) + 1
        for day in firstDay...lastDay {
            for (open, close) in intervals(onDay: day) where close > cursor {
                if open >= to { return total }
                total += min(close, to) - max(open, cursor)
                cursor = close
                if cursor >= to { return total }
            }
        }
        return total
    }

    /// Parses "mon-fri 09:00-17:00", "sat 10:00-14:00", "mon,wed 08:00-12:00 13:00-17:00", "24/7" into hours; throws a clear message on bad input.
    /// Day ranges run forward and may wrap ("fri-mon"); full day names work too; spans on the same day are merged;
    /// blank lines are skipped.
    public static func parseHours(_ lines: [String]) throws(CalendarSyntaxError) -> [Int: [OpeningSpan]] {
        var result: [Int: [OpeningSpan]] = [:]
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let (weekdays, spans) = try parseLine(trimmed)
            for weekday in weekdays { result[weekday, default: []] += spans }
        }
        return result.mapValues(merge)
    }
}

/// Why a line of opening hours could not be read; `text` is the line as written.
public struct CalendarSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public var description: String { "bad opening hours \"\(text)\": \(reason)" }
}

// MARK: - Wall clock to instants

extension BusinessCalendar {
    /// The open intervals (instants as seconds since 1970) of one local day, sorted by start.
    func intervals(onDay day: Int) -> [(TimeInterval, TimeInterval)] {
        if let known = dayCache.intervals(onDay: day) { return known }
        let found = computeIntervals(onDay: day)
        dayCache.remember(found, onDay: day)
        return found
    }

    private func computeIntervals(onDay day: Int) -> [(TimeInterval, TimeInterval)] {
        if closedDays.contains(day) { return [] }
        guard let spans = hours[CivilDate.weekday(ofDayNumber: day)] else { return [] }
        let midnight = day * 86_400
        return spans.compactMap { span in
            let open = instant(forLocal: midnight + span.start * 60, isEnd: false)
            let close = instant(forLocal: midnight + span.end * 60, isEnd: true)
            // A span lying wholly inside a spring-forward gap has no real time.
            return close > open ? (TimeInterval(open), TimeInterval(close)) : nil
        }
    }

    /// The local day (days since 1970-01-01 on the wall calendar) that contains an instant.
    func localDayNumber(of seconds: TimeInterval) -> Int {
        // Clamp to distantPast...distantFuture so extreme or infinite dates neither trap nor loop for ages.
        let clamped = min(max(seconds.rounded(.down), Date.distantPast.timeIntervalSince1970),
                          Date.distantFuture.timeIntervalSince1970)
        let utc = Int(clamped)
        return Self.floorDiv(utc + offset(at: utc), 86_400)
    }

    /// The instant of a local wall time (seconds since 1970 as if the wall clock were UTC).
    /// Repeated times give the first occurrence for starts and the last for ends, so a fall-back day's span
    /// includes the repeated hour twice; skipped times give the first instant after the gap.
    /// Offsets come straight from the zone (rather than Calendar's date(from:)) so both rules are explicit.
    func instants(forLocal wall: Int) -> [Int] {
        // Offsets in force up to a day either side cover every zone's offset range (|offset| < 1 day).
        let candidates = Set([offset(at: wall - 86_400), offset(at: wall), offset(at: wall + 86_400)])
        return candidates.map { wall - $0 }.filter { offset(at: $0) == wall - $0 }.sorted()
    }

    func instant(forLocal wall: Int, isEnd: Bool) -> Int {
        let found = instants(forLocal: wall)
        if let first = found.first, let last = found.last { return isEnd ? last : first }
        // In a gap: the earliest instant whose wall time is at or after `wall` is the transition itself.
        let candidates = [offset(at: wall - 86_400), offset(at: wall), offset(at: wall + 86_400)]
        var low = wall - (candidates.max() ?? 0)  // wall time before `wall`
        var high = wall - (candidates.min() ?? 0)  // wall time after `wall`
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(at: middle) >= wall { high = middle } else { low = middle }
        }
        return high
    }

    func offset(at seconds: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Clamps to 0...1440, drops empty spans, sorts and merges overlapping or touching spans.
    static func merge(_ spans: [OpeningSpan]) -> [OpeningSpan] {
        let cleaned = spans
            .map { OpeningSpan(start: min(max($0.start, 0), 1440), end: min(max($0.end, 0), 1440)) }
            .filter { $0.end > $0.start }
            .sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        var merged: [OpeningSpan] = []
        for span in cleaned {
            if let last = merged.last, span.start <= last.end {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }
}

// MARK: - Parsing opening hours

extension BusinessCalendar {
    private static let dayNames: [String: Int] = [
        "sun": 1, "sunday": 1, "mon": 2, "monday": 2, "tue": 3, "tuesday": 3, "wed": 4, "wednesday": 4,
        "thu": 5, "thursday": 5, "fri": 6, "friday": 6, "sat": 7, "saturday": 7,
    ]

    private static func parseLine(_ line: String) throws(CalendarSyntaxError) -> ([Int], [OpeningSpan]) {
        func fail(_ reason: String) -> CalendarSyntaxError { CalendarSyntaxError(text: line, reason: reason) }
        if line == "24/7" { return (Array(1...7), [OpeningSpan(start: 0, end: 1440)]) }

        // Days are the words before the first token starting with a digit, so "mon, wed" and "mon - fri" read too.
        let tokens = line.split(whereSeparator: \.isWhitespace).map(String.init)
        let dayCount = tokens.firstIndex { $0.first?.isNumber == true } ?? tokens.count
        guard dayCount > 0 else { throw fail("start with the days, e.g. \"mon-fri 09:00-17:00\"") }
        guard dayCount < tokens.count else {
            throw fail("no opening times after the days; write e.g. \"mon-fri 09:00-17:00\" (or leave a closed day out)")
        }
        let weekdays = try parseDays(tokens[..<dayCount].joined(separator: " "), fail: fail)

        // Allow spaces around "-" and commas between spans.
        let spanText = tokens[dayCount...].joined(separator: " ")
            .replacingOccurrences(of: " -", with: "-").replacingOccurrences(of: "- ", with: "-")
        let spanTokens = spanText.split { $0.isWhitespace || $0 == "," }
        var spans: [OpeningSpan] = []
        for token in spanTokens {
            let ends = token.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2 else { throw fail("\"\(token)\" is not a time span like 09:00-17:00") }
            guard let start = minutes(ends[0]) else { throw fail("\"\(ends[0])\" is not a time like 09:00") }
            guard start < 1440 else { throw fail("a span cannot start at 24:00; write the next day from 00:00") }
            guard let end = minutes(ends[1]) else { throw fail("\"\(ends[1])\" is not a time like 17:00 (24:00 for midnight)") }
            guard end > start else {
                throw fail("\"\(token)\" ends before it starts; write an overnight shift as two spans, e.g. \"fri 22:00-24:00\" and \"sat 00:00-06:00\"")
            }
            spans.append(OpeningSpan(start: start, end: end))
        }
        return (weekdays, spans)
    }

    private static func parseDays(
        _ text: String, fail: (String) -> CalendarSyntaxError
    ) throws(CalendarSyntaxError) -> [Int] {
        var weekdays: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard bounds.count <= 2 else { throw fail("\"\(item.trimmingCharacters(in: .whitespaces))\" is not a day or a range like mon-fri") }
            var numbers: [Int] = []
            for name in bounds {
                guard let number = dayNames[name] else {
                    throw fail(name.isEmpty
                        ? "a day is missing in \"\(text)\""
                        : "unknown day \"\(name)\" (use mon, tue, wed, thu, fri, sat, sun; separate days with commas)")
                }
                numbers.append(number)
            }
            // A range runs forward through the week and may wrap: fri-mon is fri, sat, sun, mon.
            var day = numbers[0]
            weekdays.append(day)
            while day != numbers[numbers.count - 1] {
                day = day % 7 + 1
                weekdays.append(day)
            }
        }
        return weekdays
    }

    /// "9:00", "09:00", "24:00" → minutes since midnight.
    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), minute < 60 else { return nil }
        let total = hour * 60 + minute
        return total <= 1440 ? total : nil
    }
}

// MARK: - Civil dates

/// A proleptic Gregorian date; day numbers make stepping through local days plain integer arithmetic.
struct CivilDate: Equatable {
    var year: Int, month: Int, day: Int

    /// "YYYY-MM-DD", validated (no 2026-02-30).
    init?(isoDate text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return nil }
        self.init(year: year, month: month, day: day)
        guard CivilDate(dayNumber: dayNumber) == self else { return nil }
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = BusinessCalendar.floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = BusinessCalendar.floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: dayOfYear - (153 * mp + 2) / 5 + 1)
    }

    /// 1 = Sunday … 7 = Saturday; 1970-01-01 was a Thursday.
    static func weekday(ofDayNumber day: Int) -> Int {
        (day + 4) - BusinessCalendar.floorDiv(day + 4, 7) * 7 + 1
    }
}
