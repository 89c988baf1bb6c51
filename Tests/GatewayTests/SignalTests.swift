import MailgateTestSupport
import Foundation
@testable import Gateway
import Synchronization
import Testing

/// One `wait(seconds:)` on its own thread, and what it returned after how long.
private final class Sleeper: Sendable {
    private let outcome = Mutex<(shutdown: Bool, seconds: TimeInterval)?>(nil)

    init(_ signal: ShutdownSignal, seconds: Double) {
        Thread.detachNewThread {
            let started = Date()
            let shutdown = signal.wait(seconds: seconds)
            let elapsed = Date().timeIntervalSince(started)
            self.outcome.withLock { $0 = (shutdown, elapsed) }
        }
    }

    var result: (shutdown: Bool, seconds: TimeInterval)? { outcome.withLock { $0 } }
}

/// Calls `poke` every 20 ms until every sleeper returned or `seconds` passed. A wake only
/// reaches a sleeper already inside `wait`, and a test cannot see when that is: poking until it
/// returns is what makes the tests independent of thread start-up.
private func poke(_ sleepers: [Sleeper], for seconds: Double, _ poke: () -> Void) {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while sleepers.contains(where: { $0.result == nil }), Date() < deadline {
        poke()
        usleep(20_000)
    }
}

/// Sleepers wait this long unless woken: far above the time a wake takes, well within the limit.
private let long: Double = 5
/// A sleeper that returned sooner than this was woken, not timed out.
private let early: Double = 3

@Suite("Shutdown and reload signals", .timeLimit(.minutes(5)))
struct SignalTests {
    @Test("a wait with nothing happening sleeps its time and reports no shutdown")
    func waitTimesOut() {
        let signal = ShutdownSignal()
        let started = Date()
        #expect(!signal.wait(seconds: 0.2))
        #expect(Date().timeIntervalSince(started) >= 0.19)
        #expect(!signal.isRequested)
    }

    @Test("wake() ends a wait early without asking for shutdown")
    func wakeEndsAWait() throws {
        let signal = ShutdownSignal()
        let sleeper = Sleeper(signal, seconds: long)
        poke([sleeper], for: long) { signal.wake() }
        let result = try #require(sleeper.result)
        #expect(!result.shutdown)
        #expect(result.seconds < early)
        #expect(!signal.isRequested)
    }

    @Test("wake() wakes every sleeper")
    func wakeWakesEveryone() throws {
        let signal = ShutdownSignal()
        let sleepers = (0..<3).map { _ in Sleeper(signal, seconds: long) }
        poke(sleepers, for: long) { signal.wake() }
        for sleeper in sleepers {
            let result = try #require(sleeper.result)
            #expect(!result.shutdown && result.seconds < early)
        }
    }

    @Test("request() ends a wait early, reporting shutdown")
    func requestEndsAWait() throws {
        let signal = ShutdownSignal()
        let sleeper = Sleeper(signal, seconds: long)
        poke([sleeper], for: long) { signal.request() }
        let result = try #require(sleeper.result)
        #expect(result.shutdown && result.seconds < early)
        #expect(signal.isRequested)
    }

    @Test("after request(), every wait returns at once, reporting shutdown")
    func requestIsKept() {
        let signal = ShutdownSignal()
        signal.request()
        let started = Date()
        #expect(signal.wait(seconds: long))
        #expect(signal.wait(seconds: long))
        #expect(Date().timeIntervalSince(started) < early)
    }

    @Test("a reload request wakes a sleeper without shutdown, and is taken exactly once")
    func reloadWakesAndIsTakenOnce() throws {
        let shutdown = ShutdownSignal()
        let reload = ReloadSignal(waking: shutdown)
        #expect(!reload.take(), "nothing asked yet")
        let sleeper = Sleeper(shutdown, seconds: long)
        poke([sleeper], for: long) { reload.request() }
        let result = try #require(sleeper.result)
        #expect(!result.shutdown && result.seconds < early)
        #expect(!shutdown.isRequested)
        #expect(reload.take())
        #expect(!reload.take(), "taken once")
    }

    @Test("several reload requests before a take are one reload")
    func reloadRequestsCoalesce() {
        let reload = ReloadSignal(waking: ShutdownSignal())
        reload.request()
        reload.request()
        #expect(reload.take())
        #expect(!reload.take())
        reload.request()
        #expect(reload.take(), "a request after the take is a new one")
    }
}
