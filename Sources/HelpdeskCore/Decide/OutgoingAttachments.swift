/// Which of an agent's files go out with their public reply: all of them, or none when together
/// they pass the mailbox's limit (a reply with some files missing would read as complete).
public enum OutgoingAttachments {
    public static func split(_ files: [AttachmentDraft], limit: Int) -> (sent: [AttachmentDraft], leftOut: [AttachmentDraft]) {
        let total = files.reduce(0) { $0 + $1.size }
        return total <= limit ? (files, []) : ([], files)
    }
}
