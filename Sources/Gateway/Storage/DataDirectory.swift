import Foundation
public import HelpdeskStore

/// Where the gateway keeps files: attachments and raw messages, content-addressed by SHA-256,
/// and the raw messages a poll read, one pack per batch.
public struct DataDirectory: Sendable {
    public let root: String
    /// Attachment bytes, kept as long as the tickets.
    public private(set) var attachments: BlobStore
    /// Raw messages with a file of their own (from the MTA pipe, kept aside, delivery reports),
    /// kept for the mailbox's retention (and always when kept aside).
    public private(set) var messages: BlobStore
    /// Raw messages a poll read in a batch, one file per batch (`messages/packs/`).
    public let packs: PackStore

    public init(root: String) {
        self.root = root
        attachments = BlobStore(root: (root as NSString).appendingPathComponent("attachments"))
        messages = BlobStore(root: (root as NSString).appendingPathComponent("messages"))
        packs = PackStore(root: (root as NSString).appendingPathComponent("messages/packs"))
    }

    /// The same folders, with files left unsynced until `syncFileSystem()`: for a batch that
    /// flushes once before it commits.
    func deferringSync() -> DataDirectory {
        var copy = self
        copy.attachments.syncsEachFile = false
        copy.messages.syncsEachFile = false
        return copy
    }

    /// Makes every file written so far durable: one flush per file system the stores are on
    /// (each flush can wait for the disk even when nothing is left to write).
    func syncFileSystem() throws {
        var flushed: Set<UInt64> = []
        for store in [attachments, messages, BlobStore(root: packs.root)] {
            if let id = store.fileSystemID(), !flushed.insert(id).inserted { continue }
            try store.syncFileSystem()
        }
    }
}
