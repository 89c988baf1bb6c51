import Foundation
import HelpdeskCore
import HelpdeskStore
import MIME

/// Turns a template and a ticket into an outgoing message for the outbox: threading headers,
/// a Message-ID of our domain, and the headers that tell other robots not to answer it.
struct ReplyComposer {
    let mailbox: MailboxConfig
    let templates: TemplateLibrary

    /// At most this many ids in References: enough to thread, short enough for every client.
    static let referencesLimit = 20
    /// Events that answer the sender of the message in hand.
    static let answers: Set<String> = ["ticket_created", "message_too_large"]
    /// Events that carry a person's words: not marked automatic, so the requester's mail system
    /// treats them as the human answer they are (loops are still caught by our marker header).
    static let written: Set<String> = ["agent_reply"]

    /// A message about `ticket`: its key goes into the Subject and the marker header.
    func compose(
        event: String, ticket: TicketRecord, to recipients: [Address], answering inbound: Message?,
        messageBody: String, extra: [String: Any] = [:], replyTo: String? = nil, now: Date
    ) throws(TemplateProblem) -> OutboxDraft {
        var context = TemplateContext.values(
            ticket: ticket, mailbox: mailbox, messageBody: messageBody, messageSubject: inbound?.subject ?? ticket.subject)
        context.merge(extra) { _, new in new }
        let key = ticket.ticketKey ?? TicketKey(prefix: mailbox.keyPrefix, number: ticket.number)
        return try compose(event: event, key: key, to: recipients, answering: inbound, context: context, replyTo: replyTo, now: now)
    }

    /// A message that belongs to no ticket (a notice about a message kept aside).
    func composeNotice(
        event: String, to recipients: [Address], answering inbound: Message?, context: [String: Any], now: Date
    ) throws(TemplateProblem) -> OutboxDraft {
        try compose(event: event, key: nil, to: recipients, answering: inbound, context: context, now: now)
    }

    private func compose(
        event: String, key: TicketKey?, to recipients: [Address], answering inbound: Message?, context: [String: Any],
        replyTo: String? = nil, now: Date
    ) throws(TemplateProblem) -> OutboxDraft {
        let rendered = try templates.render(event: event, mailbox: mailbox.name, context: context)
        let messageID = MessageIDGenerator.make(domain: mailbox.domain)
        var message = OutgoingMessage(
            from: Address(name: mailbox.displayName, address: mailbox.address), to: recipients,
            subject: key.map { SubjectToken.tagged(rendered.subject, with: $0) } ?? rendered.subject, textBody: rendered.body,
            messageID: messageID, date: now)
        if let inbound, let id = inbound.messageID {
            message.inReplyTo = [id]
            message.references = Array((inbound.references + [id]).suffix(Self.referencesLimit))
        }
        for header in rendered.headers where header.name.lowercased() == "reply-to" {
            message.replyTo = [Address(address: header.value)]
        }
        // A signed reply address wins over a template's: it is what proves an agent's answer.
        if let replyTo { message.replyTo = [Address(name: mailbox.displayName, address: replyTo)] }
        var automatic: [HeaderField] = []
        if !Self.written.contains(event) {
            // RFC 3834: an answer to the message in hand is auto-replied; a notification is auto-generated.
            automatic = [
                HeaderField(name: "Auto-Submitted", value: Self.answers.contains(event) ? "auto-replied" : "auto-generated"),
                // Exchange and Outlook honour this instead of Auto-Submitted: no out-of-office back.
                HeaderField(name: "X-Auto-Response-Suppress", value: "All"),
            ]
        }
        message.extraHeaders = automatic + [
            // Every message we send carries the marker, so it is never answered if it comes back.
            HeaderField(name: AutoReplyPolicy.markerHeader, value: key?.description ?? "none"),
        ] + rendered.headers.filter { $0.name.lowercased() != "reply-to" }.map { HeaderField(name: $0.name, value: $0.value) }
        return OutboxDraft(
            event: event, envelopeFrom: mailbox.address, recipients: recipients.map(\.address),
            message: message.rendered(), messageID: messageID)
    }
}
