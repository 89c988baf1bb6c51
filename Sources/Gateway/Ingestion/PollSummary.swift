import Foundation

/// What one poll of one mailbox did.
public struct PollSummary: Sendable, Equatable, CustomStringConvertible {
    public var mailbox: String
    public var fetched = 0
    public var ticketsCreated = 0
    public var commentsAdded = 0
    public var duplicates = 0
    public var quarantined = 0
    /// Bounces and other reports about mail we sent.
    public var reports = 0
    /// Set when the poll stopped early (server unreachable, login refused …).
    public var error: String?
    /// Messages on the server above the cursor that this poll did not record (it stopped early),
    /// when the poll got as far as listing them.
    public var unrecorded: Int?
    /// How long the poll took, when it was timed.
    public var seconds: Double?

    public init(mailbox: String) { self.mailbox = mailbox }

    /// Adds what `other` counted (tickets, comments, duplicates, kept aside, reports).
    mutating func addCounts(of other: PollSummary) {
        ticketsCreated += other.ticketsCreated
        commentsAdded += other.commentsAdded
        duplicates += other.duplicates
        quarantined += other.quarantined
        reports += other.reports
    }

    public var description: String {
        var text = "\(mailbox): \(fetched) fetched, \(ticketsCreated) new tickets, \(commentsAdded) comments, \(duplicates) duplicates, \(quarantined) quarantined"
        if reports > 0 { text += ", \(reports) delivery reports" }
        if let seconds {
            text += " in \(String(format: "%.2f", seconds)) s"
            if fetched > 0, seconds > 0 { text += " (\(Int((Double(fetched) / seconds).rounded())) msg/s)" }
        }
        if let error { text += "; stopped: \(error)" }
        return text
    }
}
