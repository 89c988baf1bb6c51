import Foundation
import HelpdeskCore
import HelpdeskStore
import MIME

/// A planned mail made into bytes: what the dispatcher sends and keeps for retries.
struct RenderedMail: Sendable, Equatable {
    var envelopeFrom: String
    var recipients: [String]
    var message: [UInt8]
    /// Rendered for this attempt, not read back from the outbox: to be kept with its outcome.
    var isFresh = false

    /// What the outbox keeps of it, when it is new.
    var fresh: RenderedMessage? { isFresh ? RenderedMessage(envelopeFrom: envelopeFrom, bytes: message) : nil }
}

/// Why a planned mail could not be rendered; the row waits until this is fixed.
struct RenderFailure: Error, CustomStringConvertible {
    var description: String
}

/// Renders planned mail at the edge, outside any store transaction: the template values from the
/// facts the intent was recorded with, the template, then the message. Signed reply addresses are
/// made here, with the mailbox's secret, for the agent the intent names.
struct MailRenderer: Sendable {
    let templates: TemplateLibrary
    /// Every configured mailbox by name: mail leaves through the one the intent names.
    let mailboxes: [String: MailboxConfig]
    /// Reply-address secrets by mailbox name.
    let secrets: [String: [UInt8]]
    /// Where the files an agent's reply carries are kept.
    let attachments: BlobStore?

    init(templates: TemplateLibrary, mailboxes: [MailboxConfig], secrets: [String: [UInt8]], attachments: BlobStore? = nil) {
        self.templates = templates
        self.mailboxes = Dictionary(mailboxes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.secrets = secrets
        self.attachments = attachments
    }

    /// `ticketId`: the stored ticket the mail is about (a planned new ticket had none yet).
    func render(_ mail: PlannedMail, ticketId: Int64?, now: Date) throws(RenderFailure) -> RenderedMail {
        guard let mailbox = mailboxes[mail.mailbox] else {
            throw RenderFailure(description: "mailbox \(mail.mailbox) has no config file; restore it (a renamed file keeps its old name in the outbox)")
        }
        guard let choice = templates.choose(event: mail.event, mailbox: mailbox.name, languages: languages(for: mail, mailbox: mailbox)) else {
            throw RenderFailure(description: "template: \(mail.event.rawValue).mustache is missing; create it, then the mail is sent on the next try")
        }
        let rendered: RenderedTemplate
        do {
            rendered = try templates.render(choice, values: values(for: mail, mailbox: mailbox, language: choice.language))
        } catch {
            throw RenderFailure(description: "template: \(error); fix it, then the mail is sent on the next try")
        }
        let key = mail.event.isAboutTicket ? mail.facts.ticket.flatMap { $0.ticketKey } : nil
        let replyTo = mail.intent.signedFor.flatMap { signedReplyAddress(mailbox: mailbox, ticketId: ticketId, agent: $0, now: now) }
        var message = MailComposer(mailbox: mailbox).compose(
            rendered, event: mail.event, key: key, to: mail.intent.recipients.map { Address(name: $0.name, address: $0.address) },
            messageID: mail.messageID, answering: mail.answering, replyTo: replyTo, now: now)
        if mail.event == .agentReply {
            for file in mail.facts.attachments ?? [] {
                // Inline only where the HTML part can show it; else it is offered as a file.
                let inline = file.isInline && file.contentID != nil && message.htmlBody != nil
                let part = OutgoingPart(filename: file.filename, contentType: file.contentType, bytes: try bytes(of: file), contentID: inline ? file.contentID : nil)
                if inline { message.inlineParts.append(part) } else { message.attachments.append(part) }
            }
        }
        return RenderedMail(envelopeFrom: mailbox.address, recipients: mail.intent.recipients.map(\.address), message: message.rendered())
    }

    /// The approval facts as templates read them; times as the mailbox's other times read.
    private func approvalValues(
        _ facts: MailFacts, mailbox: MailboxConfig, language: String, reminder: Bool, escalated: Bool, cancelled: Bool
    ) -> TemplateValues.ApprovalValues? {
        guard let approval = facts.approval else { return nil }
        return TemplateValues.ApprovalValues(
            rule: approval.rule.oneLine, step: approval.step, steps: approval.steps, chain: approval.steps > 1,
            expires: TemplateValues.readableTime(approval.expiresAt, in: mailbox.sla?.calendar.timeZone ?? .gmt, language: language),
            decidedBy: approval.decidedBy?.oneLine, reason: approval.reason?.oneLine, reminder: reminder, escalated: escalated, cancelled: cancelled)
    }

    /// A file's bytes, checked against the hash it is kept under.
    private func bytes(of file: AttachmentDraft) throws(RenderFailure) -> [UInt8] {
        guard let attachments else {
            throw RenderFailure(description: "attachment '\(file.filename)' cannot be read: no data directory is set; pass --data-dir")
        }
        do {
            return try attachments.read(file.sha256)
        } catch {
            throw RenderFailure(description: "attachment '\(file.filename)' (\(file.sha256)) cannot be read from \(attachments.root): \(error); restore it from a backup, then the mail is sent on the next try")
        }
    }

    /// `support+TOKEN@…` for `agent` on the ticket, valid for the mailbox's reply_token_days.
    func signedReplyAddress(mailbox: MailboxConfig, ticketId: Int64?, agent: String, now: Date) -> String? {
        guard let secret = secrets[mailbox.name], let ticketId else { return nil }
        let expires = now.addingTimeInterval(Double(mailbox.replyTokenDays) * 86_400)
        let token = ReplyToken(ticketId: ticketId, expires: expires).signed(for: agent, secret: secret)
        return ReplyToken.replyAddress(supportAddress: mailbox.address, token: token)
    }

    /// Files as templates list them; nil when there are none, so `{{#attachments}}` is false.
    private func files(_ drafts: [AttachmentDraft]?, language: String) -> [TemplateValues.File]? {
        guard let drafts, !drafts.isEmpty else { return nil }
        return drafts.map { TemplateValues.File(name: $0.filename.oneLine, size: TemplateValues.readableSize($0.size, language: language), contentID: $0.contentID) }
    }

    /// Who reads the mail, in order of preference: the requester's language for mail to them,
    /// the agent's for notifications; then the mailbox's.
    func languages(for mail: PlannedMail, mailbox: MailboxConfig) -> [LanguageTag] {
        switch mail.intent {
        case .acknowledgement, .agentReply, .messageTooLarge:
            return [mail.facts.ticket?.language.flatMap(LanguageTag.init), mailbox.language].compactMap { $0 }
        case .approvalGranted(let to), .approvalRejected(let to, _), .approvalExpired(let to, _),
            .approvalRequested(let to, _, _):
            // An agent reads theirs; the requester and their managers (most often of the same
            // organisation) the requester's, then the mailbox's.
            if mailbox.isAgent(to.address) { return mailbox.languages(forAgent: to.address) }
            return [mail.facts.ticket?.language.flatMap(LanguageTag.init), mailbox.language].compactMap { $0 }
        case .newTicket(let agent), .assigned(let agent, _), .requesterReply(let agent), .commandRejected(let agent, _, _, _),
            .deliveryPartial(let agent), .deliveryFailed(let agent),
            .slaWarning(let agent, _, _), .slaBreach(let agent, _, _):
            return mailbox.languages(forAgent: agent.address)
        }
    }

    /// The template values of one planned mail; times are written for readers of `language`.
    func values(for mail: PlannedMail, mailbox: MailboxConfig, language: String = "en") -> TemplateValues {
        let facts = mail.facts
        var values = TemplateValues(
            mailbox: .init(address: mailbox.address, name: (mailbox.displayName ?? mailbox.address).oneLine, key: mailbox.keyPrefix),
            // Templates put their own blank line after a body; its final line break would double it.
            message: .init(subject: facts.subject.oneLine, body: facts.body.withoutTrailingLineBreaks, reply: facts.reply.withoutTrailingLineBreaks))
        values.language = language
        if let ticket = facts.ticket {
            values.ticket = .init(
                key: ticket.key, subject: ticket.subject.oneLine, status: ticket.status.rawValue,
                priority: ticket.priority.rawValue, number: ticket.number)
            values.requester = .init(name: ticket.requesterName, address: ticket.requesterAddress)
            if let key = facts.linkedKey {
                values.linked = .init(key: key, closed: ticket.linkReason == .ticketClosed, unknownSender: ticket.linkReason == .unknownSender)
            }
        }
        values.author = facts.author.map(TemplateValues.Person.init)
        values.reopened = facts.reopened
        switch mail.intent {
        case .acknowledgement:
            break
        case .agentReply:
            values.attachments = files(facts.attachments?.filter { !$0.isInline || $0.contentID == nil }, language: language)
            values.inlineImages = files(facts.attachments?.filter { $0.isInline && $0.contentID != nil }, language: language)
            values.leftOut = files(facts.leftOut, language: language)
        case .deliveryPartial(let agent):
            values.agent = .init(agent)
            values.leftOut = files(facts.leftOut, language: language)
            values.attachmentLimit = facts.attachmentLimit.map { TemplateValues.readableSize($0, language: language) }
        case .deliveryFailed(let agent):
            values.agent = .init(agent)
            if let delivery = facts.delivery {
                // Times as the mailbox's other times read: in its SLA calendar's zone, else UTC.
                values.delivery = .init(delivery, zone: mailbox.sla?.calendar.timeZone ?? .gmt, language: language)
            }
        case .newTicket(let agent), .requesterReply(let agent):
            values.agent = .init(agent)
        case .approvalRequested(let approver, let reminder, let escalated):
            values.agent = .init(mailbox.isAgent(approver.address) ? Correspondent(address: approver.address, name: mailbox.agent(address: approver.address).name) : approver)
            values.approval = approvalValues(facts, mailbox: mailbox, language: language, reminder: reminder, escalated: escalated, cancelled: false)
        case .approvalGranted(let to), .approvalRejected(let to, _):
            values.agent = .init(to)
            values.approval = approvalValues(facts, mailbox: mailbox, language: language, reminder: false, escalated: false, cancelled: false)
        case .approvalExpired(let to, let cancelled):
            values.agent = .init(to)
            values.approval = approvalValues(facts, mailbox: mailbox, language: language, reminder: false, escalated: !cancelled, cancelled: cancelled)
        case .assigned(let agent, let by):
            values.agent = .init(agent)
            values.assignedBy = by.oneLine
        case .commandRejected(let agent, let line, let reason, let unverified):
            values.agent = .init(agent)
            values.rejection = .init(line: line, reason: reason, unverified: unverified)
        case .slaWarning(let to, _, _), .slaBreach(let to, _, _):
            values.agent = .init(to)
            if let clock = facts.clock {
                let zone = TimeZone(identifier: clock.timeZone) ?? .gmt
                values.sla = .init(
                    target: clock.target.label, duration: SLADuration.format(clock.duration),
                    elapsed: SLADuration.format((clock.elapsed / 60).rounded() * 60),
                    due: clock.dueAt.map { TemplateValues.readableTime($0, in: zone, language: language) } ?? "-",
                    warnPercent: Int((clock.warningPoint * 100).rounded()), businessHours: clock.businessHours,
                    firstResponse: clock.target == .firstResponse)
            }
        case .messageTooLarge(let to, let reason, let size, let limit):
            values.requester = .init(to)
            values.notice = .init(reason: reason, size: size.map { TemplateValues.readableSize($0, language: language) }, limit: TemplateValues.readableSize(limit, language: language))
        }
        return values
    }
}

extension String {
    /// The text without the line breaks at its end.
    fileprivate var withoutTrailingLineBreaks: String {
        var text = Substring(self)
        while let last = text.last, last.isNewline { text.removeLast() }
        return String(text)
    }
}
