public import Foundation

/// How one poll of one mailbox ended, as the poller reports it.
public struct PollReport: Sendable, Equatable {
    public var mailbox: String
    public var at: Date
    public var duration: TimeInterval
    /// The server's or the pipeline's own words when the poll stopped early; nil on success.
    public var error: String?
    /// Messages on the server not yet recorded when the poll ended, when known.
    public var unrecorded: Int?
    /// Seconds until the poller's next poll; nil for a one-off poll.
    public var interval: TimeInterval?

    public init(mailbox: String, at: Date, duration: TimeInterval, error: String?, unrecorded: Int?, interval: TimeInterval?) {
        self.mailbox = mailbox
        self.at = at
        self.duration = duration
        self.error = error
        self.unrecorded = unrecorded
        self.interval = interval
    }
}

/// A mailbox's last poll as stored: when it last ran, last succeeded, and last failed.
public struct PollState: Sendable, Equatable {
    public var mailbox: String
    public var lastAttemptAt: Date
    public var lastSuccessAt: Date?
    public var lastFailed: Bool
    public var lastError: String?
    public var lastErrorAt: Date?
    public var duration: TimeInterval
    public var unrecorded: Int?
    public var interval: TimeInterval?

    public init(
        mailbox: String, lastAttemptAt: Date, lastSuccessAt: Date?, lastFailed: Bool, lastError: String?, lastErrorAt: Date?,
        duration: TimeInterval, unrecorded: Int?, interval: TimeInterval?
    ) {
        self.mailbox = mailbox
        self.lastAttemptAt = lastAttemptAt
        self.lastSuccessAt = lastSuccessAt
        self.lastFailed = lastFailed
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.duration = duration
        self.unrecorded = unrecorded
        self.interval = interval
    }
}
