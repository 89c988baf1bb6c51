import HelpdeskCore
import HelpdeskStore

/// A message read and ready to record: parsed, its files written, its content gathered. What is
/// left is the store's part, so reading the next messages can go on while this one is recorded.
struct PreparedMessage: Sendable {
    /// Its UID on the IMAP server, when it came from there.
    let uid: UInt32?
    /// Why no automatic answer may go to its sender, for the log.
    let suppression: AutoReplySuppression?
    /// Records it through a store or a batch of one.
    let record: @Sendable (any InboundRecorder) throws -> IngestResult
}
