import Dispatch
import MailTransport
import Synchronization

/// A poll's IMAP connection for flagging, behind a serial queue: committed transactions are
/// flagged (and moved) in commit order while the recording thread goes on with the next one,
/// instead of waiting for the server's answer on every commit.
/// After a failure nothing more is sent; the poll stops at its next check of `failure`, and
/// what stayed unflagged is at or below the committed cursor, so the next poll's straggler
/// search flags it (and `after_processing` moves it).
final class ServerFlagging: @unchecked Sendable {
    // @unchecked: the client is used only on `queue`, one job at a time; `firstFailure` is a Mutex.
    private let client: IMAPClient
    private let queue = DispatchQueue(label: "mailgate.poll-flags")
    private let firstFailure = Mutex<(any Error)?>(nil)
    private let stages: PollStages?

    init(client: IMAPClient, stages: PollStages? = nil) {
        self.client = client
        self.stages = stages
    }

    /// The first failure of a job so far, if any.
    var failure: (any Error)? { firstFailure.withLock { $0 } }

    /// Runs `job` after every job added before it; skipped once one has failed.
    func add(_ job: @escaping @Sendable (IMAPClient) throws -> Void) {
        queue.async { [self] in
            guard failure == nil else { return }
            let started = ContinuousClock.now
            do {
                try job(client)
            } catch {
                firstFailure.withLock { $0 = $0 ?? error }
            }
            stages?.flagging += PollStages.since(started)
        }
    }

    /// Runs `body` with the connection on the calling thread, once every job added before it is done.
    func withClient<T>(_ body: (IMAPClient) throws -> T) throws -> T {
        try queue.sync { try body(client) }
    }

    /// Waits for every job added so far; throws the first failure.
    func finish() throws {
        queue.sync {}
        if let failure { throw failure }
    }
}
