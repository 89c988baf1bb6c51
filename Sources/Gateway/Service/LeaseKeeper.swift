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

    /// Whether this instance is the only one the store allows (SQLite, under the one-run lock):
    /// it then takes every lease whoever held it, so a restart after a crash works at once.
    let exclusive: Bool

    /// `holder`: host, pid and a random part (containers often share a host name and a pid).
    init(store: any LeaseStore, duration: TimeInterval, exclusive: Bool, logger: Logger, now: @escaping @Sendable () -> Date,
         holder: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(6).lowercased())") {
        self.store = store
        self.duration = duration
        self.exclusive = exclusive
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

    /// Takes or renews every lease in `wanted` in one write; returns the leases gained in this
    /// round (with whom they were taken from) and the names lost.
    @discardableResult
    func refresh(_ wanted: [String]) -> (gained: [LeaseGrant], lost: [String]) {
        // Counted from before the write: the rows' expiry is at least this late.
        let started = Date()
        let before = held.withLock { $0 }
        var gained: [LeaseGrant] = []
        var lost: [String] = []
        do {
            let grants = try store.acquireLeases(wanted, holder: holder, for: duration, at: now(), force: exclusive)
            let granted = Set(grants.map(\.name))
            held.withLock { held in
                for name in wanted { held[name] = granted.contains(name) ? started.addingTimeInterval(duration) : nil }
            }
            gained = grants.filter { before[$0.name].map { $0 <= started } ?? true }
            lost = wanted.filter { !granted.contains($0) && (before[$0].map { $0 > started } ?? false) }
        } catch {
            // Kept until their own expiry: a short database hiccup must not stop the work.
            logger.warning("could not renew the leases; they lapse unless a later renewal succeeds", metadata: ["error": "\(error)"])
            let lapsed = Date()
            lost = before.filter { $0.value <= lapsed }.map(\.key)
            held.withLock { held in for name in lost { held[name] = nil } }
        }
        // Leases no longer wanted (a mailbox removed by a reload) are given back.
        let unwanted = held.withLock { Array($0.keys.filter { !wanted.contains($0) }) }
        for name in unwanted {
            try? store.releaseLease(name, holder: holder)
            held.withLock { $0[name] = nil }
        }
        for grant in gained {
            logger.notice("lease taken: this instance now does its work", metadata: [
                "lease": "\(grant.name)", "holder": "\(holder)", "from": "\(grant.previousHolder ?? "nobody")"])
        }
        for name in lost { logger.warning("lease lost: another instance does its work now", metadata: ["lease": "\(name)", "holder": "\(holder)"]) }
        if !gained.isEmpty || !lost.isEmpty { wakeWaiters() }
        return (gained, lost)
    }

    /// Gives every lease back, so another instance takes over at once instead of after they lapse.
    func releaseAll() {
        let names = held.withLock { state in
            defer { state = [:] }
            return Array(state.keys)
        }
        for name in names { try? store.releaseLease(name, holder: holder) }
        wakeWaiters()
    }

    /// Sleeps until a lease is gained or lost, or `seconds` pass.
    func waitForChange(seconds: Double) {
        let seen = changes.withLock { $0 }
        let deadline = Date(timeIntervalSinceNow: seconds)
        changed.lock()
        defer { changed.unlock() }
        while changes.withLock({ $0 }) == seen, changed.wait(until: deadline) {}
    }

    /// Wakes every `waitForChange`: a lease came or went, or the gateway stops.
    func wakeWaiters() {
        changes.withLock { $0 += 1 }
        changed.lock()
        changed.broadcast()
        changed.unlock()
    }
}
