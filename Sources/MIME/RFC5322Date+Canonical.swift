/// Reads `[Www, ]D Mmm YYYY HH:MM[:SS] +HHMM [(comment)]` from a date's bytes, all or nothing:
/// any other byte or order gives nil, so the token-by-token reading decides those dates.
/// Only ASCII, and only spaces and tabs between fields, where the token reading could differ
/// (it keeps a CR LF together as one character, and drops comments at any depth).
struct CanonicalDateReader {
    let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// What the date names, before the calendar checks `RFC5322Date` makes.
    struct Fields {
        var day: Int
        var month: Int
        var year: Int
        var time: (hour: Int, minute: Int, second: Int)
        var zone: Int
    }

    /// The fields, or nil unless the whole text is the usual form.
    mutating func read() -> Fields? {
        skipSpace()
        // A day name is one of the seven, with its comma: another word there could be a month.
        if index < bytes.count, bytes[index].isASCIILetter {
            guard index + 3 < bytes.count, Self.isWeekday(bytes[index], bytes[index + 1], bytes[index + 2]),
                  bytes[index + 3] == ASCII.comma
            else { return nil }
            index += 4
            guard skipSpace() else { return nil }
        }
        guard let day = number(digits: 1...2), (1...31).contains(day), skipSpace(),
              let month = monthName(), skipSpace(),
              let year = number(digits: 4...4), skipSpace(),
              let hour = number(digits: 2...2), take(ASCII.colon), let minute = number(digits: 2...2)
        else { return nil }
        var second = 0
        if take(ASCII.colon) {
            guard let seconds = number(digits: 2...2) else { return nil }
            second = seconds
        }
        guard skipSpace(), let zone = numericZone() else { return nil }
        skipSpace()
        // One comment at the end, without nesting, is dropped as the token reading drops it.
        if take(ASCII.leftParen) {
            while index < bytes.count, bytes[index] != ASCII.rightParen {
                guard bytes[index] != ASCII.leftParen, bytes[index] < 0x80 else { return nil }
                index += 1
            }
            guard take(ASCII.rightParen) else { return nil }
            skipSpace()
        }
        guard index == bytes.count else { return nil }
        return Fields(day: day, month: month, year: year, time: (hour, minute, second), zone: zone)
    }

    /// Skips spaces and tabs; whether there was any.
    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = index
        while index < bytes.count, bytes[index].isWSP { index += 1 }
        return index > start
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// The digits at the cursor, when there are as many as `digits` allows (and no more).
    private mutating func number(digits: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while index < bytes.count, bytes[index].isASCIIDigit {
            value = value * 10 + Int(bytes[index] - 0x30)
            count += 1
            index += 1
            if count > digits.upperBound { return nil }
        }
        return digits.contains(count) ? value : nil
    }

    /// "Jul", any case (the space the caller then requires rules out "July").
    private mutating func monthName() -> Int? {
        guard index + 3 <= bytes.count else { return nil }
        let name = (bytes[index].asciiLowercased, bytes[index + 1].asciiLowercased, bytes[index + 2].asciiLowercased)
        guard let month = Self.months.firstIndex(where: { $0 == name }) else { return nil }
        index += 3
        return month + 1
    }

    /// "+0200", "-0500": seconds east of UTC.
    private mutating func numericZone() -> Int? {
        guard index < bytes.count, bytes[index] == ASCII.plus || bytes[index] == ASCII.hyphen else { return nil }
        let negative = bytes[index] == ASCII.hyphen
        index += 1
        guard let digits = number(digits: 4...4), digits / 100 <= 23, digits % 100 < 60 else { return nil }
        let offset = digits / 100 * 3_600 + digits % 100 * 60
        return negative ? -offset : offset
    }

    private static func isWeekday(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        let name = (a.asciiLowercased, b.asciiLowercased, c.asciiLowercased)
        return weekdays.contains { $0 == name }
    }

    private static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map(triple)
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map(triple)

    private static func triple(_ name: String) -> (UInt8, UInt8, UInt8) {
        let bytes = Array(name.utf8)
        return (bytes[0], bytes[1], bytes[2])
    }
}
