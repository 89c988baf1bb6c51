/// The fields of a `message/delivery-status` body (RFC 3464 section 2.1): one per-message group,
/// then one group per recipient, each header-like and separated by blank lines.
struct DeliveryStatusFields {
    var perMessage = MessageHeader()
    var recipients: [MessageHeader] = []

    /// Fields that open a recipient's group.
    private static let recipientOpeners: Set<String> = ["original-recipient", "final-recipient"]
    /// Fields that only occur per recipient (RFC 3464 section 2.3).
    private static let recipientFields: Set<String> = [
        "action", "status", "remote-mta", "diagnostic-code", "last-attempt-date", "final-log-id", "will-retry-until",
    ]

    init() {}

    init(parsing body: ArraySlice<UInt8>) {
        var current: [HeaderField]?
        func closeRecipient() {
            if let fields = current, !fields.isEmpty { recipients.append(MessageHeader(fields: fields)) }
            current = nil
        }
        for group in Self.groups(body) {
            closeRecipient()
            for field in group {
                let name = field.name.lowercased()
                if Self.recipientOpeners.contains(name) {
                    // QUIRK: some MTAs fold all groups into one; a second recipient address starts the next group.
                    if let fields = current, fields.contains(where: { Self.opens($0, after: name) }) { closeRecipient() }
                    current = (current ?? []) + [field]
                } else if let fields = current {
                    current = fields + [field]
                } else if Self.recipientFields.contains(name) {
                    current = [field]
                } else {
                    perMessage.fields.append(field)
                }
            }
        }
        closeRecipient()
    }

    /// Whether `existing` already in a recipient group means a field named `name` belongs to the next one:
    /// the same address field again, or any address field once the group's Status is given (MTAs
    /// order Original- and Final-Recipient either way, and Exim writes Action first).
    private static func opens(_ existing: HeaderField, after name: String) -> Bool {
        let existingName = existing.name.lowercased()
        return existingName == name || existingName == "status"
    }

    /// The header-like groups of the body, read with the message header parser; lines it cannot
    /// read as fields are skipped.
    private static func groups(_ body: ArraySlice<UInt8>) -> [[HeaderField]] {
        var groups: [[HeaderField]] = []
        var index = body.startIndex
        while index < body.endIndex {
            let result = HeaderParser.parse(body[index...])
            if !result.header.fields.isEmpty { groups.append(result.header.fields) }
            if result.bodyStart > index {
                index = result.bodyStart
            } else {
                // A line that is no field and starts no group: step over it so the loop ends.
                index = HeaderParser.line(in: body, at: index).next
            }
        }
        return groups
    }
}
