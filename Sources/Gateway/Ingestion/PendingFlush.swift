import Dispatch

/// A batch's files being flushed to disk on a queue of their own: the recording thread records
/// the batch meanwhile and waits only before its commit, the reading thread reads on.
final class PendingFlush: @unchecked Sendable {
    // @unchecked: `error` is written once before `done` is signalled and read only after it.
    private let done = DispatchSemaphore(value: 0)
    private var error: (any Error)?

    /// Starts `flush` on `queue` (a serial one keeps flushes in batch order).
    init(on queue: DispatchQueue, _ flush: @escaping @Sendable () throws -> Void) {
        queue.async {
            do { try flush() } catch { self.error = error }
            self.done.signal()
        }
    }

    /// Waits until the flush is done; throws its error. May be called again.
    func wait() throws {
        done.wait()
        done.signal()
        if let error { throw error }
    }
}
