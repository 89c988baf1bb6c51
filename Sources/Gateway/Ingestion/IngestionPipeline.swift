import Foundation
import Crypto
import HelpdeskCore
public import HelpdeskStore
import Logging
import MIME

/// Reads one raw message and records it: parse, classify, apply to a ticket, queue replies,
/// all committed together. The same path serves IMAP polling and the MTA pipe.
public struct IngestionPipeline: Sendable {
    public let mailbox: MailboxConfig
    let database: HelpdeskDatabase
    let templates: TemplateLibrary
    let policy: AutoReplyPolicy
    /// Key prefixes of every configured mailbox: subject tokens of others are not ours to honour.
    let knownPrefixes: Set<String>
    let logger: Logger
    let now: @Sendable () -> Date

    init(
        mailbox: MailboxConfig, database: HelpdeskDatabase, templates: TemplateLibrary, ownAddresses: Set<String>,
        knownPrefixes: Set<String>, logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.mailbox = mailbox
        self.database = database
        self.templates = templates
        policy = AutoReplyPolicy(ownAddresses: ownAddresses)
        self.knownPrefixes = knownPrefixes
        self.logger = logger
        self.now = now
    }

    /// Records `raw`; `uidValidity`/`uid` identify it on the IMAP server when it came from there.
    public func ingest(raw: [UInt8], uidValidity: UInt32? = nil, uid: UInt32? = nil) throws -> IngestResult {
        let receivedAt = now()
        let digest = SHA256.hex(of: raw)
        guard raw.count <= mailbox.maximumMessageSize else {
            let identity = InboundIdentity(mailbox: mailbox.name, uidValidity: uidValidity, uid: uid, messageID: nil, sha256: digest, size: raw.count, receivedAt: receivedAt)
            return try database.quarantine(identity, reason: "message of \(raw.count) bytes exceeds max_message_size \(mailbox.maximumMessageSize)")
        }
        let message = Message.parse(raw)
        let identity = InboundIdentity(
            mailbox: mailbox.name, uidValidity: uidValidity, uid: uid, messageID: message.messageID,
            sha256: digest, size: raw.count, receivedAt: receivedAt)
        let sender = message.from.first ?? message.sender
        let suppression = policy.suppression(for: message)
        let content = InboundContent(
            requesterAddress: sender?.address.lowercased() ?? message.returnPath ?? "",
            requesterName: sender?.name,
            subject: Self.cleanSubject(message.subject),
            body: message.textBody ?? "",
            followUp: FollowUpCandidates(message: message, prefixes: knownPrefixes),
            autoReplySuppression: suppression?.description)
        let composer = ReplyComposer(mailbox: mailbox, templates: templates)
        let result = try database.ingest(identity, content: content, keyPrefix: mailbox.keyPrefix) { context in
            guard context.outcome == .ticketCreated, suppression == nil, let requester = sender else { return [] }
            do {
                return [try composer.compose(
                    event: "ticket_created", ticket: context.ticket, to: [requester], answering: message,
                    messageBody: content.body, now: receivedAt)]
            } catch {
                // The ticket matters more than its acknowledgement: record it, and say why no mail went.
                logger.error("acknowledgement not rendered", metadata: ["mailbox": "\(mailbox.name)", "ticket": "\(context.ticket.key)", "error": "\(error)"])
                return []
            }
        }
        log(result, uid: uid, suppression: suppression)
        return result
    }

    static func cleanSubject(_ subject: String?) -> String {
        let trimmed = (subject ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "(no subject)" : String(trimmed.prefix(1000))
    }

    private func log(_ result: IngestResult, uid: UInt32?, suppression: AutoReplySuppression?) {
        var metadata: Logger.Metadata = ["mailbox": "\(mailbox.name)"]
        if let uid { metadata["uid"] = "\(uid)" }
        switch result {
        case .ticketCreated(let ticket, _):
            metadata["ticket"] = "\(ticket.key)"
            if let suppression { metadata["no_ack"] = "\(suppression)" }
            logger.info("ticket created", metadata: metadata)
        case .commentAdded(let ticket, _):
            metadata["ticket"] = "\(ticket.key)"
            logger.info("comment added", metadata: metadata)
        case .duplicate(let key):
            metadata["ticket"] = "\(key ?? "-")"
            logger.info("duplicate message skipped", metadata: metadata)
        case .alreadyRecorded:
            logger.debug("message already recorded", metadata: metadata)
        case .quarantined(let reason):
            metadata["reason"] = "\(reason)"
            logger.warning("message quarantined", metadata: metadata)
        }
    }
}
