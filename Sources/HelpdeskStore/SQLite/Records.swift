public import Foundation
public import GRDB
public import HelpdeskCore

/// A ticket as stored: the core's `Ticket`.
public typealias TicketRecord = Ticket
/// One row of a ticket's history: the core's `TicketEvent`.
public typealias TicketEventRecord = TicketEvent
/// A participant as stored: the core's `Participant`.
public typealias ParticipantRecord = Participant
/// One SLA target's clock as stored (table `ticket_sla`): the core's `TicketClock`.
public typealias TicketSLARecord = TicketClock

/// A comment on a ticket: a requester's message or an agent's reply.
public struct CommentRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var ticketId: Int64
    public var authorAddress: String
    public var authorName: String?
    public var body: String
    public var visibility: CommentVisibility
    public var messageId: String?
    public var createdAt: Date
    /// The HTML part as received, if any.
    public var html: String?
    /// The new text without quoted history and signature; nil when there was no text body.
    public var reply: String?
    public var authorRole: SenderRole
    /// An agent's mail that proved nothing: kept, internal, and its commands not run.
    public var unverified: Bool = false

    package init(
        id: Int64?, ticketId: Int64, authorAddress: String, authorName: String?, body: String, visibility: CommentVisibility,
        messageId: String?, createdAt: Date, html: String?, reply: String?, authorRole: SenderRole, unverified: Bool = false
    ) {
        self.id = id
        self.ticketId = ticketId
        self.authorAddress = authorAddress
        self.authorName = authorName
        self.body = body
        self.visibility = visibility
        self.messageId = messageId
        self.createdAt = createdAt
        self.html = html
        self.reply = reply
        self.authorRole = authorRole
        self.unverified = unverified
    }
}

/// A file that came with a comment; the bytes are in the data directory under their SHA-256.
public struct AttachmentRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var commentId: Int64
    public var sha256: String
    /// Sanitised; never used as a path.
    public var filename: String
    public var contentType: String
    public var size: Int
    public var isInline: Bool
    public var contentId: String?

    package init(id: Int64?, commentId: Int64, sha256: String, filename: String, contentType: String, size: Int, isInline: Bool, contentId: String?) {
        self.id = id
        self.commentId = commentId
        self.sha256 = sha256
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.isInline = isInline
        self.contentId = contentId
    }
}

/// One message read from a mailbox: its identity (the idempotency key) and its outcome.
public struct InboundMessageRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var mailbox: String
    public var uidValidity: Int64?
    public var uid: Int64?
    public var messageId: String?
    public var sha256: String
    public var size: Int
    public var outcome: InboundOutcome
    public var autoReply: String?
    public var detail: String?
    public var ticketId: Int64?
    public var commentId: Int64?
    public var receivedAt: Date
    public var rawKept: Bool
    /// The From address (lower-cased), part of the duplicate check with the Message-ID.
    public var sender: String?
    /// The pack holding the raw bytes (`PackStore`); nil when they are in a file of their own,
    /// named by `sha256`.
    public var rawPack: String?
    /// Where in `rawPack` the raw bytes start (`size` of them).
    public var rawOffset: Int64?

    package init(
        id: Int64?, mailbox: String, uidValidity: Int64?, uid: Int64?, messageId: String?, sha256: String, size: Int, outcome: InboundOutcome,
        autoReply: String?, detail: String?, ticketId: Int64?, commentId: Int64?, receivedAt: Date, rawKept: Bool, sender: String?,
        rawPack: String? = nil, rawOffset: Int64? = nil
    ) {
        self.id = id
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
        self.messageId = messageId
        self.sha256 = sha256
        self.size = size
        self.outcome = outcome
        self.autoReply = autoReply
        self.detail = detail
        self.ticketId = ticketId
        self.commentId = commentId
        self.receivedAt = receivedAt
        self.rawKept = rawKept
        self.sender = sender
        self.rawPack = rawPack
        self.rawOffset = rawOffset
    }
}

/// Where a mailbox's poller stands: the UIDVALIDITY it knows and the highest UID it committed.
public struct MailboxCursor: Sendable, Codable, Equatable {
    public var mailbox: String
    public var uidValidity: Int64
    public var lastUid: Int64
    public var updatedAt: Date
}

/// Delivery state of an outgoing message.
public enum OutboxStatus: String, Sendable, Codable {
    case pending, sent, failed
    /// Sent, then returned by the receiving side as undeliverable (a hard bounce).
    case bounced
    /// Never sent: its address bounced before, or a loop cap held it back.
    case withheld
}

/// An outgoing message waiting in, or done with, the outbox.
public struct OutboxRecord: Sendable, Equatable {
    public var id: Int64?
    public var mailbox: String
    public var ticketId: Int64?
    /// The `MailEvent` raw value (kept as text: rows from before a rename stay readable).
    public var event: String
    /// Set when rendered.
    public var envelopeFrom: String?
    /// Comma-separated addresses.
    public var recipients: String
    /// The rendered message; nil until the outbox side renders the intent.
    public var message: Data?
    public var messageId: String
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
    /// The planned mail as JSON (`StoredIntent`); nil for rows rendered before intents were stored.
    public var intent: String?
    /// The dispatcher holding the row, and until when.
    public var claimedBy: String?
    public var claimExpiresAt: Date?
    /// What the bounce said, for a row that bounced.
    public var bounceStatus: String?
    public var bounceDiagnostic: String?
    public var bouncedAt: Date?
    /// The comment whose body and reply are this mail's texts, kept there instead of in `intent`.
    public var commentId: Int64?
    /// Those texts, read with the row by the store (not a column); `plannedMail` needs them.
    public var commentTexts: MailTexts?

    public var recipientList: [String] { recipients.split(separator: ",").map(String.init) }

    /// Every column; for another store backend's reading of its rows.
    package init(
        id: Int64?, mailbox: String, ticketId: Int64?, event: String, envelopeFrom: String?, recipients: String, message: Data?,
        messageId: String, status: OutboxStatus, attempts: Int, nextAttemptAt: Date, lastError: String?, createdAt: Date, sentAt: Date?,
        intent: String?, claimedBy: String? = nil, claimExpiresAt: Date? = nil, bounceStatus: String? = nil, bounceDiagnostic: String? = nil,
        bouncedAt: Date? = nil, commentId: Int64? = nil, commentTexts: MailTexts? = nil
    ) {
        self.id = id
        self.mailbox = mailbox
        self.ticketId = ticketId
        self.event = event
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.message = message
        self.messageId = messageId
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.intent = intent
        self.claimedBy = claimedBy
        self.claimExpiresAt = claimExpiresAt
        self.bounceStatus = bounceStatus
        self.bounceDiagnostic = bounceDiagnostic
        self.bouncedAt = bouncedAt
        self.commentId = commentId
        self.commentTexts = commentTexts
    }

    /// Pending, but its template failed: a row is rendered before it is first sent, so one with
    /// an error and no message never reached SMTP. It waits for the template to be fixed.
    public var isWaitingForTemplate: Bool { status == .pending && message == nil && lastError != nil }

    /// The planned mail this row holds, decoded; nil for a row that only has its rendered bytes.
    public func plannedMail() throws -> PlannedMail? {
        guard let intent else { return nil }
        guard let commentId else { return try StoredIntent.decode(intent) }
        guard let commentTexts else { throw MailTextsNotRead(outboxId: id, commentId: commentId) }
        var mail = try StoredIntent.decode(intent, textsApart: true)
        mail.facts.body = commentTexts.body
        mail.facts.reply = commentTexts.reply
        return mail
    }
}

/// A queued mail's text as its comment holds it.
public struct MailTexts: Sendable, Equatable {
    public var body: String
    public var reply: String

    public init(body: String, reply: String) {
        self.body = body
        self.reply = reply
    }
}

/// A row whose text is in a comment was read without it: a store bug, never the data's fault.
struct MailTextsNotRead: Error, CustomStringConvertible {
    var outboxId: Int64?
    var commentId: Int64

    var description: String {
        "queued mail #\(outboxId ?? 0) keeps its text in comment #\(commentId), which the store did not read with it; report this as a bug"
    }
}

/// Records whose Swift properties are camelCase and whose columns are snake_case.
public protocol SnakeCaseColumns: FetchableRecord, EncodableRecord {}

extension SnakeCaseColumns {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

struct TicketMessageRecord: Codable {
    var messageId: String
    var ticketId: Int64
    var direction: String
}

extension Ticket: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "ticket"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension CommentRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "comment"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension InboundMessageRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "inbound_message"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TicketEvent: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "ticket_event"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Participant: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "participant"
}

extension AttachmentRecord: FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "attachment"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension MailboxCursor: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "mailbox_cursor"
}

// Mapped by hand: the outbox is read on every dispatch, and an unrendered row stores an empty
// message and envelope sender (the columns predate intents and stay NOT NULL).
extension OutboxRecord: FetchableRecord, MutablePersistableRecord, ColumnValues {
    public static let databaseTableName = "outbox"

    public init(row: Row) throws {
        id = row["id"]
        mailbox = row["mailbox"]
        ticketId = row["ticket_id"]
        event = row["event"]
        recipients = row["recipients"]
        let from: String = row["envelope_from"]
        envelopeFrom = from.isEmpty ? nil : from
        let bytes: Data = row["message"]
        message = bytes.isEmpty ? nil : bytes
        messageId = row["message_id"]
        status = OutboxStatus(rawValue: row["status"]) ?? .failed
        attempts = row["attempts"]
        nextAttemptAt = row["next_attempt_at"]
        lastError = row["last_error"]
        createdAt = row["created_at"]
        sentAt = row["sent_at"]
        intent = row["intent"]
        claimedBy = row["claimed_by"]
        claimExpiresAt = row["claim_expires_at"]
        bounceStatus = row["bounce_status"]
        bounceDiagnostic = row["bounce_diagnostic"]
        bouncedAt = row["bounced_at"]
        commentId = row["comment_id"]
    }

    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("id", id)
        sink.column("mailbox", mailbox)
        sink.column("ticket_id", ticketId)
        sink.column("event", event)
        sink.column("envelope_from", envelopeFrom ?? "")
        sink.column("recipients", recipients)
        sink.column("message", message ?? Data())
        sink.column("message_id", messageId)
        sink.column("status", status.rawValue)
        sink.column("attempts", attempts)
        sink.column("next_attempt_at", nextAttemptAt.databaseText)
        sink.column("last_error", lastError)
        sink.column("created_at", createdAt.databaseText)
        sink.column("sent_at", sentAt?.databaseText)
        sink.column("intent", intent)
        sink.column("claimed_by", claimedBy)
        sink.column("claim_expires_at", claimExpiresAt?.databaseText)
        sink.column("bounce_status", bounceStatus)
        sink.column("bounce_diagnostic", bounceDiagnostic)
        sink.column("bounced_at", bouncedAt?.databaseText)
        sink.column("comment_id", commentId)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The planned mail as the outbox keeps it: versioned, so a later release can still read (or
/// knowingly convert) mail queued by this one.
package enum StoredIntent {
    /// Format 1: the mail whole. Format 2: its facts without body and reply, which are in the
    /// comment the row names; an older release refuses it with `StoredIntentError` instead of
    /// sending an empty text.
    static let version = 2
    static let readable = 1...version
    static let wholeMail = 1

    private struct Envelope: Codable {
        var version: Int
        var mail: PlannedMail

        init(version: Int, mail: PlannedMail) {
            self.version = version
            self.mail = mail
        }

        // The version is read before the mail, in the same pass: parsing the JSON twice (once for
        // the version) was a tenth of the outbox's CPU.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            version = try container.decode(Int.self, forKey: .version)
            guard StoredIntent.readable.contains(version) else { throw StoredIntentError(found: version) }
            mail = try container.decode(PlannedMail.self, forKey: .mail)
        }
    }

    package static func encode(_ mail: PlannedMail) throws -> String {
        String(decoding: try JSONEncoder().encode(Envelope(version: wholeMail, mail: mail)), as: UTF8.self)
    }

    /// Each mail as `encode` writes it (the same JSON object, its keys in another order), with
    /// the facts that follow each other unchanged encoded once: a new ticket's acknowledgement
    /// and its agents' notices carry the same facts, the message's text among them.
    /// `textsApart`: leave out the facts' body and reply (the row names the comment they are in).
    /// `mails` encoded for the outbox, each with the comment that holds its texts when they are
    /// `comment`'s (a new ticket's acknowledgement and notices, an answer's notices): the text is
    /// then stored once, not once per mail. Text with a NUL keeps its own copy: neither backend
    /// stores a NUL in a column (SQLite's binding cuts it, PostgreSQL refuses it), while JSON
    /// keeps every character.
    package static func queued(_ mails: [PlannedMail], textsOf comment: CommentRecord?) throws -> [(mail: PlannedMail, intent: String, commentId: Int64?)] {
        let shared: (id: Int64, texts: MailTexts)? = comment.flatMap { comment in
            let texts = MailTexts(body: comment.body, reply: comment.reply ?? comment.body)
            guard let id = comment.id, !texts.body.containsNUL, !texts.reply.containsNUL else { return nil }
            return (id, texts)
        }
        let apart = mails.map { mail in shared.map { mail.facts.body == $0.texts.body && mail.facts.reply == $0.texts.reply } ?? false }
        var apartIntents = try encode(zip(mails, apart).filter(\.1).map(\.0), textsApart: true).makeIterator()
        var ownIntents = try encode(zip(mails, apart).filter { !$0.1 }.map(\.0)).makeIterator()
        return zip(mails, apart).compactMap { mail, isApart in
            guard let intent = isApart ? apartIntents.next() : ownIntents.next() else { return nil }
            return (mail, intent, isApart ? shared?.id : nil)
        }
    }

    package static func encode(_ mails: [PlannedMail], textsApart: Bool = false) throws -> [String] {
        let encoder = JSONEncoder()
        if textsApart { encoder.userInfo[.mailTextsApart] = true }
        var last: (facts: MailFacts, json: String)?
        return try mails.map { mail in
            let facts: String
            if let last, last.facts == mail.facts {
                facts = last.json
            } else {
                facts = try QueuedMailJSON.facts(mail.facts, textsApart: textsApart)
                    ?? String(decoding: try encoder.encode(mail.facts), as: UTF8.self)
                last = (mail.facts, facts)
            }
            // Written into one buffer: a JSONEncoder call for each part, or a String appended
            // piece by piece, cost more than the text written.
            var json: [UInt8] = []
            json.reserveCapacity(facts.utf8.count + 256)
            json += #"{"version":\#(textsApart ? version : wholeMail),"mail":{"intent":"#.utf8
            json += try (QueuedMailJSON.intent(mail.intent) ?? String(decoding: try encoder.encode(mail.intent), as: UTF8.self)).utf8
            json += #","messageID":"#.utf8
            QueuedMailJSON.appendString(mail.messageID, to: &json)
            json += #","mailbox":"#.utf8
            QueuedMailJSON.appendString(mail.mailbox, to: &json)
            if let answering = mail.answering {
                json += #","answering":{"ancestors":["#.utf8
                for (index, ancestor) in answering.ancestors.enumerated() {
                    if index > 0 { json.append(UInt8(ascii: ",")) }
                    QueuedMailJSON.appendString(ancestor, to: &json)
                }
                json.append(UInt8(ascii: "]"))
                if let parent = answering.parent {
                    json += #","parent":"#.utf8
                    QueuedMailJSON.appendString(parent, to: &json)
                }
                json.append(UInt8(ascii: "}"))
            }
            json += #","facts":"#.utf8
            json += facts.utf8
            json += "}}".utf8
            return String(decoding: json, as: UTF8.self)
        }
    }

    /// `text` as a JSON string (RFC 8259): quotes, backslashes and control characters escaped,
    /// everything else as it is.
    static func appendJSONString(_ text: String, to json: inout String) {
        var out: [UInt8] = []
        QueuedMailJSON.appendString(text, to: &out)
        json += String(decoding: out, as: UTF8.self)
    }

    /// `textsApart`: the facts may come without body and reply (both are then empty).
    static func decode(_ text: String, textsApart: Bool = false) throws -> PlannedMail {
        let decoder = JSONDecoder()
        if textsApart { decoder.userInfo[.mailTextsApart] = true }
        return try decoder.decode(Envelope.self, from: Data(text.utf8)).mail
    }
}

/// Mail queued by another release of the gateway.
struct StoredIntentError: Error, CustomStringConvertible {
    var found: Int

    var description: String {
        "the mail was queued in intent format \(found) and this release reads formats \(StoredIntent.readable.lowerBound) to \(StoredIntent.readable.upperBound); run the release that queued it to send it"
    }
}

extension TicketMessageRecord: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    static let databaseTableName = "ticket_message"
}

/// A warning or breach told (or deliberately not mailed), once per ticket, target and kind.
public struct SLANoticeRecord: Sendable, Codable, Equatable {
    /// Which point of a target was passed.
    public typealias Kind = SLANoticeKind

    public var ticketId: Int64
    public var target: SLATarget
    public var kind: Kind
    public var at: Date
    public var dueAt: Date?
    public var mailed: Bool
}

extension TicketClock: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "ticket_sla"
}

extension SLANoticeRecord: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "sla_notice"
}
