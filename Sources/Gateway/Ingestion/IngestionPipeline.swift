import Foundation
import Crypto
import HelpdeskCore
public import HelpdeskStore
import Logging
import MIME

/// Reads one raw message and records it: parse, store its files, classify, apply to a ticket,
/// queue replies and notifications, all committed together. The same path serves IMAP polling
/// and the MTA pipe.
public struct IngestionPipeline: Sendable {
    public let mailbox: MailboxConfig
    /// Every configured mailbox by name: a follow-up may belong to another mailbox's ticket.
    let mailboxes: [String: MailboxConfig]
    let store: any InboundStore
    private(set) var data: DataDirectory
    let policy: AutoReplyPolicy
    /// Key prefixes of every configured mailbox: subject tokens of others are not ours to honour.
    let knownPrefixes: Set<String>
    /// Signed-reply-address secrets by mailbox name (mailboxes without one have none).
    let secrets: [String: [UInt8]]
    /// The rules every message of this mailbox is decided by.
    let rules: InboundRules
    /// What the store reads for them: the same for every message.
    let lookup: InboundLookup
    /// What bounces do.
    let deliveryRules: DeliveryRules
    let logger: Logger
    let now: @Sendable () -> Date

    init(
        mailbox: MailboxConfig, mailboxes: [MailboxConfig], store: any InboundStore, data: DataDirectory,
        secrets: [String: [UInt8]] = [:], logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.init(mailbox: mailbox, shared: SharedMailboxes(mailboxes), store: store, data: data, secrets: secrets, logger: logger, now: now)
    }

    init(
        mailbox: MailboxConfig, shared: SharedMailboxes, store: any InboundStore, data: DataDirectory,
        secrets: [String: [UInt8]] = [:], logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.secrets = secrets
        self.mailbox = mailbox
        mailboxes = shared.configs
        self.store = store
        self.data = data
        policy = shared.policy
        knownPrefixes = shared.knownPrefixes
        let domains = shared.domains
        rules = InboundRules(receiving: shared.rules[mailbox.name] ?? mailbox.rules, mailboxes: shared.rules, organizations: shared.organizations) { name in
            MessageIDGenerator.make(domain: domains[name] ?? mailbox.domain)
        }
        lookup = InboundLookup(keyPrefix: mailbox.keyPrefix, strategies: shared.strategies)
        deliveryRules = DeliveryRules(mailboxes: shared.rules) { name in MessageIDGenerator.make(domain: domains[name] ?? mailbox.domain) }
        self.logger = logger
        self.now = now
    }

    /// The same pipeline writing files unsynced: for a batch that calls `data.syncFileSystem()`
    /// once before it commits.
    func deferringFileSync() -> IngestionPipeline {
        var copy = self
        copy.data = data.deferringSync()
        return copy
    }

    /// Records `raw`; `uidValidity`/`uid` identify it on the IMAP server when it came from there.
    public func ingest(raw: [UInt8], uidValidity: UInt32? = nil, uid: UInt32? = nil) throws -> IngestResult {
        try record(try prepare(raw: raw, uidValidity: uidValidity, uid: uid), in: store)
    }

    /// Records what `prepare` made of a message, through `recorder` (the store, or a batch of
    /// it), and logs and counts the outcome.
    func record(_ prepared: PreparedMessage, in recorder: any InboundRecorder) throws -> IngestResult {
        let result = try prepared.record(recorder)
        log(result, uid: prepared.uid, suppression: prepared.suppression)
        return result
    }

    /// Everything but recording: parses `raw`, stores its files (attachments, the raw message),
    /// classifies it and gathers what the rules need. Touches no record, so it can run ahead of
    /// the transaction that records the message. `pack`: the batch's pack, where the raw message
    /// goes instead of a file of its own.
    func prepare(raw: [UInt8], uidValidity: UInt32? = nil, uid: UInt32? = nil, pack: PackWriter? = nil) throws -> PreparedMessage {
        let receivedAt = now()
        let digest = SHA256.hex(of: raw)
        var identity = InboundIdentity(
            mailbox: mailbox.name, uidValidity: uidValidity, uid: uid, messageID: nil, sha256: digest, size: raw.count, receivedAt: receivedAt)
        guard raw.count <= mailbox.maximumMessageSize else {
            let header = Message.parse(Array(MessageBytes.headerSection(of: raw)))
            identity.messageID = header.messageID
            return try keepAside(header, raw: raw, identity: identity, limit: .message(size: raw.count))
        }
        let message = Message.parse(raw)
        identity.messageID = message.messageID
        // Before anything is stored: a bounce's returned files are not ours to keep.
        if let report = try deliveryReport(message) {
            return try recordReport(report, message: message, raw: raw, identity: identity)
        }

        var files: [(Attachment, [UInt8])] = []
        for attachment in message.attachments {
            let bytes = attachment.decodedBody()
            guard bytes.count <= mailbox.maximumAttachmentSize else {
                let name = AttachmentFilename.sanitised(attachment.filename, contentType: attachment.contentType.mediaType)
                return try keepAside(message, raw: raw, identity: identity, limit: .attachment(name: name, size: bytes.count))
            }
            files.append((attachment, bytes))
        }
        // Files first: a crash before the commit leaves only unreferenced files, which the next
        // attempt writes again under the same names.
        let attachments = try files.map { attachment, bytes in
            AttachmentDraft(
                sha256: try data.attachments.put(bytes),
                filename: AttachmentFilename.sanitised(attachment.filename, contentType: attachment.contentType.mediaType),
                contentType: attachment.contentType.mediaType, size: bytes.count, isInline: attachment.isInline,
                contentID: attachment.contentID)
        }
        let rawKept = mailbox.rawMessageRetentionDays != 0
        if rawKept, let pack {
            (identity.rawPack, identity.rawOffset) = try pack.append(raw)
        } else if rawKept {
            _ = try data.messages.put(raw, sha256: digest)
        }

        let sender = message.from.first ?? message.sender
        let senderAddress = sender?.address.lowercased() ?? message.returnPath?.lowercased() ?? ""
        let suppression = policy.suppression(for: message)
        // Found once (it was a sixth of the reading thread's time, found three times over): the
        // comment's text and what agents and approvers wrote at its top.
        let reply = message.reply
        let newText = reply ?? message.textBody ?? ""
        var content = InboundContent(
            requesterAddress: senderAddress, requesterName: sender?.name, subject: Self.cleanSubject(message.subject),
            body: message.textBody ?? "", html: message.htmlBody, reply: reply,
            copied: copiedPeople(message, sender: senderAddress), attachments: attachments,
            followUp: FollowUpCandidates(message: message, prefixes: knownPrefixes),
            autoReplySuppression: suppression?.description, rawKept: rawKept)
        content.replyTo = sender.map { Correspondent(address: $0.address, name: $0.name) }
        content.originalSubject = message.subject
        content.thread = MailThread(messageID: message.messageID, references: message.references)
        content.language = Self.language(of: message)
        let agentOf = mailboxes.values.filter { $0.isAgent(senderAddress) }.sorted { $0.name < $1.name }
        if !agentOf.isEmpty {
            content.agentMessage = AgentMail(secrets: secrets)
                .read(message, newText: newText, sender: senderAddress, agentOf: agentOf, receiving: mailbox, now: receivedAt)
        }
        content.approval = ApprovalMail(secrets: secrets)
            .read(message, newText: newText, sender: senderAddress, mailboxes: Array(mailboxes.values), now: receivedAt)
        let finished = content
        return PreparedMessage(uid: uid, suppression: suppression) { [rules, lookup, identity] recorder in
            try recorder.record(identity, finished, lookup: lookup) { snapshot in
                rules.decide(finished, snapshot: snapshot, at: receivedAt)
            }
        }
    }

    /// Records a message too large to download, from its header section alone.
    public func keepAsideUnfetched(header: [UInt8], size: Int?, uidValidity: UInt32, uid: UInt32) throws -> IngestResult {
        try record(try prepareUnfetched(header: header, size: size, uidValidity: uidValidity, uid: uid), in: store)
    }

    /// `keepAsideUnfetched` up to the recording.
    func prepareUnfetched(header: [UInt8], size: Int?, uidValidity: UInt32, uid: UInt32) throws -> PreparedMessage {
        let message = Message.parse(header)
        let identity = InboundIdentity(
            mailbox: mailbox.name, uidValidity: uidValidity, uid: uid, messageID: message.messageID, sha256: "",
            size: size ?? 0, receivedAt: now())
        return try keepAside(message, raw: nil, identity: identity, limit: .message(size: size))
    }

    /// Keeps a message that breaks a size limit: its bytes (when we have them) in the data
    /// directory, a record, and one notice to the sender unless loop rules forbid it.
    private func keepAside(_ message: Message, raw: [UInt8]?, identity: InboundIdentity, limit: SizeLimitBreach) throws -> PreparedMessage {
        if let raw { _ = try data.messages.put(raw, sha256: identity.sha256) }
        let breach = limit.described(for: mailbox)
        let from = message.from.first ?? message.sender
        let returnPath = message.returnPath.flatMap { MailboxConfig.isPlausibleAddress($0) ? $0 : nil }
        let suppressed = policy.suppression(for: message) != nil
        let subject = Self.cleanSubject(message.subject)
        let thread = MailThread(messageID: message.messageID, references: message.references)
        let kept = raw != nil
        return PreparedMessage(uid: identity.uid, suppression: nil) { [mailbox] recorder in
            try recorder.recordQuarantine(identity, sender: from?.address.lowercased() ?? "", reason: breach.record, rawKept: kept) {
                SizeNoticeRules.notice(
                    from: from.map { Correspondent(address: $0.address, name: $0.name) }, returnPath: returnPath,
                    suppressed: suppressed, subject: subject, reason: breach.notice,
                    size: limit.size, limit: limit.limit(for: mailbox), mailbox: mailbox.name,
                    answering: thread, newMessageID: { _ in MessageIDGenerator.make(domain: mailbox.domain) })
            }
        }
    }

    /// Cc, and To besides our own addresses: everyone the sender wanted in the conversation,
    /// except support addresses (ours, with or without a `+token`) and agents.
    private func copiedPeople(_ message: Message, sender: String) -> [Correspondent] {
        var seen: Set<String> = [sender]
        var people: [Correspondent] = []
        for person in message.to + message.cc {
            let address = person.address.lowercased()
            guard address.contains("@"), !seen.contains(address) else { continue }
            seen.insert(address)
            if policy.ownAddresses.contains(AutoReplyPolicy.withoutSubaddress(address)) { continue }
            if mailboxes.values.contains(where: { $0.isAgent(address) }) { continue }
            people.append(Correspondent(address: address, name: person.name))
        }
        return people
    }

    static func cleanSubject(_ subject: String?) -> String {
        let trimmed = (subject ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "(no subject)" : String(trimmed.prefix(1000))
    }

    /// Logs and counts one recorded message.
    func log(_ result: IngestResult, uid: UInt32?, suppression: AutoReplySuppression?) {
        GatewayMetrics.ingested(mailbox: mailbox.name, result: result)
        // Every message of a backlog comes here: its line's fields are not built for nothing.
        let level: Logger.Level = switch result {
        case .alreadyRecorded: .debug
        case .quarantined: .warning
        case .bounce(let outboxId, _): outboxId == nil ? .warning : .info
        case .ticketCreated, .commentAdded, .duplicate: .info
        }
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = ["mailbox": "\(mailbox.name)"]
        if let uid { metadata["uid"] = "\(uid)" }
        switch result {
        case .ticketCreated(let ticket, _):
            metadata["ticket"] = "\(ticket.key)"
            if let suppression { metadata["no_ack"] = "\(suppression)" }
            if let reason = ticket.linkReason { metadata["linked"] = "\(reason.rawValue)" }
            logger.info("ticket created", metadata: metadata)
        case .commentAdded(let ticket, let comment):
            metadata["ticket"] = "\(ticket.key)"
            metadata["visibility"] = "\(comment.visibility.rawValue)"
            logger.info("comment added", metadata: metadata)
        case .duplicate(let key):
            metadata["ticket"] = "\(key ?? "-")"
            logger.info("duplicate message skipped", metadata: metadata)
        case .alreadyRecorded:
            logger.debug("message already recorded", metadata: metadata)
        case .quarantined(let reason):
            metadata["reason"] = "\(reason)"
            logger.warning("message kept aside", metadata: metadata)
        case .bounce(let outboxId, let key):
            metadata["outbox"] = "\(outboxId.map(String.init) ?? "-")"
            metadata["ticket"] = "\(key ?? "-")"
            if outboxId == nil {
                logger.warning("delivery report matches no mail of ours; recorded only", metadata: metadata)
            } else {
                logger.info("delivery report recorded", metadata: metadata)
            }
        }
    }
}
