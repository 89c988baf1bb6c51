import Foundation
import MailgateTestSupport
import Testing

/// Counted time as `tickets show` and `sla report` print it: seconds under a minute, whole seconds in JSON.
@Suite("SLA durations on the command line", .serialized, .timeLimit(.minutes(5)))
struct SLADurationCommandTests {
    /// The raw values of every `"key" : value` line in pretty-printed JSON.
    static func values(of key: String, in json: String) -> [String] {
        json.split(separator: "\n").compactMap { line in
            let parts = line.trimmingCharacters(in: .whitespaces).components(separatedBy: "\"\(key)\" : ")
            return parts.count == 2 ? parts[1].trimmingCharacters(in: CharacterSet(charactersIn: ",")) : nil
        }
    }

    /// "12s", not "0m" and not "0.4s".
    static func isWholeSeconds(_ text: some StringProtocol) -> Bool {
        text.hasSuffix("s") && Int(text.dropLast()).map { (1..<60).contains($0) } == true
    }

    @Test func timeUnderAMinuteIsInSecondsAndJSONInWholeSeconds() throws {
        let install = try TicketUpdateCommandLineTests.Installation(
            extra: "sla:\n  time: calendar\n  targets:\n    normal: {first_response: 1h, resolution: 4h}")
        // Over a second of counted time, and a fraction: what the rounding must deal with.
        Thread.sleep(forTimeInterval: 1.3)
        let resolved = try install.run(["tickets", "update", "SUPP-1", "--status", "resolved"])
        try #require(resolved.status == 0, "\(resolved.stderr)")

        let show = try install.run(["tickets", "show", "SUPP-1"])
        let line = try #require(show.stdout.split(separator: "\n").first { $0.hasPrefix("sla resolution (4h): met, ") }, "\(show.stdout)")
        #expect(Self.isWholeSeconds(line.split(separator: " ")[4]), "\(line)")

        let json = try install.run(["tickets", "show", "SUPP-1", "--json"])
        #expect(Self.values(of: "duration", in: json.stdout).sorted() == ["14400", "3600"])
        let elapsed = Self.values(of: "elapsed", in: json.stdout)
        #expect(elapsed.count == 2 && elapsed.allSatisfy { Int($0).map { $0 >= 1 } == true }, "\(elapsed)")

        let table = try install.run(["sla", "report"])
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("support") }, "\(table.stdout)")
        let cells = row.split(separator: " ")
        #expect(cells.count >= 3 && cells.suffix(3).prefix(2).allSatisfy(Self.isWholeSeconds), "resolution median and p90: \(row)")

        let report = try install.run(["sla", "report", "--json"])
        let times = Self.values(of: "median", in: report.stdout) + Self.values(of: "p90", in: report.stdout)
        #expect(times.count == 2 && times.allSatisfy { Int($0) != nil }, "\(report.stdout)")
    }
}
