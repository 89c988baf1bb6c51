import Foundation
import HelpdeskCore
import HelpdeskStore
import MIME

/// A message about mail we sent: a bounce, a delay warning, or anything else sent to one of our
/// bounce addresses (vacation programs answer the envelope sender too).
struct DeliveryReport {
    var bounce: BounceReport?
    /// The outbox row the signed bounce address names.
    var outboxId: Int64?
    /// The returned mail's Message-ID, for a bounce to a mailbox that does not sign its senders.
    var messageID: String?

    var match: BounceMatch {
        if let outboxId { return .outbox(outboxId) }
        if let messageID { return .messageID(messageID) }
        return .none
    }

    /// Every failed or delayed address, as the rules read them.
    var recipients: [BouncedRecipient] {
        (bounce?.recipients ?? []).compactMap { recipient in
            guard let address = recipient.address else { return nil }
            return BouncedRecipient(
                address: address, originalAddress: recipient.originalRecipient, status: recipient.effectiveStatus,
                diagnostic: recipient.diagnosticCode, permanent: recipient.isPermanentFailure)
        }
    }

    /// One line for the record: "5.1.1 ann@example.test; 4.4.7 bob@example.test", or why nothing.
    var summary: String {
        let parts = recipients.map { "\($0.status ?? "?") \($0.address)" }
        if !parts.isEmpty { return parts.joined(separator: "; ") }
        return bounce == nil ? "no delivery report (an automatic answer to the bounce address)" : "no failed recipient"
    }
}

extension IngestionPipeline {
    /// The report `message` is, or nil for ordinary mail: whatever reached a bounce address of
    /// ours (a forged signature makes it a report that names nothing), and, for a mailbox that
    /// does not sign its envelope senders, a bounce by its form that returns a mail we sent.
    /// Anything else goes on as a message, so a request that only reads like a bounce is never
    /// lost.
    func deliveryReport(_ message: Message) throws -> DeliveryReport? {
        // Every message passes here: only an address with the bounce marker is compared with the
        // mailboxes (support addresses are unique, so at most one matches).
        for address in Self.envelopeRecipients(message) where BounceAddress.mayBeOne(address) {
            for config in mailboxes.values where BounceAddress.looksLikeOne(address, supportAddress: config.address) {
                let verified = secrets[config.name].flatMap { BounceAddress.read(address, supportAddress: config.address, secret: $0) }
                return DeliveryReport(bounce: message.bounce, outboxId: verified?.outboxId)
            }
        }
        // With a secret, every bounce of ours comes to a signed address: a Message-ID, which every
        // recipient has seen, proves nothing there.
        guard secrets[mailbox.name] == nil, let bounce = message.bounce, let id = bounce.originalMessageID,
              try store.sentOutboxMail(messageID: id)
        else { return nil }
        return DeliveryReport(bounce: bounce, outboxId: nil, messageID: id)
    }

    /// Records a report: against the mail it names, never as a ticket.
    /// Its bytes are kept as any message's are: an unmatched report, or mail that only looked like
    /// one, can still be read.
    func recordReport(_ report: DeliveryReport, message: Message, raw: [UInt8], identity: InboundIdentity) throws -> PreparedMessage {
        let sender = (message.from.first?.address ?? message.returnPath ?? "").lowercased()
        let recipients = report.recipients
        let rawKept = mailbox.rawMessageRetentionDays != 0
        if rawKept { _ = try data.messages.put(raw, sha256: identity.sha256) }
        let match = report.match
        let summary = report.summary
        return PreparedMessage(uid: identity.uid, suppression: nil) { [deliveryRules] recorder in
            try recorder.recordBounce(identity, sender: sender, match: match, summary: summary, rawKept: rawKept) { mail in
                guard let mail else { return .none }
                return deliveryRules.bounce(recipients, mail: mail, at: identity.receivedAt)
            }
        }
    }

    /// Where the MTA delivered the message: the delivery headers first (they carry the envelope
    /// recipient, our bounce address), then To and Cc.
    static func envelopeRecipients(_ message: Message) -> [String] {
        // Read for every message: the MIME header's own ASCII lookup, not Foundation's
        // locale-aware comparison and trimming (a tenth of the reading thread's time).
        let delivery = AgentMail.recipientHeaders.flatMap { message.header.all($0) }.map(AgentMail.bareAddress)
        return delivery + (message.to + message.cc).map(\.address)
    }
}
