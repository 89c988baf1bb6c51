import Foundation
import HelpdeskCore
import MailgateTestSupport
import Testing

@Suite("SLA clock over a ticket's statuses")
struct SLAClockTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }
    static let always = SLAPolicy(calendar: .alwaysOpen, targets: [:], warningPoint: 0.5)

    func state(_ target: Double, _ statuses: [(Double, TicketStatus)], stopped: Double? = nil, now: Double, policy: SLAPolicy = always) -> SLATargetState {
        SLAClock.state(target: target * 3600, policy: policy, start: Self.t0, statuses: statuses.map { (Self.at($0.0), $0.1) },
                       stoppedAt: stopped.map(Self.at), now: Self.at(now))
    }

    @Test func runningClockIsDueAfterTheTarget() {
        let running = state(4, [(0, .new), (1, .open)], now: 1)
        #expect(running.due == Self.at(4) && running.warnAt == Self.at(2) && !running.breached)
        #expect(running.elapsed == 3600)
        #expect(state(4, [(0, .new)], now: 5).breached)
    }

    @Test func waitingOnTheRequesterStopsTheClockAndTheirReplyRestartsIt() {
        // Pending from 1 h to 3 h: the 4 h target moves to 6 h.
        let resumed = state(4, [(0, .open), (1, .pending), (3, .open)], now: 3)
        #expect(resumed.due == Self.at(6))
        #expect(resumed.elapsed == 3600)
        let paused = state(4, [(0, .open), (1, .pending)], now: 10)
        #expect(paused.due == nil && !paused.breached && paused.elapsed == 3600)
    }

    @Test func onHoldPausesOnlyWhenThePolicySays() {
        var policy = Self.always
        #expect(state(4, [(0, .open), (1, .onHold)], now: 2, policy: policy).due == Self.at(4))
        policy.pauseOnHold = true
        #expect(state(4, [(0, .open), (1, .onHold)], now: 2, policy: policy).due == nil)
    }

    @Test func stoppingInTimeMeetsTheTargetLateBreachesIt() {
        let met = state(4, [(0, .open)], stopped: 3, now: 10)
        #expect(met.due == nil && !met.breached && met.elapsed == 3 * 3600)
        let late = state(4, [(0, .open)], stopped: 5, now: 10)
        #expect(late.due == Self.at(4) && late.breached)
        // Passed before a pause: still breached while paused.
        let beforePause = state(1, [(0, .open), (2, .pending)], now: 10)
        #expect(beforePause.due == Self.at(1) && beforePause.breached)
    }

    @Test func businessHoursCountOnlyOpenTime() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let hours = try BusinessCalendar.parseHours(["mon-fri 09:00-17:00"])
        let policy = SLAPolicy(calendar: BusinessCalendar(timeZone: berlin, hours: hours, holidays: []), targets: [:])
        // Friday 2026-11-27 16:00 Berlin (15:00 UTC), 2 business hours: Monday 10:00 Berlin.
        let friday = try #require(ISO8601DateFormatter().date(from: "2026-11-27T15:00:00Z"))
        let result = SLAClock.state(target: 7200, policy: policy, start: friday, statuses: [(friday, .new)], stoppedAt: nil, now: friday)
        #expect(result.due == ISO8601DateFormatter().date(from: "2026-11-30T09:00:00Z"))
    }

    @Test("a pause never makes a target due earlier", arguments: 0..<50)
    func pausesOnlyDelay(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let pauseStart = Double(generator.next() % 100) / 10
        let pauseLength = Double(generator.next() % 100) / 10
        let target = 1 + Double(generator.next() % 100) / 10
        let plain = state(target, [(0, .open)], now: 0)
        let paused = state(target, [(0, .open), (pauseStart, .pending), (pauseStart + pauseLength, .open)], now: pauseStart + pauseLength)
        let plainDue = plain.due ?? .distantFuture
        let pausedDue = paused.due ?? .distantFuture
        #expect(pausedDue >= plainDue)
        if pauseStart < target { #expect(pausedDue == plainDue.addingTimeInterval(pauseLength * 3600)) }
    }
}
