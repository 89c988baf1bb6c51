import Foundation
import HelpdeskStore
import Logging
import Synchronization

/// This instance's leases (see `LeaseStore`): taken and renewed every third of their duration
/// on a thread of its own, so a long poll or an IDLE wait never lets one lapse. A lease counts as
/// held only until its last renewal's expiry by this machine's clock: an instance cut off from the
/// database stops its work before another may take it.
final class LeaseKeeper: Sendable {
    /// This instance in lease rows and `helpdesk status`: host and pid.
    let holder: String
    let duration: TimeInterval
    private let store: any LeaseStore
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// Per lease name, until when this instance may work under it.
    private let held = Mutex<[String: Date]>([:])
    private let changed = NSCondition()
    private let changes = Mutex(0)

    init(store: any LeaseStore, duration: TimeInterval, logger: Logger, now: @escaping @Sendable () -> Date,
         holder: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)") {
        self.store = store
        self.duration = duration
        self.logger = logger
        self.now = now
        self.holder = holder
    }

    static func mailbox(_ name: String) -> String { "mailbox:\(name)" }
    static let housekeeping = "housekeeping"

    /// Whether this instance may do the work `name` stands for now.
    func holds(_ name: String) -> Bool {
        held.withLock { $0[name].map { $0 > Date() } ?? false }
    }

    /// Takes or renews every lease in `wanted`; returns the names gained and lost in this round.
    @discardableResult
    func refresh(_ wanted: [String]) -> (gained: [String], lost: [String]) {
        var gained: [String] = []
        var lost: [String] = []
        for name in wanted {
            // Counted from before the write: the row's expiry is at least this late.
            let started = Date()
            let had = holds(name)
            do {
                if try store.acquireLease(name, holder: holder, for: duration, at: now()) {
                    held.withLock { $0[name] = started.addingTimeInterval(duration) }
                    if !had { gained.append(name) }
                } else {
                    held.withLock { $0[name] = nil }
                    if had { lost.append(name) }
                }
            } catch {
                // Kept until its own expiry: a short database hiccup must not stop the work.
                logger.warning("could not renew a lease; it lapses unless a later renewal succeeds", metadata: [
                    "lease": "\(name)", "error": "\(error)"])
                if had, !holds(name) { lost.append(name) }
            }
        }
        // Leases no longer wanted (a mailbox removed by a reload) are given back.
        let unwanted = held.withLock { Array($0.keys.filter { !wanted.contains($0) }) }
        for name in unwanted {
            try? store.releaseLease(name, holder: holder)
            held.withLock { $0[name] = nil }
        }
        for name in gained { logger.notice("lease taken: this instance now does its work", metadata: ["lease": "\(name)", "holder": "\(holder)"]) }
        for name in lost { logger.warning("lease lost: another instance does its work now", metadata: ["lease": "\(name)", "holder": "\(holder)"]) }
        if !gained.isEmpty || !lost.isEmpty { announce() }
        return (gained, lost)
    }

    /// Gives every lease back, so another instance takes over at once instead of after they lapse.
    func releaseAll() {
        let names = held.withLock { state in
            defer { state = [:] }
            return Array(state.keys)
        }
        for name in names { try? store.releaseLease(name, holder: holder) }
        announce()
    }

    /// Sleeps until a lease is gained or lost, or `seconds` pass.
    func waitForChange(seconds: Double) {
        let seen = changes.withLock { $0 }
        let deadline = Date(timeIntervalSinceNow: seconds)
        changed.lock()
        defer { changed.unlock() }
        while changes.withLock({ $0 }) == seen, changed.wait(until: deadline) {}
    }

    private func announce() {
        changes.withLock { $0 += 1 }
        changed.lock()
        changed.broadcast()
        changed.unlock()
    }
}
