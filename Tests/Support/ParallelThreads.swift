import Foundation
import Synchronization

/// Runs `body(0) … body(count - 1)` at the same moment, each on a thread of its own, and waits
/// for all; the results in index order, or the first error. Threads, not tasks: the bodies block
/// (a database call), and blocking Swift concurrency's few shared threads stalls other tests.
public func onThreads<Value: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Value) throws -> [Value] {
    let results = Mutex<[Int: Result<Value, any Error>]>([:])
    let group = DispatchGroup()
    // All start together, so their calls really overlap.
    let start = DispatchSemaphore(value: 0)
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            start.wait()
            let result = Result { try body(index) }
            results.withLock { $0[index] = result }
            group.leave()
        }
        thread.start()
    }
    for _ in 0..<count { start.signal() }
    group.wait()
    return try results.withLock { stored in try (0..<count).map { try stored[$0]!.get() } }
}
