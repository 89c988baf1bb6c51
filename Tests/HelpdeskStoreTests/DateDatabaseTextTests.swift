import Foundation
import GRDB
@testable import HelpdeskStore
import Testing

/// `Date.databaseText` writes exactly what GRDB writes for a date, so rows written either way
/// compare and sort alike.
@Suite("Dates as stored text")
struct DateDatabaseTextTests {
    static func grdb(_ date: Date) -> String? { String.fromDatabaseValue(date.databaseValue) }

    @Test(arguments: [
        0, 0.0005, 0.999, 0.9999, 0.99999999, 59.9995, 86_399.999, 86_400, 951_782_400, 951_868_799.5, // 2000-02-29
        1_764_000_000.25, 1_764_000_000.001, 1_764_000_000.0009, 4_102_444_800, 253_402_300_799.999, // 9999-12-31
        -0.001, -86_400.5, 253_402_300_800, // outside 1970–9999: GRDB's own text
    ] as [Double])
    func edgesMatchGRDB(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(date.databaseText == Self.grdb(date), "\(seconds)")
    }

    @Test func randomDatesMatchGRDB() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Whole, milli- and microsecond dates, as `Date()` and the tests make them.
            let seconds = Double.random(in: 0..<4_200_000_000, using: &generator)
            for date in [Date(timeIntervalSince1970: seconds), Date(timeIntervalSinceReferenceDate: seconds - 978_307_200),
                         Date(timeIntervalSince1970: seconds.rounded(.down)), Date(timeIntervalSince1970: (seconds * 1000).rounded() / 1000)] {
                let ours = date.databaseText
                let theirs = Self.grdb(date)
                #expect(ours == theirs, "\(date.timeIntervalSinceReferenceDate)")
                if ours != theirs { return }
            }
        }
    }
}
