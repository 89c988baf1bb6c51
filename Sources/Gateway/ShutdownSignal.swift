import Foundation

/// Set once SIGINT or SIGTERM arrives (or a test asks); loops check it between messages and
/// sleeps wake up at once, so the message in hand is finished and nothing new is started.
public final class ShutdownSignal: @unchecked Sendable {
    // NSCondition guards `requested`; @unchecked because the lock makes access safe.
    private let condition = NSCondition()
    private var requested = false
    private var sources: [any DispatchSourceSignal] = []

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
    }

    /// Sleeps up to `seconds`; returns early (true) when shutdown was requested.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !requested && condition.wait(until: deadline) {}
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
