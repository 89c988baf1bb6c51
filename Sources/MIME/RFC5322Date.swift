public import Foundation

/// Dates in mail headers (RFC 5322 section 3.3, with the obsolete forms of section 4.3), parsed
/// and formatted with plain calendar arithmetic: no DateFormatter, no locale, no time zone database.
public enum RFC5322Date {
    /// Parses `[day-of-week ,] day month year hour:minute[:second] [zone] [(comment)]`, also 2- and
    /// 3-digit years, obsolete zone names and asctime-like orders; nil when the date cannot be read.
    public static func parse(_ value: String) -> Date? {
        canonical(value) ?? lenient(value)
    }

    /// Any form `parse` reads, token by token.
    static func lenient(_ value: String) -> Date? {
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (hour: Int, minute: Int, second: Int)?
        var zone: Int?

        for token in tokens(value) {
            // `as Character` picks the standard library's search; the String overload is
            // Foundation's, which bridges to NSString and costs more than the rest of the parse.
            if token.contains(":" as Character) {
                if time == nil, let parsed = parseTime(token) {
                    time = parsed.time
                    if zone == nil, let offset = parsed.zone { zone = offset }
                }
                continue
            }
            if let iso = isoDate(token) {
                // QUIRK: some scripts write "2003-07-01 10:52:37"; the intent is unambiguous.
                (year, month, day) = (iso.year, iso.month, iso.day)
                continue
            }
            if let first = token.first, first == "+" || first == "-" {
                if time != nil, zone == nil, let offset = numericZone(token) { zone = offset }
                continue
            }
            if token.allSatisfy(\.isNumber) {
                guard token.count <= 4, let number = Int(token) else { return nil }
                if token.count <= 2, day == nil, year == nil, (1...31).contains(number) {
                    day = number
                } else if year == nil {
                    year = fullYear(number, digits: token.count)
                } else {
                    return nil
                }
                continue
            }
            if token.allSatisfy(\.isLetter) {
                let lower = token.lowercased()
                if month == nil, let found = monthNumber(lower) {
                    month = found
                } else if time != nil, zone == nil, let offset = zoneNames[lower] {
                    zone = offset
                } else if time != nil, zone == nil, lower.count == 1 {
                    zone = 0   // military zones: RFC 5322 section 4.3 says treat as -0000
                }
                continue
            }
        }
        guard let day, let month, let year, let time else { return nil }
        return date(day: day, month: month, year: year, time: time, zone: zone ?? 0)
    }

    /// `[Www, ]D Mmm YYYY HH:MM[:SS] +HHMM [(comment)]`, the form nearly every mailer writes, read
    /// straight from its bytes; nil for anything else, which `lenient` then reads. It gives what
    /// `lenient` gives for the same text (a property test holds it to that), without splitting
    /// into tokens grapheme by grapheme.
    static func canonical(_ value: String) -> Date? {
        var text = value
        return text.withUTF8 { bytes -> Date? in
            var reader = CanonicalDateReader(bytes: bytes)
            guard let fields = reader.read() else { return nil }
            return date(day: fields.day, month: fields.month, year: fields.year, time: fields.time, zone: fields.zone)
        }
    }

    /// The instant the fields name, or nil when they name none (a 31 April, an hour 24).
    private static func date(day: Int, month: Int, year: Int, time: (hour: Int, minute: Int, second: Int), zone: Int) -> Date? {
        guard (1900...9999).contains(year), day <= daysIn(month: month, year: year),
              time.hour < 24, time.minute < 60, time.second <= 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + time.hour * 3_600 + time.minute * 60 + min(time.second, 59) - zone
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Formats `date` as `Tue, 1 Jul 2003 08:52:37 +0000` (UTC).
    public static func format(_ date: Date) -> String {
        // Clamped to years 1...9999 so an absurd Date cannot trap the conversion to Int.
        let interval = date.timeIntervalSince1970
        let clamped = interval.isNaN ? 0 : min(max(interval, -62_135_596_800), 253_402_300_799)
        let total = Int(clamped.rounded(.down))
        let days = floorDivide(total, 86_400)
        let secondsOfDay = total - days * 86_400
        let (year, month, day) = civilFromDays(days)
        let weekday = ((days % 7) + 7 + 4) % 7   // 1970-01-01 was a Thursday
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(secondsOfDay / 3_600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60))"
        return "\(weekdayNames[weekday]), \(day) \(monthNames[month - 1]) \(year) \(time) +0000"
    }

    // MARK: Tokens

    /// Splits at whitespace and commas, drops comments, and splits "1-Jul-2003" style dates.
    private static func tokens(_ value: String) -> [Substring] {
        var cleaned = value
        // Most dates carry no comment: skip the character-by-character copy (slow: grapheme breaking).
        if value.utf8.contains(ASCII.leftParen) || value.utf8.contains(ASCII.rightParen) {
            cleaned = ""
            var depth = 0
            for character in value {
                switch character {
                case "(": depth += 1
                case ")": depth = max(0, depth - 1)
                default: if depth == 0 { cleaned.append(character) }
                }
            }
        }
        var result: [Substring] = []
        for piece in cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" || $0 == "\n" }) {
            // "1-Jul-2003": dashes between a number and a month name.
            if piece.contains("-" as Character), piece.first != "-", piece.contains(where: \.isLetter), !piece.contains(":" as Character) {
                result += piece.split(separator: "-")
            } else if let dot = piece.firstIndex(of: "."), piece.first?.isLetter == true, !piece.contains(":" as Character) {
                result.append(piece[..<dot])   // "Jul." abbreviations
            } else {
                result.append(piece)
            }
        }
        return result
    }

    /// "2003-07-01" → its parts.
    private static func isoDate(_ token: Substring) -> (year: Int, month: Int, day: Int)? {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return (year, month, day)
    }

    /// "10:52", "10:52:37", "10:52:37.123", "10:52:37+0200".
    private static func parseTime(_ token: Substring) -> (time: (Int, Int, Int), zone: Int?)? {
        var text = token
        var zone: Int?
        if let sign = text.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            zone = numericZone(text[sign...])
            text = text[..<sign]
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        guard let hour = Int(parts[0]), let minute = Int(parts[1]), parts[0].count <= 2, parts[1].count == 2 else {
            return nil
        }
        var second = 0
        if parts.count == 3 {
            let whole = parts[2].prefix { $0.isNumber }
            guard whole.count == 2, let parsed = Int(whole) else { return nil }
            second = parsed
        }
        return ((hour, minute, second), zone)
    }

    /// "+0200", "-0500", "+02:00", "+02", and the obsolete "-600" (H MM) → seconds east of UTC.
    private static func numericZone(_ token: Substring) -> Int? {
        guard let sign = token.first, sign == "+" || sign == "-" else { return nil }
        let digits = token.dropFirst().filter { $0 != ":" }
        guard digits.allSatisfy(\.isNumber), (2...4).contains(digits.count), let number = Int(digits) else {
            return nil
        }
        // QUIRK: RFC 5322 3.3 wants 4 digits, but old mailers wrote "-600" for -06:00.
        let (hours, minutes) = digits.count >= 3 ? (number / 100, number % 100) : (number, 0)
        guard hours <= 23, minutes < 60 else { return nil }
        let offset = hours * 3_600 + minutes * 60
        return sign == "-" ? -offset : offset
    }

    private static func fullYear(_ number: Int, digits: Int) -> Int {
        switch digits {
        case 1, 2: number < 50 ? 2000 + number : 1900 + number   // RFC 5322 section 4.3
        case 3: 1900 + number
        default: number
        }
    }

    private static func monthNumber(_ lower: String) -> Int? {
        guard lower.count >= 3 else { return nil }
        for (index, name) in fullMonthNames.enumerated() where name.hasPrefix(lower) { return index + 1 }
        // "Sept" and the like: compare the first three letters.
        let prefix = lower.prefix(3)
        for (index, name) in fullMonthNames.enumerated() where name.hasPrefix(prefix) && lower.count <= 4 {
            return index + 1
        }
        return nil
    }

    /// Obsolete zone names (RFC 5322 section 4.3) and a few that real mailers still write.
    private static let zoneNames: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0,
        "est": -5 * 3_600, "edt": -4 * 3_600, "cst": -6 * 3_600, "cdt": -5 * 3_600,
        "mst": -7 * 3_600, "mdt": -6 * 3_600, "pst": -8 * 3_600, "pdt": -7 * 3_600,
        "bst": 3_600, "cet": 3_600, "cest": 2 * 3_600, "met": 3_600, "mest": 2 * 3_600,
        "eet": 2 * 3_600, "eest": 3 * 3_600, "wet": 0, "west": 3_600, "jst": 9 * 3_600,
    ]

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let fullMonthNames = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]

    // MARK: Calendar arithmetic (proleptic Gregorian, after Howard Hinnant's algorithms)

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// Days since 1970-01-01 of a civil date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date (proleptic Gregorian) of a day count since 1970-01-01 (Howard Hinnant's
    /// civil_from_days).
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
