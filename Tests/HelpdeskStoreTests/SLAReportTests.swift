import Foundation
import HelpdeskCore
@testable import HelpdeskStore
import Testing

private let t0 = Date(timeIntervalSince1970: 1_790_000_000)
private let minute: TimeInterval = 60
private let hour: TimeInterval = 3600
/// When the report is made: 10 h after every ticket below was created.
private let now = t0.addingTimeInterval(10 * hour)

private func clock(
    _ ticketId: Int64, _ target: SLATarget, _ outcome: SLAOutcome, elapsed: TimeInterval = 0, completed: Bool = false,
    due: TimeInterval? = nil
) -> TicketSLARecord {
    TicketSLARecord(
        ticketId: ticketId, target: target, duration: target == .firstResponse ? hour : 8 * hour,
        dueAt: due.map { t0.addingTimeInterval($0) }, warnAt: nil, outcome: outcome, elapsed: elapsed, completed: completed, updatedAt: t0)
}

private func row(_ mailbox: String, _ priority: TicketPriority, finished: Bool = false, _ sla: TicketSLARecord) -> SLAReportRow {
    SLAReportRow(mailbox: mailbox, priority: priority, ticketId: sla.ticketId, finished: finished, sla: sla)
}

private func close(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case (let a?, let b?): abs(a - b) < 1e-6
    default: false
    }
}

@Suite("SLA report")
struct SLAReportTests {
    typealias PercentileRow = (values: [Double], p: Double, expected: Double?)

    static let percentiles: [PercentileRow] = [
        ([], 0.5, nil),
        ([], 0.9, nil),
        ([7], 0.5, 7),
        ([7], 0.9, 7),
        ([1, 2, 3], 0.5, 2),
        ([1, 2, 3, 4], 0.5, 2.5),  // even count: the mean of the middle two
        ([10, 20, 40, 80], 0.5, 30),
        (Array(1...10).map(Double.init), 0.5, 5.5),
        (Array(1...10).map(Double.init), 0.9, 9.1),  // rank 8.1 of 0...9: 9 + 0.1 × (10 - 9)
        (Array(1...10).map(Double.init), 0, 1),
        (Array(1...10).map(Double.init), 1, 10),
        ([5, 5, 5], 0.9, 5),
    ]

    @Test(arguments: percentiles)
    func percentile(row: PercentileRow) {
        let got = SLAReport.percentile(row.values, row.p)
        #expect(close(got, row.expected), "\(row.values) p\(row.p): got \(String(describing: got))")
    }

    @Test func percentilesStayWithinTheValuesAndGrowWithP() {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for _ in 0..<200 {
            let values = (0..<Int(1 + next() % 20)).map { _ in Double(next() % 10_000) }.sorted()
            let low = Double(next() % 101) / 100, high = Double(next() % 101) / 100
            let a = SLAReport.percentile(values, min(low, high)), b = SLAReport.percentile(values, max(low, high))
            guard let a, let b, let first = values.first, let last = values.last else {
                Issue.record("nil for \(values)")
                continue
            }
            #expect(first <= a && a <= b && b <= last, "\(values) p\(low)/p\(high)")
        }
    }

    /// Ten hours in. support/normal: T1 all met; T2 answered late, resolution overdue; T3 never
    /// answered and overdue twice; T4 resolved without an answer; T5 cancelled after its
    /// resolution was breached; T6 pending. support/urgent: T7 answered in 5 min. billing/low: T8
    /// overdue for its first response.
    static let rows: [SLAReportRow] = [
        row("support", .normal, finished: true, clock(1, .firstResponse, .met, elapsed: 30 * minute, completed: true)),
        row("support", .normal, finished: true, clock(1, .resolution, .met, elapsed: 5 * hour, completed: true)),
        row("support", .normal, clock(2, .firstResponse, .breached, elapsed: 90 * minute, completed: true, due: hour)),
        row("support", .normal, clock(2, .resolution, .running, elapsed: 9 * hour, due: 8 * hour)),
        row("support", .normal, clock(3, .firstResponse, .breached, elapsed: 10 * hour, due: hour)),
        row("support", .normal, clock(3, .resolution, .running, elapsed: 10 * hour, due: 8 * hour)),
        row("support", .normal, finished: true, clock(4, .firstResponse, .ended, elapsed: 20 * minute)),
        row("support", .normal, finished: true, clock(4, .resolution, .met, elapsed: 2 * hour, completed: true)),
        row("support", .normal, finished: true, clock(5, .firstResponse, .met, elapsed: 10 * minute, completed: true)),
        row("support", .normal, finished: true, clock(5, .resolution, .breached, elapsed: 9 * hour, due: 8 * hour)),
        row("support", .normal, clock(6, .firstResponse, .paused, elapsed: 20 * minute)),
        row("support", .normal, clock(6, .resolution, .paused, elapsed: 20 * minute)),
        row("support", .urgent, clock(7, .firstResponse, .met, elapsed: 5 * minute, completed: true)),
        row("support", .urgent, clock(7, .resolution, .running, elapsed: 10 * hour, due: 12 * hour)),
        row("billing", .low, clock(8, .firstResponse, .running, elapsed: 10 * hour, due: 9 * hour)),
        row("billing", .low, clock(8, .resolution, .running, elapsed: 10 * hour, due: 20 * hour)),
    ]

    @Test func linesPerMailboxAndPriority() throws {
        let report = SLAReport(rows: Self.rows, now: now)
        #expect(report.lines.map { "\($0.mailbox)/\($0.priority.rawValue)" } == ["billing/low", "support/urgent", "support/normal"])

        let normal = try #require(report.lines.first { $0.mailbox == "support" && $0.priority == .normal })
        #expect(normal.tickets == 6)
        #expect(normal.breachingNow == 2, "T2 and T3, each once; not the cancelled T5 nor the paused T6")
        // First response: met T1, T5; breached T2, T3; times of T1, T2, T5 (30, 90, 10 min).
        #expect(normal.firstResponse.judged == 4 && normal.firstResponse.met == 2)
        #expect(close(normal.firstResponse.metPercent, 50))
        #expect(close(normal.firstResponse.median, 30 * minute))
        #expect(close(normal.firstResponse.p90, 30 * minute + 0.8 * 60 * minute))
        // Resolution: met T1, T4; breached T5; times of T1, T4 (5 h, 2 h).
        #expect(normal.resolution.judged == 3 && normal.resolution.met == 2)
        #expect(close(normal.resolution.metPercent, 200.0 / 3))
        #expect(close(normal.resolution.median, 3.5 * hour))
        #expect(close(normal.resolution.p90, 2 * hour + 0.9 * 3 * hour))

        let urgent = try #require(report.lines.first { $0.priority == .urgent })
        #expect(urgent.tickets == 1 && urgent.breachingNow == 0)
        #expect(urgent.firstResponse.judged == 1 && close(urgent.firstResponse.metPercent, 100))
        #expect(close(urgent.firstResponse.median, 5 * minute) && close(urgent.firstResponse.p90, 5 * minute))
        #expect(urgent.resolution.judged == 0 && urgent.resolution.metPercent == nil && urgent.resolution.median == nil)

        let low = try #require(report.lines.first { $0.mailbox == "billing" })
        #expect(low.tickets == 1 && low.breachingNow == 1)
        #expect(low.firstResponse.judged == 0 && low.firstResponse.metPercent == nil)
    }

    @Test func breachingNowDependsOnTheInstant() throws {
        // T2's resolution is due at 8 h, T3's first response at 1 h (breached, unanswered), T8's at 9 h.
        typealias Instant = (hours: Double, normal: Int, low: Int)
        let instants: [Instant] = [(0.5, 1, 0), (8, 2, 0), (8.99, 2, 0), (9, 2, 1)]
        for instant in instants {
            let report = SLAReport(rows: Self.rows, now: t0.addingTimeInterval(instant.hours * hour))
            let normal = try #require(report.lines.first { $0.priority == .normal })
            let low = try #require(report.lines.first { $0.priority == .low })
            #expect(normal.breachingNow == instant.normal && low.breachingNow == instant.low, "at \(instant.hours) h")
        }
    }

    @Test func urgentComesFirstWithinAMailboxAndMailboxesByName() {
        let scrambled: [SLAReportRow] = [
            row("zeta", .low, clock(1, .firstResponse, .running)),
            row("alpha", .normal, clock(2, .firstResponse, .running)),
            row("alpha", .urgent, clock(3, .firstResponse, .running)),
            row("alpha", .low, clock(4, .firstResponse, .running)),
            row("alpha", .high, clock(5, .firstResponse, .running)),
            row("zeta", .urgent, clock(6, .firstResponse, .running)),
            row("alpha", .normal, clock(7, .firstResponse, .running)),
        ]
        let lines = SLAReport(rows: scrambled, now: now).lines
        #expect(lines.map { "\($0.mailbox)/\($0.priority.rawValue)" }
            == ["alpha/urgent", "alpha/high", "alpha/normal", "alpha/low", "zeta/urgent", "zeta/low"])
        #expect(lines.map(\.tickets) == [1, 1, 2, 1, 1, 1])
        // Whatever order the rows come in.
        #expect(SLAReport(rows: scrambled.reversed(), now: now) == SLAReport(rows: scrambled, now: now))
    }

    @Test func noRowsNoLines() {
        #expect(SLAReport(rows: [], now: now).lines.isEmpty)
    }

    typealias BreachingRow = (outcome: SLAOutcome, completed: Bool, due: TimeInterval?, breaching: Bool)

    /// At 10 h.
    static let breaching: [BreachingRow] = [
        (.running, false, 9 * hour, true),
        (.running, false, 10 * hour, true),  // due exactly now
        (.running, false, 11 * hour, false),
        (.breached, false, hour, true),  // unanswered, paused or not
        (.breached, true, hour, false),  // answered late: over
        (.paused, false, nil, false),
        (.met, true, nil, false),
        (.ended, false, nil, false),
    ]

    @Test(arguments: breaching)
    func isBreaching(row: BreachingRow) {
        let record = clock(1, .firstResponse, row.outcome, completed: row.completed, due: row.due)
        #expect(record.isBreaching(at: now) == row.breaching)
    }
}
