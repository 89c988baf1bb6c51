import Foundation
import Logging
import MailTransport

/// Keeps one mailbox's IMAP IDLE connection between polls, so the poller wakes the moment mail
/// arrives. Any trouble (no IDLE on the server, a dropped connection) falls back to polling at
/// the interval, and a broken connection is tried again after a backoff with jitter. Used by one
/// poll thread only.
final class IdleWatcher {
    private let mailbox: String
    private let logger: Logger
    private var connection: IMAPIdleConnection?
    /// The endpoint whose server said it has no IDLE: not asked again until the settings change.
    private var withoutIdle: ServerEndpoint?
    private var failures = 0
    private var nextAttempt = Date.distantPast

    init(mailbox: String, logger: Logger) {
        self.mailbox = mailbox
        self.logger = logger
    }

    /// Whether polls are now driven by IDLE (so they come at the full-poll interval at the latest).
    var isWatching: Bool { connection != nil }

    /// Waits in IDLE for news until `deadline` or `shouldStop`; false when IDLE cannot be used now
    /// and the caller should sleep its interval instead. True also right after a new connection,
    /// without waiting: mail that came between the last poll and the new connection's EXAMINE
    /// would not be announced, so the caller polls once more first.
    /// `beacon` gives a descriptor that turns readable when `shouldStop` should be asked again.
    func waitForNews(endpoint: ServerEndpoint, until deadline: Date, beacon: () -> Int32? = { nil }, shouldStop: () -> Bool) -> Bool {
        if withoutIdle == endpoint || Date() < nextAttempt { return false }
        do {
            guard let connection, connection.endpoint == endpoint else {
                let opened = try IMAPIdleConnection(endpoint: endpoint)
                guard opened.supportsIdle else {
                    withoutIdle = endpoint
                    self.connection = nil
                    logger.notice("the IMAP server offers no IDLE; polling at the interval", metadata: ["mailbox": "\(mailbox)"])
                    return false
                }
                connection = opened
                return true
            }
            _ = try connection.wait(until: deadline, beacon: beacon, shouldStop: shouldStop)
            failures = 0
            return true
        } catch {
            connection = nil
            failures += 1
            // 2, 4, 8 … seconds up to 5 minutes, each spread by ±25 % so that many mailboxes on
            // one server do not reconnect in step.
            let delay = min(300, pow(2, Double(min(failures, 9)))) * Double.random(in: 0.75...1.25)
            nextAttempt = Date().addingTimeInterval(delay)
            logger.warning("IMAP IDLE stopped; polling at the interval meanwhile", metadata: [
                "mailbox": "\(mailbox)", "error": "\(error)", "retry_idle_in_s": "\(Int(delay))"])
            return false
        }
    }
}
