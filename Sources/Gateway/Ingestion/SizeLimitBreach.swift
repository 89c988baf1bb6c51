/// Which size limit a message broke; sizes in bytes, nil when the server did not say.
enum SizeLimitBreach {
    case message(size: Int?)
    case attachment(name: String, size: Int)

    var size: Int? {
        switch self {
        case .message(let size): size
        case .attachment(_, let size): size
        }
    }

    func limit(for mailbox: MailboxConfig) -> Int {
        switch self {
        case .message: mailbox.maximumMessageSize
        case .attachment: mailbox.maximumAttachmentSize
        }
    }

    /// For the record (`record`) and for the sender's notice (`notice`, plain words).
    func described(for mailbox: MailboxConfig) -> (record: String, notice: String) {
        let limit = TemplateValues.readableSize(limit(for: mailbox))
        switch self {
        case .message(let size?):
            return ("message of \(size) bytes exceeds max_message_size \(mailbox.maximumMessageSize)",
                    "it is \(TemplateValues.readableSize(size)) and the limit is \(limit)")
        case .message(nil):
            return ("message exceeds max_message_size \(mailbox.maximumMessageSize)",
                    "it is larger than the limit of \(limit)")
        case .attachment(let name, let size):
            return ("attachment \"\(name)\" of \(size) bytes exceeds max_attachment_size \(mailbox.maximumAttachmentSize)",
                    "the attachment \"\(name)\" is \(TemplateValues.readableSize(size)) and the limit per file is \(limit)")
        }
    }
}
