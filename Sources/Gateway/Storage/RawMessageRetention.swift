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
        var packs: Set<String> = []
        for mailbox in config.mailboxes {
            guard let days = mailbox.rawMessageRetentionDays else { continue }
            let cutoff = now().addingTimeInterval(-Double(days) * 86_400)
            let expired = try database.keptRawMessages(mailbox: mailbox.name, receivedBefore: cutoff)
            summary.messages += expired.count
            guard !dryRun else { continue }
            for digest in try database.forgetRawMessages(ids: expired.compactMap(\.id)) where try data.messages.remove(digest) {
                summary.files += 1
            }
            packs.formUnion(expired.compactMap(\.rawPack).filter { data.packs.path(for: $0) != nil })
        }
        guard !dryRun else { return summary }
        // A pack goes once no row keeps a message in it: its messages expired together (one
        // mailbox, one batch). So does one no message was ever recorded from (the poll stopped,
        // crashed or rolled back after reading its batch), looked for among the packs started
        // a day to a week ago: a day, so a pack a poll is still writing or recording is never
        // caught (instances sharing the data directory keep their clocks within that); a week,
        // so each run asks about a week's packs, not every one kept. The gateway runs this
        // hourly; a pack it missed (stopped for longer than a week) stays, holding nothing
        // the database names.
        let day: TimeInterval = 86_400
        packs.formUnion(try data.packs.names(started: now().addingTimeInterval(-7 * day)..<now().addingTimeInterval(-day)))
        for pack in try database.unkeptPacks(packs).sorted() where try data.packs.remove(pack) {
            summary.files += 1
        }
        return summary
    }
}
