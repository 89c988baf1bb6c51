import Foundation
public import Logging
import Synchronization

/// Shows a long poll's progress: on a terminal, one line redrawn in place (done/total, rate,
/// time left) for every mailbox being polled, cut to the terminal's width; elsewhere (a
/// service's journal, a pipe), a log line every few seconds, so a quiet log still shows a backlog
/// moving. Log lines written to the same terminal must call `clear()` first
/// (`LineClearingLogHandler`), or they would start on the progress line.
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

    /// A progress line on standard error, or nil when standard error is not a terminal.
    public static func standardErrorTerminal() -> PollProgressDisplay? {
        isatty(STDERR_FILENO) == 1 ? PollProgressDisplay(output: .terminal(STDERR_FILENO)) : nil
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
            // One row only: a line that wrapped could not be cleared by the next redraw.
            write(fd, "\r\u{1B}[K" + String(shown.map(\.description).joined(separator: " · ").prefix(Self.columns(fd) - 1)))
        case .log(let logger, _):
            for progress in shown where progress.done < progress.total {
                logger.notice("poll progress", metadata: [
                    "mailbox": "\(progress.mailbox)", "done": "\(progress.done)", "total": "\(progress.total)",
                    "rate": "\(Int((progress.rate ?? 0).rounded()))", "remaining_s": "\(Int((progress.remaining ?? 0).rounded(.up)))",
                ])
            }
        }
    }

    /// A mailbox's poll ended: it leaves the line. Once none is left, the next poll starts the
    /// clock again, so a short poll shows nothing.
    public func finished(mailbox: String) {
        state.withLock { state in
            state.mailboxes.removeValue(forKey: mailbox)
            if state.mailboxes.isEmpty { state.lastShown = nil }
        }
    }

    /// Clears the terminal line, so what is printed next starts on a clean line.
    public func clear() {
        let wasShown = state.withLock { state in
            defer { state.lineShown = false }
            return state.lineShown
        }
        if wasShown, case .terminal(let fd) = output { write(fd, "\r\u{1B}[K") }
    }

    /// The terminal's width in columns (80 when it does not say).
    private static func columns(_ fd: Int32) -> Int {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 1 else { return 80 }
        return Int(size.ws_col)
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
