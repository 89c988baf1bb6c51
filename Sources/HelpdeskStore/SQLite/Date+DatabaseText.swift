import Foundation
import GRDB
import MIME

extension Date {
    /// The text GRDB stores for this date ("yyyy-MM-dd HH:mm:ss.SSS", UTC), without its shared
    /// DateFormatter: formatting through it (ICU, behind a lock) was a thirtieth of a backlog's
    /// recording time. Years outside 1970–9999 go through GRDB, so the two never differ.
    var databaseText: String {
        // As Foundation hands a date to ICU: milliseconds since 1970, to the nearest.
        let millis = ((timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000).rounded()
        guard millis >= 0, millis < 253_402_300_800_000 else { return String.fromDatabaseValue(databaseValue) ?? "" }
        let total = Int64(millis)
        let days = Int(total / 86_400_000)
        let inDay = Int(total % 86_400_000)
        let (year, month, day) = RFC5322Date.civilFromDays(days)
        // Written straight into the string's storage: an array first, then its validation and
        // copy, was most of what a date cost, and each recorded message writes about twenty.
        return String(unsafeUninitializedCapacity: 23) { bytes in
            func put(_ value: Int, at offset: Int, digits: Int) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, at: 0, digits: 4)
            bytes[4] = UInt8(ascii: "-")
            put(month, at: 5, digits: 2)
            bytes[7] = UInt8(ascii: "-")
            put(day, at: 8, digits: 2)
            bytes[10] = UInt8(ascii: " ")
            put(inDay / 3_600_000, at: 11, digits: 2)
            bytes[13] = UInt8(ascii: ":")
            put(inDay / 60_000 % 60, at: 14, digits: 2)
            bytes[16] = UInt8(ascii: ":")
            put(inDay / 1000 % 60, at: 17, digits: 2)
            bytes[19] = UInt8(ascii: ".")
            put(inDay % 1000, at: 20, digits: 3)
            return 23
        }
    }
}
