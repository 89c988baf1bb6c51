import MIME

extension ParsedMessageReport {
    /// How many lines of the text the human summary shows.
    static let summaryTextLines = 5

    /// A short summary for people (`helpdesk parse FILE` without `--json`): the header fields a
    /// help desk acts on, the start of the text, one line per attachment, and what went wrong.
    public var summary: String {
        var lines: [String] = []
        func addresses(_ entries: [AddressEntry]) -> String {
            entries.isEmpty ? "-" : entries.map { entry in
                guard let name = entry.name, !name.isEmpty else { return entry.address }
                return "\(name) <\(entry.address)>"
            }.joined(separator: ", ")
        }
        lines.append("From:       \(addresses(from))")
        lines.append("To:         \(addresses(to))")
        if !cc.isEmpty { lines.append("Cc:         \(addresses(cc))") }
        lines.append("Subject:    \(subject ?? "-")")
        lines.append("Date:       \(date ?? "-")")
        lines.append("Message-ID: \(messageID ?? "-")")
        if let autoSubmitted { lines.append("Auto-Submitted: \(autoSubmitted)") }
        if let text {
            lines.append("Text:       \(text.count) characters")
            let shown = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(Self.summaryTextLines)
            lines += shown.map { "  | \($0.prefix(100))" }
        } else {
            lines.append("Text:       none")
        }
        lines.append("Attachments: \(attachments.count)")
        for attachment in attachments {
            let kind = attachment.inline ? "inline" : "attachment"
            lines.append("  \(attachment.size) bytes  \(attachment.contentType)  \(attachment.filename ?? "(no name)")  \(kind)")
        }
        if let deliveryStatus {
            let failed = deliveryStatus.failedRecipients.map { "\($0.address ?? "?") (\($0.status ?? "no status"))" }
            lines.append("Delivery status report: original \(deliveryStatus.originalMessageID ?? "unknown"); failed: "
                + (failed.isEmpty ? "none" : failed.joined(separator: ", ")))
        }
        lines.append("Defects:    \(defects.count)")
        return lines.joined(separator: "\n")
    }
}
