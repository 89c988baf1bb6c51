import Foundation
import HelpdeskCore
import MailgateTestSupport
import Testing

private let t0 = Date(timeIntervalSince1970: 1_790_000_000)
private func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

/// Normal: first response 2 h, resolution 8 h; urgent: a first-response target only (30 min); low:
/// first response 2 h, resolution 4 h; high sets no targets at all. 24/7, warned at half the target.
private let policy = SLAPolicy(
    calendar: .alwaysOpen,
    targets: [
        .normal: SLATargets(firstResponse: 2 * 3600, resolution: 8 * 3600),
        .urgent: SLATargets(firstResponse: 1800, resolution: nil),
        .low: SLATargets(firstResponse: 2 * 3600, resolution: 4 * 3600),
    ],
    warningPoint: 0.5)

@Suite("SLA evaluation of both targets of a ticket")
struct SLAEvaluationTests {
    /// What one target should come to: its outcome and due instant (hours after creation, nil for none).
    struct Expected: Sendable {
        var outcome: SLAOutcome
        var due: Double?
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var priority: TicketPriority = .normal
        /// Hours after creation.
        var statuses: [(Double, TicketStatus)]
        var answered: Double?
        var now: Double
        var firstResponse: Expected?
        var resolution: Expected?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "new and untouched: both clocks run from creation", statuses: [(0, .new)], now: 1,
             firstResponse: Expected(outcome: .running, due: 2), resolution: Expected(outcome: .running, due: 8)),
        Case(name: "pending stands both clocks still, without a due time", statuses: [(0, .new), (0.5, .pending)], now: 5,
             firstResponse: Expected(outcome: .paused, due: nil), resolution: Expected(outcome: .paused, due: nil)),
        Case(name: "back from pending: due moves by the pause", statuses: [(0, .new), (0.5, .pending), (2.5, .open)], now: 3,
             firstResponse: Expected(outcome: .running, due: 4), resolution: Expected(outcome: .running, due: 10)),
        Case(name: "answered before due: first response met", statuses: [(0, .new), (1.5, .open)], answered: 1.5, now: 5,
             firstResponse: Expected(outcome: .met, due: nil), resolution: Expected(outcome: .running, due: 8)),
        Case(name: "answered exactly at due is still in time", statuses: [(0, .new), (2, .open)], answered: 2, now: 5,
             firstResponse: Expected(outcome: .met, due: 2), resolution: Expected(outcome: .running, due: 8)),
        Case(name: "answered after due: first response breached", statuses: [(0, .new), (3, .open)], answered: 3, now: 5,
             firstResponse: Expected(outcome: .breached, due: 2), resolution: Expected(outcome: .running, due: 8)),
        Case(name: "not answered and past due: breached while running", statuses: [(0, .new)], now: 2.5,
             firstResponse: Expected(outcome: .breached, due: 2), resolution: Expected(outcome: .running, due: 8)),
        Case(name: "resolved without an answer: first response ended, resolution met", statuses: [(0, .new), (1, .resolved)], now: 20,
             firstResponse: Expected(outcome: .ended, due: nil), resolution: Expected(outcome: .met, due: nil)),
        Case(name: "closed without an answer: the same as resolved", statuses: [(0, .new), (1, .closed)], now: 20,
             firstResponse: Expected(outcome: .ended, due: nil), resolution: Expected(outcome: .met, due: nil)),
        Case(name: "cancelled: resolution ended", statuses: [(0, .new), (0.5, .open), (1, .cancelled)], answered: 0.5, now: 20,
             firstResponse: Expected(outcome: .met, due: nil), resolution: Expected(outcome: .ended, due: nil)),
        Case(name: "resolved in time: resolution met", statuses: [(0, .new), (1, .open), (7, .resolved)], answered: 1, now: 30,
             firstResponse: Expected(outcome: .met, due: nil), resolution: Expected(outcome: .met, due: nil)),
        Case(name: "resolved late: resolution breached, also afterwards", statuses: [(0, .new), (1, .open), (9, .resolved)], answered: 1, now: 30,
             firstResponse: Expected(outcome: .met, due: nil), resolution: Expected(outcome: .breached, due: 8)),
        Case(name: "past due before a pause: still breached while pending", statuses: [(0, .new), (3, .pending)], now: 30,
             firstResponse: Expected(outcome: .breached, due: 2), resolution: Expected(outcome: .paused, due: nil)),
        // Open 0-1 h, resolved 1-3 h, open again from 3 h: 1 h spent, 3 h of the 4 h target left.
        Case(name: "reopened: the resolution clock goes on from where it stood", priority: .low,
             statuses: [(0, .open), (1, .resolved), (3, .open)], answered: 0.5, now: 3,
             firstResponse: Expected(outcome: .met, due: nil), resolution: Expected(outcome: .running, due: 6)),
        Case(name: "reopened and past the moved due", priority: .low,
             statuses: [(0, .open), (1, .resolved), (3, .open)], answered: 0.5, now: 6.5,
             firstResponse: Expected(outcome: .met, due: nil), resolution: Expected(outcome: .breached, due: 6)),
        Case(name: "on hold counts unless the policy pauses it", statuses: [(0, .new), (1, .onHold)], now: 1.5,
             firstResponse: Expected(outcome: .running, due: 2), resolution: Expected(outcome: .running, due: 8)),
        Case(name: "a target only for first response gives one evaluation", priority: .urgent, statuses: [(0, .new)], now: 0.25,
             firstResponse: Expected(outcome: .running, due: 0.5), resolution: nil),
        Case(name: "a priority without targets gives none", priority: .high, statuses: [(0, .new)], now: 100,
             firstResponse: nil, resolution: nil),
    ]

    @Test(arguments: cases)
    func evaluates(_ row: Case) throws {
        let results = SLAClock.evaluate(
            policy: policy, priority: row.priority, createdAt: t0, statuses: row.statuses.map { (at($0.0), $0.1) },
            firstResponseAt: row.answered.map(at), now: at(row.now))
        let expected = [(SLATarget.firstResponse, row.firstResponse), (.resolution, row.resolution)]
            .compactMap { target, expected in expected.map { (target, $0) } }
        #expect(results.map(\.target) == expected.map(\.0))
        for (target, wanted) in expected {
            let result = try #require(results.first { $0.target == target })
            #expect(result.outcome == wanted.outcome, "\(target.label)")
            #expect(result.state.due == wanted.due.map(at), "\(target.label)")
            #expect(result.duration == (target == .firstResponse ? policy.targets[row.priority]?.firstResponse : policy.targets[row.priority]?.resolution))
        }
    }

    @Test func warningComesAtTheWarningPointOfCountedTime() throws {
        // Pending from 0.5 h to 1.5 h: half of the 2 h first-response target (0.5 h before the pause,
        // 0.5 h after it) is reached at 2 h, the target itself at 3 h.
        let results = SLAClock.evaluate(
            policy: policy, priority: .normal, createdAt: t0, statuses: [(at(0), .new), (at(0.5), .pending), (at(1.5), .open)],
            firstResponseAt: nil, now: at(1.5))
        let first = try #require(results.first { $0.target == .firstResponse })
        #expect(first.state.warnAt == at(2) && first.state.due == at(3))
        let resolution = try #require(results.first { $0.target == .resolution })
        #expect(resolution.state.warnAt == at(5) && resolution.state.due == at(9))
    }

    @Test func onHoldPausesBothTargetsWhenThePolicySays() {
        var holding = policy
        holding.pauseOnHold = true
        let results = SLAClock.evaluate(
            policy: holding, priority: .normal, createdAt: t0, statuses: [(at(0), .new), (at(1), .onHold)], firstResponseAt: nil, now: at(5))
        #expect(results.map(\.outcome) == [.paused, .paused])
        #expect(results.allSatisfy { $0.state.due == nil && $0.state.elapsed == 3600 })
    }

    /// Random histories: whatever happened, the counted time fits between creation and now, equals
    /// the open (not paused) time of the history, and a breach names a due time that has passed.
    @Test func randomHistoriesKeepTheClockConsistent() {
        for seed in UInt64(0)..<200 {
            var random = SeededGenerator(seed: seed)
            let history = HistoryCase(random: &random)
            let results = SLAClock.evaluate(
                policy: history.policy, priority: .normal, createdAt: t0, statuses: history.statuses,
                firstResponseAt: history.answeredAt, now: history.now)
            #expect(results.count == 2, "seed \(seed)")
            for result in results {
                let stop = result.target == .firstResponse ? history.answeredAt : nil
                let state = result.state
                let context: Comment = "seed \(seed), \(result.target.label): \(history.description), got \(state), \(result.outcome)"
                let expected = history.openTime(until: min(stop ?? history.now, history.now))
                #expect(state.elapsed >= 0, context)
                #expect(state.elapsed <= history.now.timeIntervalSince(t0), context)
                #expect(abs(state.elapsed - expected) < 1e-6, context)
                if result.outcome == .breached {
                    #expect(state.breached, context)
                    #expect(state.due.map { $0 <= history.now } == true, context)
                    if let stop { #expect(state.due.map { $0 < stop } == true, context) }
                }
                if state.elapsed > result.duration {
                    #expect(result.outcome == .breached, context)
                }
                switch result.outcome {
                case .running: #expect(state.due.map { $0 > history.now } == true, context)
                case .paused: #expect(state.due == nil, context)
                case .met, .ended, .breached: break
                }
                if let due = state.due, let warn = state.warnAt { #expect(warn <= due, context) }
            }
        }
    }
}

/// One random ticket history, in whole minutes so the arithmetic is exact.
private struct HistoryCase: CustomStringConvertible {
    var policy: SLAPolicy
    var statuses: [(at: Date, status: TicketStatus)]
    var answeredAt: Date?
    var now: Date

    init(random: inout SeededGenerator) {
        let warningPoint = Double(1 + random.next() % 10) / 10
        let firstResponse = TimeInterval(60 * (1 + random.next() % 240))
        let resolution = TimeInterval(60 * (1 + random.next() % 960))
        policy = SLAPolicy(
            calendar: .alwaysOpen, targets: [.normal: SLATargets(firstResponse: firstResponse, resolution: resolution)],
            warningPoint: warningPoint, pauseOnHold: random.next() % 2 == 0)
        var minute = 0
        statuses = [(t0, .new)]
        for _ in 0..<Int(random.next() % 8) {
            minute += Int(random.next() % 180)  // 0 allows two changes at the same instant
            let status = TicketStatus.allCases[Int(random.next() % UInt64(TicketStatus.allCases.count))]
            statuses.append((t0.addingTimeInterval(TimeInterval(minute * 60)), status))
        }
        let last = minute + Int(random.next() % 600)
        now = t0.addingTimeInterval(TimeInterval(last * 60))
        answeredAt = random.next() % 3 == 0 ? nil : t0.addingTimeInterval(TimeInterval(Int(random.next() % UInt64(last + 1)) * 60))
    }

    /// Seconds from creation to `end` in statuses that do not pause the policy's clock: the
    /// definition of elapsed time in a 24/7 calendar, worked out independently of `SLAClock`.
    func openTime(until end: Date) -> TimeInterval {
        var total: TimeInterval = 0
        for (index, entry) in statuses.enumerated() where !policy.isPaused(in: entry.status) {
            let next = index + 1 < statuses.count ? statuses[index + 1].at : end
            let from = max(entry.at, t0), to = min(next, end)
            if to > from { total += to.timeIntervalSince(from) }
        }
        return total
    }

    var description: String {
        let minutes = { (date: Date) in Int(date.timeIntervalSince(t0) / 60) }
        let steps = statuses.map { "\(minutes($0.at))m \($0.status.rawValue)" }.joined(separator: ", ")
        return "[\(steps)] answered \(answeredAt.map { "\(minutes($0))m" } ?? "never") now \(minutes(now))m"
            + " targets \(policy.targets[.normal].map { "\($0.firstResponse ?? 0)/\($0.resolution ?? 0)" } ?? "-")"
            + " warn \(policy.warningPoint) hold \(policy.pauseOnHold)"
    }
}
