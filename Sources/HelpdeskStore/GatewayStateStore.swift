public import Foundation

/// What a running gateway reports about itself, and what `helpdesk status` and the health
/// endpoints read back: each mailbox's last poll, and counts across the store.
public protocol GatewayStateStore: Sendable {
    /// Records how one poll of one mailbox ended (success or failure), replacing the last one.
    func recordPoll(_ report: PollReport) throws
    /// Records that a poll still under way is getting work done (messages recorded), so a long
    /// backlog does not look like a stalled poller.
    func recordPollProgress(mailbox: String, at now: Date) throws
    /// The last poll of every mailbox that was ever polled, by mailbox name.
    func pollStates() throws -> [PollState]
    /// Counts for a health summary, as of `now`.
    func health(at now: Date) throws -> StoreHealth
    /// Throws unless a write transaction can be begun now (not read-only, not locked for longer
    /// than the busy timeout).
    func checkWritable() throws
}
