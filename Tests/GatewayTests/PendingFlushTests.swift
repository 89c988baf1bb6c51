import Dispatch
@testable import Gateway
import Synchronization
import Testing

/// A batch's flush runs beside the threads; waiting for it gives its outcome, as often as asked.
@Suite("Pending flush")
struct PendingFlushTests {
    private struct DiskFull: Error {}

    @Test func waitingGivesTheFlushesOutcomeEveryTime() throws {
        let queue = DispatchQueue(label: "test.flush")
        let good = PendingFlush(on: queue) {}
        let bad = PendingFlush(on: queue) { throw DiskFull() }
        try good.wait()
        try good.wait()
        #expect(throws: DiskFull.self) { try bad.wait() }
        #expect(throws: DiskFull.self) { try bad.wait() }
    }

    @Test("flushes on one queue run one at a time, in order")
    func flushesRunInOrder() throws {
        let queue = DispatchQueue(label: "test.flush")
        let order = Mutex<[Int]>([])
        let gate = DispatchSemaphore(value: 0)
        let first = PendingFlush(on: queue) {
            gate.wait()  // the second may not start while the first is still flushing
            order.withLock { $0.append(1) }
        }
        let second = PendingFlush(on: queue) { order.withLock { $0.append(2) } }
        #expect(order.withLock { $0 }.isEmpty)
        gate.signal()
        try second.wait()
        try first.wait()
        #expect(order.withLock { $0 } == [1, 2])
    }
}
