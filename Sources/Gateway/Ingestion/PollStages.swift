import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one poll's time went on its two threads: the reading one (fetch, parse, files) and the
/// recording one (transactions), each busy (wall and CPU seconds) and waiting for the
/// other. The side that does not wait is the one that sets the pace. Logged at debug level, and
/// printed to standard error when `MAILGATE_POLL_STAGES` is set (scripts/bench-poll.sh sets it).
final class PollStages: @unchecked Sendable {
    // @unchecked: the reading thread and the flagging queue write their fields before they end,
    // and they are read only after the poll has waited for both; the recording thread's are its own.
    var readBusy = 0.0
    var readCPU = 0.0
    /// The reading thread waiting for room: the recording side is behind.
    var readWait = 0.0
    var recordBusy = 0.0
    var recordCPU = 0.0
    /// The recording thread waiting for a batch: the reading side is behind.
    var recordWait = 0.0
    /// Waiting for a batch's files to reach the disk.
    var flushWait = 0.0
    /// Flagging (and moving) recorded messages on the server, on a queue of its own beside the
    /// recording.
    var flagging = 0.0

    /// The calling thread's CPU time so far, in seconds.
    static func threadCPU() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Seconds since `start`.
    static func since(_ start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    var description: String {
        String(
            format: "reading %.3f s busy (%.3f s CPU), %.3f s waiting for the recording; recording %.3f s busy (%.3f s CPU), %.3f s waiting for the reading, %.3f s for files to reach the disk; flagging %.3f s",
            readBusy, readCPU, readWait, recordBusy, recordCPU, recordWait, flushWait, flagging)
    }
}
