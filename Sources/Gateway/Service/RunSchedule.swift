/// How often the daemon does each of its jobs, in seconds.
public struct RunSchedule: Sendable, Equatable {
    /// Between polls of a mailbox, and between outbox passes when nothing wakes them sooner.
    public var interval: Double
    /// Between SLA clock passes (and samples of the store's levels for the metrics).
    public var slaInterval: Double
    /// Between heartbeat log lines.
    public var heartbeat: Double
    /// Whether to wait for new mail in IMAP IDLE where the server offers it.
    public var idle: Bool
    /// Between full polls of a mailbox in IDLE, the safety net for news the server did not send.
    public var fullPoll: Double
    /// How long a lease (a mailbox's work, the SLA pass) holds without renewal: the longest an
    /// instance that died keeps its work from the others. Renewed every third of it.
    public var lease: Double

    public init(
        interval: Double = 5, slaInterval: Double = 30, heartbeat: Double = 300, idle: Bool = true, fullPoll: Double = 300, lease: Double = 30
    ) {
        self.interval = interval
        self.slaInterval = slaInterval
        self.heartbeat = heartbeat
        self.idle = idle
        self.fullPoll = fullPoll
        self.lease = lease
    }
}
