/// The fields of a `message/delivery-status` body (RFC 3464 section 2.1): one per-message group,
/// then one group per recipient, each header-like and separated by blank lines.
struct DeliveryStatusFields {
    /// Recipient groups read at most; the rest of the body is skipped. A notice about one of our
    /// messages names its few recipients, while a hostile one can hold tens of thousands of groups
    /// (16,000 in 1 MB took 200 ms to read).
    static let maxRecipients = 1000

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
        var index = body.startIndex
        while index < body.endIndex, recipients.count < Self.maxRecipients {
            let (group, next) = Self.group(in: body, at: index)
            index = next
            guard !group.isEmpty else { continue }
            closeRecipient()
            for field in group where recipients.count < Self.maxRecipients {
                let name = field.name.lowercased()
                if Self.recipientOpeners.contains(name) {
                    // QUIRK: some MTAs fold all groups into one; a second recipient address starts the next group.
                    if let fields = current, fields.contains(where: { Self.opens($0, after: name) }) { closeRecipient() }
                    current = (current ?? []) + [field]
                } else if current != nil {
                    current?.append(field)
                } else if Self.recipientFields.contains(name) {
                    current = [field]
                } else {
                    perMessage.fields.append(field)
                }
            }
        }
        if recipients.count < Self.maxRecipients { closeRecipient() }
    }

    /// Whether `existing` already in a recipient group means a field named `name` belongs to the next one:
    /// the same address field again, or any address field once the group's Status is given (MTAs
    /// order Original- and Final-Recipient either way, and Exim writes Action first).
    private static func opens(_ existing: HeaderField, after name: String) -> Bool {
        let existingName = existing.name.lowercased()
        return existingName == name || existingName == "status"
    }

    /// The header-like group at `index`, read with the message header parser, and where the next
    /// one starts; a line it cannot read as a field is stepped over (an empty group), so callers' loops end.
    private static func group(in body: ArraySlice<UInt8>, at index: Int) -> (fields: [HeaderField], next: Int) {
        let result = HeaderParser.parse(body[index...])
        guard result.bodyStart > index else { return ([], HeaderParser.line(in: body, at: index).next) }
        return (result.header.fields, result.bodyStart)
    }
}
