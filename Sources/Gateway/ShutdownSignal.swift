import Foundation

/// Set once SIGINT or SIGTERM arrives (or a test asks); loops check it between messages and
/// sleeps wake up at once, so the message in hand is finished and nothing new is started.
public final class ShutdownSignal: @unchecked Sendable {
    // NSCondition guards `requested`; @unchecked because the lock makes access safe.
    private let condition = NSCondition()
    private var requested = false
    /// Bumped by `wake()`: sleepers return early without a shutdown.
    private var wakeUps = 0
    private var sources: [any DispatchSourceSignal] = []
    /// Readable once shutdown is requested or a change is announced: for threads blocked in poll().
    public let changes = ChangeBeacon()

    public init() {}

    public var isRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return requested
    }

    public func request() {
        condition.lock()
        requested = true
        condition.broadcast()
        condition.unlock()
        changes.announce()
    }

    /// Wakes every sleeper without asking for shutdown (a reload is due).
    public func wake() {
        condition.lock()
        wakeUps += 1
        condition.broadcast()
        condition.unlock()
    }

    /// How many times `wake()` was called: take it before looking for work, and pass it to
    /// `wait(seconds:unlessWokenSince:)` so that a wake-up in between is not slept through.
    public var wakeCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return wakeUps
    }

    /// Sleeps up to `seconds`, or until shutdown or `wake()`; returns true when shutdown was
    /// requested.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        wait(seconds: seconds, unlessWokenSince: wakeCount)
    }

    /// Sleeps up to `seconds`, or until shutdown, or returns at once when `wake()` was called
    /// since `wakeCount` was `count`; true when shutdown was requested.
    @discardableResult
    public func wait(seconds: Double, unlessWokenSince count: Int) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !requested && wakeUps == count && condition.wait(until: deadline) {}
        return requested
    }

    /// Routes SIGINT and SIGTERM to `request()` instead of killing the process.
    public func installSignalHandlers() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.request() }
            source.resume()
            sources.append(source)
        }
    }
}
