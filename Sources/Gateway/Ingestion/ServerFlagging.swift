import Dispatch
import MailTransport
import Synchronization

/// A poll's IMAP connection for flagging, behind a serial queue: committed transactions are
/// flagged (and moved) in commit order while the recording thread goes on with the next one,
/// instead of waiting for the server's answer on every commit. One job runs and one more waits
/// at most; adding a third waits for room, so a slow server slows the poll instead of piling up
/// work that shutting down would have to wait for.
/// After a failure no further job runs; the poll stops at its next check of `failure`. What
/// stayed unflagged is at or below the committed cursor, so the next poll's straggler search
/// flags it (and `after_processing` moves it); a message kept aside then lacks its
/// `$Helpdesk-Quarantined` keyword, which only this flagging sets.
final class ServerFlagging: @unchecked Sendable {
    // @unchecked: the client is used by one job at a time, in order (the serial queue);
    // `firstFailure` and `abandoned` are Mutexes.
    private let client: IMAPClient
    private let queue = DispatchQueue(label: "mailgate.poll-flags")
    private let room = DispatchSemaphore(value: 2)
    private let firstFailure = Mutex<(any Error)?>(nil)
    private let abandoned = Mutex(false)
    private let stages: PollStages?

    init(client: IMAPClient, stages: PollStages? = nil) {
        self.client = client
        self.stages = stages
    }

    /// The first failure of a job so far, if any.
    var failure: (any Error)? { firstFailure.withLock { $0 } }

    /// Runs `job` after every job added before it, once there is room; skipped once one has
    /// failed or the rest were abandoned.
    func add(_ job: @escaping @Sendable (IMAPClient) throws -> Void) {
        room.wait()
        queue.async { [self] in
            defer { room.signal() }
            guard failure == nil, !abandoned.withLock({ $0 }) else { return }
            let started = ContinuousClock.now
            do {
                try job(client)
            } catch {
                firstFailure.withLock { $0 = $0 ?? error }
            }
            stages?.flagging += PollStages.since(started)
        }
    }

    /// Skips the jobs that have not started: once the folder was renumbered, their UIDs name
    /// other messages.
    func abandon() {
        abandoned.withLock { $0 = true }
    }

    /// Waits for the job running and those still to run; throws the first failure.
    func finish() throws {
        queue.sync {}
        if let failure { throw failure }
    }
}
