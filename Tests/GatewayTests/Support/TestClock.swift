import Foundation
import Synchronization

/// The wall clock plus an offset a test moves forward: the gateway reads it for every decision,
/// so an SLA target of minutes passes in no time, and two gateway objects share it like a machine.
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }

    var now: @Sendable () -> Date {
        { Date().addingTimeInterval(self.offset.withLock { $0 }) }
    }
}
