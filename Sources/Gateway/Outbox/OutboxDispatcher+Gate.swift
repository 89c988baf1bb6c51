import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging

extension OutboxDispatcher {
    /// Asks the delivery rules whether a claimed row goes out: paused addresses and the loop
    /// caps. A withheld row is closed here, with a note on its ticket; the log says so once per
    /// cap window (and once per mail for paused addresses), so a loop cannot flood it.
    /// `batchPauses`: the pauses holding for any recipient of the claimed batch, read once per batch.
    func gate(
        _ row: OutboxRecord, id: Int64, batchPauses: [Suppression], metadata: Logger.Metadata, summary: inout DispatchSummary
    ) throws -> DeliveryGate {
        guard let event = MailEvent(rawValue: row.event) else { return .send }
        let recipients = row.recipientList
        let at = now()
        let paused = batchPauses.filter { recipients.contains($0.address) }
        let caps = deliveryRules.mailboxes[row.mailbox]?.loopCaps ?? .standard
        var counts = AutomaticMailCounts()
        if event.isCapped, paused.isEmpty, let recipient = recipients.first {
            counts = try store.automaticMailCounts(recipient: recipient, ticketId: row.ticketId, caps: caps, now: at)
        }
        let gate = DeliveryRules.gate(event: event, recipients: recipients, suppressions: paused, counts: counts, caps: caps)
        guard case .withhold(let reason) = gate else { return gate }
        var firstInWindow = true
        if let window = reason.window, let recipient = recipients.first {
            firstInWindow = try store.withheldCount(recipient: recipient, since: at.addingTimeInterval(-window.seconds)) == 0
        }
        let events = row.ticketId.map { [DeliveryRules.withheld(reason, event: event, recipients: recipients, ticketId: $0, at: at)] } ?? []
        guard try store.markWithheld(outboxId: id, owner: owner, reason: reason.description, events: events, at: at) else {
            logger.warning("claim lost before sending; another sender has the row", metadata: metadata)
            return gate
        }
        summary.withheld += 1
        var details = metadata
        details["reason"] = "\(reason)"
        if firstInWindow {
            logger.warning("mail withheld", metadata: details)
        } else {
            logger.debug("mail withheld", metadata: details)
        }
        return gate
    }

    /// An agent's reply went to addresses that bounced before: noted on the ticket, and the agent
    /// is told by `delivery_failed`.
    func noteSentAnyway(_ paused: [Suppression], row: OutboxRecord, metadata: Logger.Metadata) {
        guard let ticketId = row.ticketId, let planned = try? row.plannedMail() else { return }
        let plan = deliveryRules.sentAnyway(paused, reply: planned, ticketId: ticketId, at: now())
        do {
            try store.recordDeliveryNotes(ticketId: ticketId, events: plan.events, mail: plan.mail, at: now())
        } catch {
            // The reply is out; only the warning is missing. Say so rather than retrying the send.
            var details = metadata
            details["error"] = "\(error)"
            logger.error("reply sent to a paused address, but the note could not be recorded", metadata: details)
        }
    }

    /// The envelope sender of a freshly rendered row: its own signed bounce address when the
    /// mailbox has a secret to sign with, so a bounce names this row.
    func envelopeSender(for row: OutboxRecord, id: Int64, default address: String) -> String {
        guard let renderer, let mailbox = renderer.mailboxes[row.mailbox], let secret = renderer.secrets[row.mailbox] else { return address }
        return BounceAddress(outboxId: id).address(supportAddress: mailbox.address, secret: secret)
    }
}
