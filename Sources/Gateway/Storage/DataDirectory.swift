import Foundation
public import HelpdeskStore

/// Where the gateway keeps files: attachments and raw messages, each content-addressed by SHA-256.
public struct DataDirectory: Sendable {
    public let root: String
    /// Attachment bytes, kept as long as the tickets.
    public let attachments: BlobStore
    /// Raw messages, kept for the mailbox's retention (and always when kept aside).
    public let messages: BlobStore

    public init(root: String) {
        self.root = root
        attachments = BlobStore(root: (root as NSString).appendingPathComponent("attachments"))
        messages = BlobStore(root: (root as NSString).appendingPathComponent("messages"))
    }
}
