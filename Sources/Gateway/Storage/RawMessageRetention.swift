import Foundation
import HelpdeskStore

/// What one retention run removed.
public struct PruneSummary: Sendable, Equatable, CustomStringConvertible {
    public var messages = 0
    public var files = 0

    public var description: String { "raw messages: \(messages) past retention, \(files) files deleted" }
}

extension HelpdeskGateway {
    /// Deletes raw messages older than their mailbox's `keep_raw_messages`. The database is
    /// updated first, so a crash leaves at worst a file nobody points to, never a dangling record.
    public func pruneRawMessages(dryRun: Bool = false) throws -> PruneSummary {
        var summary = PruneSummary()
        for mailbox in config.mailboxes {
            guard let days = mailbox.rawMessageRetentionDays else { continue }
            let cutoff = now().addingTimeInterval(-Double(days) * 86_400)
            let expired = try database.keptRawMessages(mailbox: mailbox.name, receivedBefore: cutoff)
            summary.messages += expired.count
            guard !dryRun else { continue }
            for digest in try database.forgetRawMessages(ids: expired.compactMap(\.id)) where try data.messages.remove(digest) {
                summary.files += 1
            }
        }
        guard !dryRun else { return summary }
        // A pack goes once no row keeps a message in it: its messages expired together (one
        // mailbox, one batch), or none was ever recorded from it (the poll stopped, crashed or
        // rolled back after reading its batch), or a run was cut short after forgetting them. A
        // day old at least, so a pack a poll is still writing or recording is never caught.
        let old = try data.packs.names(startedBefore: now().addingTimeInterval(-86_400))
        for pack in try database.unkeptPacks(Set(old)).sorted() where try data.packs.remove(pack) {
            summary.files += 1
        }
        return summary
    }
}
