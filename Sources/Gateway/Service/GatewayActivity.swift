import Synchronization

/// Counts of what the daemon did since the last heartbeat line; loops add, the heartbeat takes.
final class GatewayActivity: Sendable {
    /// One heartbeat's worth of work.
    struct Counts: Sendable, Equatable {
        var polls = 0
        var failedPolls = 0
        var messages = 0
        var sent = 0
        var retrying = 0
        var failed = 0
    }

    private let counts = Mutex(Counts())
    /// Why the last write of the gateway's own state failed; nil once one succeeds again. A
    /// database that stopped taking writes (disk full, read-only remount) shows here first.
    private let writeFailure = Mutex<String?>(nil)

    /// Runs a write of the gateway's own state and remembers whether it failed; the error, if any.
    @discardableResult
    func recordWrite(_ write: () throws -> Void) -> (any Error)? {
        do {
            try write()
            writeFailure.withLock { $0 = nil }
            return nil
        } catch {
            writeFailure.withLock { $0 = "\(error)" }
            return error
        }
    }

    /// The last write's failure, while no write has succeeded since.
    var lastWriteFailure: String? { writeFailure.withLock { $0 } }

    func add(_ poll: PollSummary) {
        counts.withLock {
            $0.polls += 1
            $0.failedPolls += poll.error == nil ? 0 : 1
            $0.messages += poll.fetched
        }
    }

    func add(_ dispatch: DispatchSummary) {
        counts.withLock {
            $0.sent += dispatch.sent
            $0.retrying += dispatch.retrying
            $0.failed += dispatch.failed
        }
    }

    /// The counts since the last call, starting over.
    func take() -> Counts {
        counts.withLock { counts in
            defer { counts = Counts() }
            return counts
        }
    }
}
