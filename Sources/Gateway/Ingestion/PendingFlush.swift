import Dispatch

/// A batch's files being flushed to disk on a queue of their own, while the reading thread reads
/// the next batches; the recording thread waits for it before recording the batch.
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
