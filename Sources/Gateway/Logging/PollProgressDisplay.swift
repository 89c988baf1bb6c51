import Foundation
public import Logging
import Synchronization

/// Shows a long poll's progress: on a terminal, one line redrawn in place (done/total, rate,
/// time left) for every mailbox being polled; elsewhere (a service's journal, a pipe), a log
/// line every few seconds, so a quiet log still shows a backlog moving.
public final class PollProgressDisplay: Sendable {
    enum Output {
        /// Redraws a line on this file descriptor (a terminal).
        case terminal(Int32)
        /// Logs at notice level at most once per `every` seconds.
        case log(Logger, every: Double)
    }

    private struct State {
        var mailboxes: [String: PollProgress] = [:]
        var lastShown: ContinuousClock.Instant?
        var lineShown = false
    }

    private let output: Output
    private let state = Mutex(State())
    /// A terminal line is redrawn at most this often, so drawing never slows the poll.
    private static let redraw = Duration.milliseconds(100)

    init(output: Output) {
        self.output = output
    }

    /// A progress line on standard error when it is a terminal, log lines every 5 s otherwise.
    public static func standardError(logger: Logger) -> PollProgressDisplay {
        PollProgressDisplay(output: isatty(STDERR_FILENO) == 1 ? .terminal(STDERR_FILENO) : .log(logger, every: 5))
    }

    /// Log lines every `seconds`, for the daemon.
    public static func log(_ logger: Logger, every seconds: Double = 5) -> PollProgressDisplay {
        PollProgressDisplay(output: .log(logger, every: seconds))
    }

    /// Takes a mailbox's progress after a batch; shows it when it is time to.
    public func update(_ progress: PollProgress) {
        let now = ContinuousClock.now
        let shown: [PollProgress]? = state.withLock { state in
            state.mailboxes[progress.mailbox] = progress
            let interval: Duration
            switch output {
            case .terminal: interval = Self.redraw
            case .log(_, let every): interval = .milliseconds(Int64(every * 1000))
            }
            // The first batch starts the clock: a poll that ends within the interval shows nothing.
            guard let last = state.lastShown else {
                state.lastShown = now
                return nil
            }
            guard now - last >= interval else { return nil }
            state.lastShown = now
            if case .terminal = output { state.lineShown = true }
            return state.mailboxes.values.sorted { $0.mailbox < $1.mailbox }
        }
        guard let shown else { return }
        switch output {
        case .terminal(let fd):
            write(fd, "\r\u{1B}[K" + shown.map(\.description).joined(separator: " · "))
        case .log(let logger, _):
            for progress in shown where progress.done < progress.total {
                logger.notice("poll progress", metadata: [
                    "mailbox": "\(progress.mailbox)", "done": "\(progress.done)", "total": "\(progress.total)",
                    "rate": "\(Int((progress.rate ?? 0).rounded()))", "remaining_s": "\(Int((progress.remaining ?? 0).rounded(.up)))",
                ])
            }
        }
    }

    /// A mailbox's poll ended: it leaves the line.
    public func finished(mailbox: String) {
        state.withLock { _ = $0.mailboxes.removeValue(forKey: mailbox) }
    }

    /// Clears the terminal line, so what is printed next starts on a clean line.
    public func clear() {
        let wasShown = state.withLock { state in
            defer { state.lineShown = false }
            return state.lineShown
        }
        if wasShown, case .terminal(let fd) = output { write(fd, "\r\u{1B}[K") }
    }

    private func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
