import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A file descriptor that turns readable for every waiter at once when a change (shutdown, a
/// reload) is announced: threads blocked in poll() on a server's socket add it to their set and
/// wake for the change, instead of waking every second to look (200 IDLE threads doing that kept
/// 200 wake-ups a second going on an idle gateway).
///
/// Each announcement closes the write end of the current pipe, which makes its read end readable
/// for good; the next waiter gets a fresh pipe. Read ends are closed only with the beacon, so a
/// waiter still polling an announced one never polls a reused descriptor.
public final class ChangeBeacon: Sendable {
    private struct Pipes {
        var current: (read: Int32, write: Int32)?
        var announced: [Int32] = []
    }

    private let pipes = Mutex(Pipes())

    public init() {}

    deinit {
        pipes.withLock { pipes in
            if let current = pipes.current {
                close(current.read)
                close(current.write)
            }
            pipes.announced.forEach { close($0) }
        }
    }

    /// The descriptor to poll for the next announcement; nil when no pipe could be made (then
    /// callers look at their stop condition every so often instead).
    public var descriptor: Int32? {
        pipes.withLock { pipes in
            if let current = pipes.current { return current.read }
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { return nil }
            // Not inherited by child processes (sendmail, hooks): only this process announces.
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
            pipes.current = (ends[0], ends[1])
            return ends[0]
        }
    }

    /// Wakes everyone polling the current descriptor.
    public func announce() {
        pipes.withLock { pipes in
            guard let current = pipes.current else { return }
            close(current.write)
            pipes.announced.append(current.read)
            pipes.current = nil
        }
    }
}
