import Foundation
public import HelpdeskStore

/// Where the gateway keeps files: attachments and raw messages, each content-addressed by SHA-256.
public struct DataDirectory: Sendable {
    public let root: String
    /// Attachment bytes, kept as long as the tickets.
    public private(set) var attachments: BlobStore
    /// Raw messages, kept for the mailbox's retention (and always when kept aside).
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

    /// Makes every file written so far durable (both stores; one flush when they share a file system).
    func syncFileSystem() throws {
        try attachments.syncFileSystem()
        try messages.syncFileSystem()
    }
}
