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

    func compose(
        event: String, ticket: TicketRecord, to recipients: [Address], answering inbound: Message?,
        messageBody: String, now: Date
    ) throws(TemplateProblem) -> OutboxDraft {
        let context = TemplateContext.values(
            ticket: ticket, mailbox: mailbox, messageBody: messageBody, messageSubject: inbound?.subject ?? ticket.subject)
        let rendered = try templates.render(event: event, mailbox: mailbox.name, context: context)
        let key = ticket.ticketKey ?? TicketKey(prefix: mailbox.keyPrefix, number: ticket.number)
        let messageID = MessageIDGenerator.make(domain: mailbox.domain)
        var message = OutgoingMessage(
            from: Address(name: mailbox.displayName, address: mailbox.address), to: recipients,
            subject: SubjectToken.tagged(rendered.subject, with: key), textBody: rendered.body,
            messageID: messageID, date: now)
        if let inbound, let id = inbound.messageID {
            message.inReplyTo = [id]
            message.references = Array((inbound.references + [id]).suffix(Self.referencesLimit))
        }
        for header in rendered.headers where header.name.lowercased() == "reply-to" {
            message.replyTo = [Address(address: header.value)]
        }
        message.extraHeaders = [
            HeaderField(name: "Auto-Submitted", value: "auto-replied"),
            // Exchange and Outlook honour this instead of Auto-Submitted: no out-of-office back.
            HeaderField(name: "X-Auto-Response-Suppress", value: "All"),
            HeaderField(name: AutoReplyPolicy.markerHeader, value: key.description),
        ] + rendered.headers.filter { $0.name.lowercased() != "reply-to" }.map { HeaderField(name: $0.name, value: $0.value) }
        return OutboxDraft(
            event: event, envelopeFrom: mailbox.address, recipients: recipients.map(\.address),
            message: message.rendered(), messageID: messageID)
    }
}
