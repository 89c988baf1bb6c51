/// What a delivery status notification (RFC 3464, `multipart/report; report-type=delivery-status`)
/// says: which message could not be delivered, and to whom.
public struct DeliveryStatusReport: Sendable, Hashable {
    /// The Message-ID of the message that bounced, without angle brackets: from the returned
    /// message or its headers, else `X-Original-Message-ID`, else `Original-Envelope-Id`.
    public var originalMessageID: String?
    /// `Original-Envelope-Id`: the ENVID the sender gave at submission (RFC 3461), when it did.
    public var originalEnvelopeID: String?
    /// `Reporting-MTA` without its type, e.g. "mail.example.test".
    public var reportingMTA: String?
    /// Every per-recipient group, whatever its action (failed, delayed, delivered, relayed, expanded).
    public var recipients: [Recipient]

    /// One per-recipient group of the `message/delivery-status` part (RFC 3464 section 2.3).
    public struct Recipient: Sendable, Hashable {
        /// `Final-Recipient` without its address type, e.g. "ann@example.test".
        public var finalRecipient: String?
        /// `Original-Recipient` without its address type: the address as the sender wrote it.
        public var originalRecipient: String?
        /// Lower-cased: "failed", "delayed", "delivered", "relayed" or "expanded".
        public var action: String?
        /// The enhanced status code (RFC 3463), e.g. "5.1.1".
        public var status: String?
        /// `Diagnostic-Code` without its type, whitespace runs as one space, e.g. "550 5.1.1 <ann@example.test>: User unknown".
        public var diagnosticCode: String?
        /// `Remote-MTA` without its type.
        public var remoteMTA: String?

        public init(
            finalRecipient: String? = nil, originalRecipient: String? = nil, action: String? = nil,
            status: String? = nil, diagnosticCode: String? = nil, remoteMTA: String? = nil
        ) {
            self.finalRecipient = finalRecipient
            self.originalRecipient = originalRecipient
            self.action = action
            self.status = status
            self.diagnosticCode = diagnosticCode
            self.remoteMTA = remoteMTA
        }

        /// The address that failed: the final recipient, else the original one.
        public var address: String? { finalRecipient ?? originalRecipient }

        /// Whether delivery failed for good.
        public var isFailed: Bool {
            if let action { return action == "failed" }
            // QUIRK: RFC 3464 requires Action, but some gateways omit it; a 5.x.x status is permanent.
            return status?.hasPrefix("5") == true
        }
    }

    public init(
        originalMessageID: String? = nil, originalEnvelopeID: String? = nil, reportingMTA: String? = nil,
        recipients: [Recipient] = []
    ) {
        self.originalMessageID = originalMessageID
        self.originalEnvelopeID = originalEnvelopeID
        self.reportingMTA = reportingMTA
        self.recipients = recipients
    }

    /// The recipients the message could not be delivered to.
    public var failedRecipients: [Recipient] { recipients.filter(\.isFailed) }

    /// Reads the report of a message, or nil when it is not a delivery status notification.
    /// A report whose status part is missing is still a report, with no recipients.
    public init?(message: Message) {
        guard let report = Self.reportPart(in: message.root) ?? Self.untypedReportPart(in: message.root) else {
            return nil
        }
        self.init()
        var fields = DeliveryStatusFields()
        if let statusPart = report.children.first(where: { Self.statusTypes.contains($0.contentType.mediaType) }) {
            fields = DeliveryStatusFields(parsing: statusPart.decodedBody()[...])
        }
        reportingMTA = fields.perMessage["Reporting-MTA"].map(Self.withoutType)
        originalEnvelopeID = fields.perMessage["Original-Envelope-Id"]
            .map { $0.trimmingWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
        recipients = fields.recipients.map(Self.recipient)

        let xOriginal = message.header["X-Original-Message-ID"] ?? fields.perMessage["X-Original-Message-ID"]
        originalMessageID = Self.returnedHeader(in: report)?["Message-ID"].flatMap(MessageIDList.single)
            ?? xOriginal.flatMap(MessageIDList.single)
            ?? originalEnvelopeID.flatMap(MessageIDList.single)
    }

    /// The media types of the machine-readable status part (RFC 3464, RFC 6533).
    private static let statusTypes: Set<String> = ["message/delivery-status", "message/global-delivery-status"]

    /// The first multipart/report of type delivery-status, not looking inside attached messages
    /// (a forwarded bounce is not a bounce of ours).
    private static func reportPart(in part: MessagePart) -> MessagePart? {
        if part.contentType.mediaType == "multipart/report",
           ["delivery-status", "global-delivery-status"].contains(part.contentType.parameters["report-type"]?.lowercased()) {
            return part
        }
        guard part.contentType.isMultipart else { return nil }
        for child in part.children {
            if let found = reportPart(in: child) { return found }
        }
        return nil
    }

    /// The message's own top-level multipart when it directly holds a status part.
    private static func untypedReportPart(in root: MessagePart) -> MessagePart? {
        // QUIRK: RFC 3464 section 2 wraps the status part in multipart/report, but OpenSMTPD 6.8 sends
        // multipart/mixed (notice, status part, returned headers). Only the top level counts: a status
        // part deeper down, or inside an attached message, is something a person forwarded.
        guard root.contentType.isMultipart,
              root.children.contains(where: { statusTypes.contains($0.contentType.mediaType) })
        else { return nil }
        return root
    }

    /// The header of the returned message: a message/rfc822 part (parsed already) or a
    /// text/rfc822-headers part (RFC 6522), whichever comes first.
    private static func returnedHeader(in report: MessagePart) -> MessageHeader? {
        for child in report.children {
            switch child.contentType.mediaType {
            case "message/rfc822", "message/global":
                if let inner = child.children.first { return inner.header }
            case "text/rfc822-headers", "message/global-headers":
                return HeaderParser.parse(child.decodedBody()[...]).header
            default:
                continue
            }
        }
        return nil
    }

    private static func recipient(_ header: MessageHeader) -> Recipient {
        Recipient(
            finalRecipient: header["Final-Recipient"].map(withoutType).map(withoutBrackets),
            originalRecipient: header["Original-Recipient"].map(withoutType).map(withoutBrackets),
            action: header["Action"].flatMap(Message.leadingToken),
            status: header["Status"].flatMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) },
            diagnosticCode: header["Diagnostic-Code"].map(withoutType).map(collapsingWhitespace),
            remoteMTA: header["Remote-MTA"].map(withoutType)
        )
    }

    /// `rfc822; ann@example.test` → "ann@example.test"; a value without a type is kept whole.
    static func withoutType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value.trimmingWhitespace }
        return String(value[value.index(after: semicolon)...]).trimmingWhitespace
    }

    /// Runs of spaces and tabs left by unfolding a long diagnostic, as one space.
    private static func collapsingWhitespace(_ value: String) -> String {
        value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `<ann@example.test>` → "ann@example.test": some MTAs bracket the address against RFC 3464.
    private static func withoutBrackets(_ value: String) -> String {
        guard value.hasPrefix("<"), value.hasSuffix(">"), value.count >= 2 else { return value }
        return String(value.dropFirst().dropLast()).trimmingWhitespace
    }
}
