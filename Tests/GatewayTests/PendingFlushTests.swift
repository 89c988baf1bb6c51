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

    @Test("flushes started on one serial queue end in the order they were started")
    func flushesRunInOrder() throws {
        let queue = DispatchQueue(label: "test.flush")
        let order = Mutex<[Int]>([])
        let gate = DispatchSemaphore(value: 0)
        let first = PendingFlush(on: queue) {
            gate.wait()  // held until both are queued: the second must still come after it
            order.withLock { $0.append(1) }
        }
        let second = PendingFlush(on: queue) { order.withLock { $0.append(2) } }
        gate.signal()
        try second.wait()
        try first.wait()
        #expect(order.withLock { $0 } == [1, 2])
    }
}
