public import HelpdeskCore

/// The values each event's templates may use, declared once: the renderer feeds templates from
/// this declaration, `templates check` checks names against it, and the README shows it.
public enum TemplateSchema {
    /// The fields of `event`'s mail.
    public static func fields(for event: MailEvent) -> [TemplateField] {
        let common = [mailbox, message, reopened, language]
        let aboutTicket = [ticket, requester, author, linked]
        switch event {
        case .ticketCreated: return aboutTicket + common
        case .agentReply: return aboutTicket + [attachments, inlineImages, leftOut] + common
        case .deliveryPartial: return aboutTicket + [agent, leftOut, attachmentLimit] + common
        case .deliveryFailed: return aboutTicket + [agent, delivery] + common
        case .newTicket, .requesterReply: return aboutTicket + [agent] + common
        case .ticketAssigned: return aboutTicket + [agent, assignedBy] + common
        case .commandRejected: return aboutTicket + [agent, rejection] + common
        case .slaWarning, .slaBreach: return aboutTicket + [agent, sla] + common
        case .messageTooLarge: return [requester, author, notice] + common
        case .approvalRequested: return aboutTicket + [agent, approval] + common
        case .approvalGranted, .approvalRejected, .approvalExpired: return aboutTicket + [recipient, approval] + common
        }
    }

    /// What `layout.html.mustache` may use: what every event has, and the rendered content.
    public static let layoutFields: [TemplateField] = [
        mailbox, language,
        TemplateField.text("content", "the event's rendered HTML; insert it raw: {{{content}}}") { $0.layoutContent }.trustedRaw,
    ]

    /// The Mustache context of one mail: only what the event declares.
    static func context(for event: MailEvent, _ values: TemplateValues) -> [String: Any] {
        TemplateField.context(fields(for: event), values)
    }

    static func layoutContext(_ values: TemplateValues) -> [String: Any] {
        TemplateField.context(layoutFields, values)
    }

    /// The events in which `path` exists, for "it exists in sla_warning mail".
    static func events(having path: String) -> [MailEvent] {
        MailEvent.allCases.filter { event in TemplateField.paths(fields(for: event)).contains { $0.path == path } }
    }

    static let ticket = TemplateField.group("ticket", "the ticket the mail is about", present: { $0.ticket != nil }, [
        .text("key", "SUPP-42") { $0.ticket?.key },
        .text("subject", "the ticket's subject") { $0.ticket?.subject },
        .text("status", "new, open, pending, on_hold, resolved, closed, cancelled or pending_approval") { $0.ticket?.status },
        .text("priority", "low, normal, high or urgent") { $0.ticket?.priority },
        .number("number", "42") { $0.ticket?.number },
    ])

    static let requester = person("requester", "who opened the ticket (or sent the message)") { $0.requester }
    static let author = person("author", "who wrote the message in hand", optional: true) { $0.author }
    static let agent = person("agent", "the agent the mail is for (in approval_requested: the approver)") { $0.agent }
    static let recipient = person("recipient", "who the mail is for: the requester, or an approver whose request lapsed") { $0.agent }

    static let approval = TemplateField.group("approval", "the request for approval", present: { $0.approval != nil }, [
        .text("rule", "the approval rule's name, hardware") { $0.approval?.rule },
        .flag("chain", "approvers decide in turn") { $0.approval?.chain },
        .number("step", "in a chain, which approver decides now (1 for the first)") { $0.approval?.step },
        .number("steps", "how many approvers the chain has (1 when any one decides)") { $0.approval?.steps },
        .text("expires", "when the request expires, in the SLA policy's time zone (else UTC) and the mail's language") { $0.approval?.expires },
        .text("decided_by", "who approved or rejected", optional: true) { $0.approval?.decidedBy },
        .text("reason", "the rejection's reason as written; empty when none was given", optional: true) { $0.approval?.reason },
        .flag("reminder", "this is the one reminder") { $0.approval?.reminder },
        .flag("escalated", "nobody decided in time and the agents are asked instead") { $0.approval?.escalated },
        .flag("cancelled", "(approval_expired) the ticket was cancelled; else it went to the agents") { $0.approval?.cancelled },
    ])

    static let linked = TemplateField.group(
        "linked", "the earlier ticket this one continues; use it as a section", optional: true, present: { $0.linked != nil },
        [
            .text("key", "the earlier ticket's key") { $0.linked?.key },
            .flag("closed", "it was closed, so the message opened this ticket") { $0.linked?.closed },
            .flag("unknown_sender", "the sender is not one of its people") { $0.linked?.unknownSender },
        ])

    static let mailbox = TemplateField.group("mailbox", "the support address the mail leaves from", present: { _ in true }, [
        TemplateField.text("address", "support@example.com") { $0.mailbox.address }.trustedRaw,
        TemplateField.text("name", "its display name (the address when it has none)") { $0.mailbox.name }.trustedRaw,
        TemplateField.text("key", "its ticket key prefix, SUPP") { $0.mailbox.key }.trustedRaw,
    ])

    static let message = TemplateField.group("message", "the message in hand", present: { _ in true }, [
        .text("subject", "its Subject as received") { $0.message.subject },
        .text("body", "its whole text; several lines") { $0.message.body },
        .text("reply", "its new text, without quoted history and signature; several lines") { $0.message.reply },
    ])

    static let reopened = TemplateField.flag("reopened", "the message reopened a resolved ticket") { $0.reopened }
    static let language = TemplateField.text("language", "the language of this mail's template, en, de, pt-BR") { $0.language }.trustedRaw
    static let assignedBy = TemplateField.text("assigned_by", "who assigned it: an address or the automatic strategy") { $0.assignedBy }

    static let rejection = TemplateField.group("rejection", "why the agent's mail changed nothing", present: { $0.rejection != nil }, [
        .text("line", "the command line to blame; empty when none") { $0.rejection?.line },
        .text("reason", "why, in English") { $0.rejection?.reason },
        .flag("unverified", "the mail could not be proved to come from the agent") { $0.rejection?.unverified },
    ])

    static let sla = TemplateField.group("sla", "the SLA target the notice is about", present: { $0.sla != nil }, [
        .text("target", "first response or resolution, in English") { $0.sla?.target },
        .flag("first_response", "the target is the first response (else the resolution)") { $0.sla?.firstResponse },
        .text("duration", "the target, 4h") { $0.sla?.duration },
        .text("elapsed", "counted so far, 3h 12m") { $0.sla?.elapsed },
        .text("due", "when it is due, in the policy's time zone and the mail's language") { $0.sla?.due },
        .number("warn_percent", "the share at which the warning goes out, 80") { $0.sla?.warnPercent },
        .flag("business_hours", "the target counts business hours only") { $0.sla?.businessHours },
    ])

    static let attachments = TemplateField.list("attachments", "the files the mail carries, each once", items: { $0.attachments }, fileFields)
    static let inlineImages = TemplateField.list(
        "inline_images", "images the agent's mail showed inline; show each with <img src=\"cid:{{content_id}}\" alt=\"{{name}}\">",
        items: { $0.inlineImages }, fileFields + [TemplateField.text("content_id", "the image's Content-ID, for cid: in HTML") { $0.file?.contentID }])
    static let leftOut = TemplateField.list("left_out", "files of the agent's reply not sent: together over the mailbox's limit", items: { $0.leftOut }, fileFields)
    static let attachmentLimit = TemplateField.text("attachment_limit", "the mailbox's max_outgoing_attachments, 20.0 MB", optional: true) { $0.attachmentLimit }

    private static let fileFields: [TemplateField] = [
        .text("name", "the file name") { $0.file?.name },
        .text("size", "its size, 240 KB") { $0.file?.size },
    ]

    static let notice = TemplateField.group("notice", "why a message was kept aside", present: { $0.notice != nil }, [
        .text("reason", "the reason, in English") { $0.notice?.reason },
        .text("size", "the message's size, 31.0 MB; absent when unknown", optional: true) { $0.notice?.size },
        .text("limit", "the mailbox's limit, 25.0 MB") { $0.notice?.limit },
    ])

    static let delivery = TemplateField.group(
        "delivery", "the mail that did not arrive, or the reply sent to an address that bounced before", present: { $0.delivery != nil },
        [
            .text("address", "the address the mail did not reach") { $0.delivery?.address },
            .text("kind", "the event of the mail concerned: ticket_created, agent_reply …") { $0.delivery?.kind },
            .flag("acknowledgement", "the mail was the acknowledgement to the requester (ticket_created)") { $0.delivery?.acknowledgement },
            .flag("agent_reply", "the mail was an agent's reply") { $0.delivery?.agentReply },
            .flag("notice", "the mail was another automatic notice") { $0.delivery?.notice },
            .text("status", "the status code the bounce gave, 5.1.1", optional: true) { $0.delivery?.status },
            .text("diagnostic", "what the receiving server said, in its words", optional: true) { $0.delivery?.diagnostic },
            .text("paused_until", "until when automatic mail to the address is paused; in the SLA policy's time zone, else UTC", optional: true) {
                $0.delivery?.pausedUntil
            },
            .text("bounced_at", "when the address bounced; in the SLA policy's time zone, else UTC") { $0.delivery?.bouncedAt },
            .flag("sent_anyway", "an agent's reply went out although the address bounced before") { $0.delivery?.sentAnyway },
            .flag("paused", "automatic mail to the address is paused (a hard bounce)") { $0.delivery?.paused },
        ])

    private static func person(
        _ name: String, _ about: String, optional: Bool = false, _ person: @escaping @Sendable (TemplateValues) -> TemplateValues.Person?
    ) -> TemplateField {
        .group(name, about, optional: optional, present: { person($0) != nil }, [
            .text("name", "the display name, or the address when there is none") { person($0)?.name },
            .text("address", "the mail address") { person($0)?.address },
        ])
    }
}
