import Foundation
import Gateway
import HelpdeskStore
import Testing

// `GatewayStatus.evaluate` is pure: stored poll states and counts in, a verdict out. Every case
// is one mailbox, "support", judged at `now`.

private let now = Date(timeIntervalSince1970: 1_790_000_000)
private func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

/// A poll state as the store keeps it: a success sets both times, a failure keeps the last success.
private func poll(
    attempt: TimeInterval, success: TimeInterval?, error: String? = nil, interval: TimeInterval? = 60, mailbox: String = "support"
) -> PollState {
    PollState(
        mailbox: mailbox, lastAttemptAt: ago(attempt), lastSuccessAt: success.map(ago), lastFailed: error != nil, lastError: error,
        lastErrorAt: error == nil ? nil : ago(attempt), duration: 1, unrecorded: nil, interval: interval)
}

struct StatusCase: Sendable, CustomTestStringConvertible {
    var name: String
    var polled = true
    var poll: PollState?
    var defaultInterval: TimeInterval = 300
    var stale: Bool
    /// Each expected problem is named by a part of its text; none means healthy.
    var problems: [String] = []
    var intervalSeconds: Int? = nil

    var testDescription: String { name }
}

@Suite("Gateway status")
struct GatewayStatusTests {
    static let cases: [StatusCase] = [
        StatusCase(name: "polled a minute ago", poll: poll(attempt: 60, success: 60), stale: false),
        StatusCase(name: "last success exactly 3× the interval ago is still fine", poll: poll(attempt: 180, success: 180), stale: false),
        StatusCase(
            name: "a second more is stale", poll: poll(attempt: 181, success: 181), stale: true,
            problems: ["no successful poll for 3m 1s, more than 3× its 1m interval"]),
        StatusCase(
            name: "the last poll failed, the success before it is recent",
            poll: poll(attempt: 10, success: 70, error: "LOGIN refused"), stale: false,
            problems: ["the last poll failed: LOGIN refused"]),
        StatusCase(
            name: "attempts keep failing: stale once the last success is old, however recent the attempt",
            poll: poll(attempt: 5, success: 600, error: "timeout"), stale: true,
            problems: ["the last poll failed: timeout", "no successful poll for 10m"]),
        StatusCase(
            name: "failing since the first poll", poll: poll(attempt: 5, success: nil, error: "no route to host"), stale: true,
            problems: ["the last poll failed: no route to host", "no successful poll ever"]),
        StatusCase(name: "never polled", poll: nil, stale: true, problems: ["never polled"]),
        StatusCase(name: "no IMAP and never polled", polled: false, poll: nil, stale: false),
        StatusCase(
            name: "no IMAP (any more): an old failed poll does not count", polled: false,
            poll: poll(attempt: 86_400, success: nil, error: "gone"), stale: false),
        StatusCase(
            name: "no announced interval: the default's 3× (15 min) is fine", poll: poll(attempt: 900, success: 900, interval: nil),
            stale: false, intervalSeconds: 300),
        StatusCase(
            name: "no announced interval: past the default's 3× is stale", poll: poll(attempt: 901, success: 901, interval: nil),
            stale: true, problems: ["more than 3× its 5m interval"], intervalSeconds: 300),
        StatusCase(
            name: "an announced interval wins over the default", poll: poll(attempt: 200, success: 200, interval: 60),
            stale: true, problems: ["more than 3× its 1m interval"], intervalSeconds: 60),
    ]

    @Test("stale and problems per case", arguments: cases)
    func verdict(_ test: StatusCase) throws {
        let status = GatewayStatus.evaluate(
            configured: [(name: "support", polled: test.polled)], polls: test.poll.map { [$0] } ?? [], health: StoreHealth(), now: now,
            defaultInterval: test.defaultInterval)
        let mailbox = try #require(status.mailboxes.first)
        #expect(status.mailboxes.count == 1)
        #expect(mailbox.stale == test.stale)
        #expect(mailbox.problems.count == test.problems.count, "\(mailbox.problems)")
        for expected in test.problems {
            #expect(mailbox.problems.contains { $0.contains(expected) }, "\(expected) in \(mailbox.problems)")
        }
        #expect(status.healthy == test.problems.isEmpty)
        if let seconds = test.intervalSeconds { #expect(mailbox.intervalSeconds == seconds) }
    }

    @Test("the poll's own fields are copied; ages are counted from now")
    func pollFieldsAreCopied() throws {
        let state = PollState(
            mailbox: "support", lastAttemptAt: ago(10), lastSuccessAt: ago(70), lastFailed: true, lastError: "BYE",
            lastErrorAt: ago(10), duration: 2, unrecorded: 7, interval: 60)
        let status = GatewayStatus.evaluate(
            configured: [(name: "support", polled: true)], polls: [state], health: StoreHealth(), now: now, defaultInterval: 300)
        let mailbox = try #require(status.mailboxes.first)
        #expect(mailbox.name == "support" && mailbox.polled)
        #expect(mailbox.lastPollAt == ago(10) && mailbox.lastSuccessAt == ago(70) && mailbox.lastSuccessAgeSeconds == 70)
        #expect(mailbox.lastPollFailed && mailbox.lastError == "BYE" && mailbox.lastErrorAt == ago(10))
        #expect(mailbox.unrecordedOnServer == 7 && mailbox.intervalSeconds == 60)
        #expect(status.checkedAt == now)
    }

    @Test("counts are copied per mailbox from the store's health; a mailbox it does not name gets zeros")
    func countsAreCopied() throws {
        var health = StoreHealth()
        health.outboxPending = ["support": 3, "sales": 1, "old": 9]
        health.outboxFailed = ["support": 2]
        health.oldestPendingAt = ["support": ago(125), "sales": now.addingTimeInterval(30)]
        health.keptAside = ["sales": 4]
        health.ticketsByStatus = ["support": ["new": 2, "open": 1], "sales": ["resolved": 5]]
        health.breachingNow = ["support": 1]
        let status = GatewayStatus.evaluate(
            configured: [(name: "support", polled: false), (name: "sales", polled: false), (name: "billing", polled: false)],
            polls: [], health: health, now: now, defaultInterval: 300)
        #expect(status.mailboxes.map(\.name) == ["support", "sales", "billing"], "configured order; `old` is not configured")

        let support = status.mailboxes[0], sales = status.mailboxes[1], billing = status.mailboxes[2]
        #expect(support.outboxPending == 3 && support.outboxFailed == 2 && support.oldestPendingAgeSeconds == 125)
        #expect(support.keptAside == 0 && support.tickets == ["new": 2, "open": 1] && support.slaBreachingNow == 1)
        #expect(sales.outboxPending == 1 && sales.outboxFailed == 0 && sales.keptAside == 4 && sales.tickets == ["resolved": 5])
        #expect(sales.oldestPendingAgeSeconds == 0, "a row queued after `now` (clock skew between processes) is no negative age")
        #expect(sales.slaBreachingNow == 0)
        #expect(billing.outboxPending == 0 && billing.outboxFailed == 0 && billing.oldestPendingAgeSeconds == nil)
        #expect(billing.keptAside == 0 && billing.tickets.isEmpty && billing.slaBreachingNow == 0)
        #expect(billing.lastPollAt == nil && billing.lastSuccessAgeSeconds == nil && !billing.lastPollFailed && billing.intervalSeconds == 300)
        // Counts alone (a backlog, breaches) are no problem: health is about polling.
        #expect(status.healthy)
    }

    @Test("one unhealthy mailbox makes the gateway unhealthy; each mailbox is judged by its own poll")
    func oneBadMailboxIsEnough() throws {
        let status = GatewayStatus.evaluate(
            configured: [(name: "support", polled: true), (name: "sales", polled: true)],
            polls: [poll(attempt: 30, success: 30), poll(attempt: 30, success: 90, error: "refused", mailbox: "sales"), poll(attempt: 1, success: 1, mailbox: "gone")],
            health: StoreHealth(), now: now, defaultInterval: 300)
        #expect(!status.healthy)
        #expect(status.mailboxes.map(\.problems.isEmpty) == [true, false])
        #expect(status.mailboxes.map(\.lastPollFailed) == [false, true])
    }
}
