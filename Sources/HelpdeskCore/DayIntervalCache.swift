import Foundation
import Synchronization

/// A business calendar's open intervals per local day, kept once computed (thread-safe, bounded).
final class DayIntervalCache: Sendable {
    /// Far more days than any SLA target spans; past it the cache starts over rather than grow
    /// for a process that runs for years.
    static let capacity = 1024

    private let days = Mutex<[Int: [(TimeInterval, TimeInterval)]]>([:])

    func intervals(onDay day: Int) -> [(TimeInterval, TimeInterval)]? {
        days.withLock { $0[day] }
    }

    func remember(_ intervals: [(TimeInterval, TimeInterval)], onDay day: Int) {
        days.withLock { days in
            if days.count >= Self.capacity { days.removeAll(keepingCapacity: true) }
            days[day] = intervals
        }
    }
}
