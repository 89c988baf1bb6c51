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
            // A pack goes once none of its messages is kept: those expire together, unless one
            // was kept aside while recording, which keeps its pack.
            for pack in try database.unkeptPacks(Set(expired.compactMap(\.rawPack))) where try data.packs.remove(pack) {
                summary.files += 1
            }
        }
        return summary
    }
}
