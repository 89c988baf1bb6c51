import Foundation
import HelpdeskCore
import MIME

/// Turns a rendered template into an outgoing message: threading headers, the fixed
/// Message-ID, and the headers that tell other robots not to answer it.
struct MailComposer {
    let mailbox: MailboxConfig

    /// At most this many ids in References: enough to thread, short enough for every client.
    static let referencesLimit = 20

    /// `key`: the ticket the mail is about; it goes into the Subject and the marker header.
    /// `replyTo`: a signed reply address, which wins over a template's Reply-To.
    func compose(
        _ rendered: RenderedTemplate, event: MailEvent, key: TicketKey?, to recipients: [Address], messageID: String,
        answering: MailThread?, replyTo: String?, now: Date
    ) -> OutgoingMessage {
        var message = OutgoingMessage(
            from: Address(name: mailbox.displayName, address: mailbox.address), to: recipients,
            subject: key.map { SubjectToken.tagged(rendered.subject, with: $0) } ?? rendered.subject, textBody: rendered.body,
            messageID: messageID, date: now)
        message.htmlBody = rendered.html
        if let answering, let parent = answering.parent {
            message.inReplyTo = [parent]
            message.references = Array((answering.ancestors + [parent]).suffix(Self.referencesLimit))
        }
        for header in rendered.headers where header.name.lowercased() == "reply-to" {
            message.replyTo = [Address(address: header.value)]
        }
        if let replyTo { message.replyTo = [Address(name: mailbox.displayName, address: replyTo)] }
        var automatic: [HeaderField] = []
        if !event.isWritten {
            // RFC 3834: an answer to the message in hand is auto-replied; a notification is auto-generated.
            automatic = [
                HeaderField(name: "Auto-Submitted", value: event.answersSender ? "auto-replied" : "auto-generated"),
                // Exchange and Outlook honour this instead of Auto-Submitted: no out-of-office back.
                HeaderField(name: "X-Auto-Response-Suppress", value: "All"),
            ]
        }
        message.extraHeaders = automatic + [
            // Every message we send carries the marker, so it is never answered if it comes back.
            HeaderField(name: AutoReplyPolicy.markerHeader, value: key?.description ?? "none"),
        ] + rendered.headers.filter { $0.name.lowercased() != "reply-to" }.map { HeaderField(name: $0.name, value: $0.value) }
        return message
    }
}
