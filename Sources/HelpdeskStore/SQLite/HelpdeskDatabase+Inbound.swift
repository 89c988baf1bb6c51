import Foundation
import GRDB
public import HelpdeskCore

// MARK: InboundStore

extension HelpdeskDatabase {
    /// Idempotent on mailbox + UIDVALIDITY + UID, and on Message-ID from the same sender (or
    /// bytes without a Message-ID): a crash anywhere means the message is recorded again, once.
    public func record(
        _ identity: InboundIdentity, _ content: InboundContent, lookup: InboundLookup, decide: (InboundSnapshot) throws -> InboundPlan
    ) throws -> IngestResult {
        try writer.write { db in try record(in: db, identity, content, lookup: lookup, decide: decide) }
    }

    /// `record` inside the caller's transaction (a batch's savepoint, or its own).
    func record(in db: Database, _ identity: InboundIdentity, _ content: InboundContent, lookup: InboundLookup, decide: (InboundSnapshot) throws -> InboundPlan) throws -> IngestResult {
        if try isRecorded(db, identity) {
            try advanceCursor(db, identity)
            return .alreadyRecorded
        }
        if let existing = try earlierCopy(db, of: identity, sender: content.requesterAddress) {
            var row = inboundRow(identity, outcome: .duplicate, detail: "same message as inbound #\(existing.id ?? 0)")
            row.ticketId = existing.ticketId
            row.sender = content.requesterAddress
            // Its bytes may differ (another mailbox's delivery headers): retention must see them.
            row.rawKept = content.rawKept
            try db.insertRow(row)
            try advanceCursor(db, identity)
            return .duplicate(ticketKey: try existing.ticketId.flatMap { try Ticket.fetchOne(db, key: $0) }?.key)
        }
        let found = try ticketForFollowUp(db, content.followUp)
        let snapshot = InboundSnapshot(
            found: try found.map { try self.snapshot(db, of: $0, strategy: lookup.strategies[$0.mailbox], requesterThread: true) },
            nextNumber: try nextNumber(db, keyPrefix: lookup.keyPrefix),
            assignment: try assignmentState(db: db, mailbox: identity.mailbox, strategy: lookup.strategies[identity.mailbox] ?? .manual),
            sender: try contact(db, address: content.requesterAddress))
        let plan = try decide(snapshot)
        try noteSender(db, content, at: identity.receivedAt)

        var stored: CommentRecord?
        // The comment goes in before the mail, which then refers to its text.
        let (ticket, _) = try persist(db, plan.ticket, at: identity.receivedAt) { ticketId in
            var comment = CommentRecord(
                id: nil, ticketId: ticketId, authorAddress: plan.comment.authorAddress, authorName: plan.comment.authorName,
                body: plan.comment.body, visibility: plan.comment.visibility, messageId: identity.messageID, createdAt: identity.receivedAt,
                html: plan.comment.html, reply: plan.comment.reply, authorRole: plan.comment.authorRole, unverified: plan.comment.unverified)
            let commentId = try db.insertRow(comment)
            comment.id = commentId
            for draft in content.attachments {
                try db.insertRow(AttachmentRecord(
                    id: nil, commentId: commentId, sha256: draft.sha256, filename: draft.filename,
                    contentType: draft.contentType, size: draft.size, isInline: draft.isInline, contentId: draft.contentID))
            }
            stored = comment
            return comment
        }
        guard let ticketId = ticket.id, let comment = stored, let commentId = comment.id else {
            throw DatabaseError(message: "ticket or comment without id after insert")
        }
        if let messageID = identity.messageID {
            try db.insertRow(TicketMessageRecord(messageId: messageID, ticketId: ticketId, direction: "in"), orIgnore: true)
        }
        var row = inboundRow(identity, outcome: plan.outcome, detail: ticket.linkReason.map { "linked: \($0.rawValue)" })
        row.ticketId = ticketId
        row.commentId = commentId
        row.autoReply = content.autoReplySuppression
        row.rawKept = content.rawKept
        row.sender = content.requesterAddress
        try db.insertRow(row)
        try advanceCursor(db, identity)
        return plan.outcome == .ticketCreated ? .ticketCreated(ticket, comment) : .commentAdded(ticket, comment)
    }

    public func recordQuarantine(
        _ identity: InboundIdentity, sender: String = "", reason: String, rawKept: Bool = false, notice: () -> PlannedMail? = { nil }
    ) throws -> IngestResult {
        try writer.write { db in try recordQuarantine(in: db, identity, sender: sender, reason: reason, rawKept: rawKept, notice: notice) }
    }

    /// `recordQuarantine` inside the caller's transaction (a batch's savepoint, or its own).
    func recordQuarantine(in db: Database, _ identity: InboundIdentity, sender: String, reason: String, rawKept: Bool, notice: () -> PlannedMail?) throws -> IngestResult {
        if try isRecorded(db, identity) {
            try advanceCursor(db, identity)
            return .alreadyRecorded
        }
        // The same message reached another support address with a higher limit and is on a
        // ticket already: telling the sender it was not opened would be wrong.
        if let existing = try earlierCopy(db, of: identity, sender: sender) {
            var row = inboundRow(identity, outcome: .duplicate, detail: "same message as inbound #\(existing.id ?? 0); over this mailbox's limit: \(reason)")
            row.ticketId = existing.ticketId
            row.sender = sender
            try row.insert(db)
            try advanceCursor(db, identity)
            return .duplicate(ticketKey: try existing.ticketId.flatMap { try Ticket.fetchOne(db, key: $0) }?.key)
        }
        let seenBefore = try earlierQuarantine(db, of: identity)
        var row = inboundRow(identity, outcome: .quarantined, detail: reason)
        row.rawKept = rawKept
        row.sender = sender
        try row.insert(db)
        if seenBefore == nil, let mail = notice() {
            try enqueue(db, mail, ticketId: nil, at: identity.receivedAt)
        }
        try advanceCursor(db, identity)
        return .quarantined(reason: reason)
    }

    public func recordBounce(
        _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, rawKept: Bool, decide: (BouncedMail?) -> BouncePlan
    ) throws -> IngestResult {
        try writer.write { db in try recordBounce(in: db, identity, sender: sender, match: match, summary: summary, rawKept: rawKept, decide: decide) }
    }

    /// `recordBounce` inside the caller's transaction (a batch's savepoint, or its own).
    func recordBounce(in db: Database, _ identity: InboundIdentity, sender: String, match: BounceMatch, summary: String, rawKept: Bool, decide: (BouncedMail?) -> BouncePlan) throws -> IngestResult {
        if try isRecorded(db, identity) {
            try advanceCursor(db, identity)
            return .alreadyRecorded
        }
        let row: OutboxRecord?
        switch match {
        case .outbox(let id): row = try OutboxRecord.fetchOne(db, key: id)
        case .messageID(let id): row = try OutboxRecord.fetchOne(db, sql: "SELECT * FROM outbox WHERE message_id = ?", arguments: [id])
        case .none: row = nil
        }
        let rowTicket = try row?.ticketId.flatMap { try Ticket.fetchOne(db, key: $0) }
        let mail = try row.flatMap { row -> BouncedMail? in
            // Never attempted, so never bounced: a report about it is made up.
            guard let id = row.id, row.attempts > 0 else { return nil }
            // The same bounce delivered twice (or once to two mailboxes) must act once.
            let reported = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inbound_message WHERE outcome = 'bounce' AND detail = ?)",
                                              arguments: [Self.bounceDetail(outboxId: id, summary: summary)]) ?? false
            // One bounce acts per mail: later reports, forged or repeated, tell nobody again.
            var mail = BouncedMail(
                outboxId: id, mailbox: row.mailbox, event: MailEvent(rawValue: row.event),
                recipients: row.recipientList, ticket: rowTicket, alreadyBounced: reported || row.status == .bounced)
            if case .outbox = match { mail.signed = true }
            return mail
        }
        let plan = decide(mail)
        // A report that names no mail of ours belongs to no ticket either.
        let ticket = mail?.ticket
        if let bounced = plan.bounced, let id = mail?.outboxId {
            // A row still being retried was sent all the same: the bounce is its final word.
            try db.execute(sql: """
                UPDATE outbox SET status = 'bounced', bounce_status = ?, bounce_diagnostic = ?, bounced_at = ?,
                  claimed_by = NULL, claim_expires_at = NULL
                WHERE id = ? AND status IN ('sent', 'failed', 'pending', 'bounced')
                """, arguments: [bounced.status, bounced.diagnostic, identity.receivedAt, id])
        }
        for var event in plan.events {
            try event.insert(db)
        }
        for suppression in plan.suppressions {
            try keep(db, suppression)
        }
        for planned in plan.mail {
            try enqueue(db, planned, ticketId: ticket?.id, at: identity.receivedAt)
        }
        var inbound = inboundRow(
            identity, outcome: .bounce, detail: mail.map { Self.bounceDetail(outboxId: $0.outboxId, summary: summary) } ?? "unmatched: \(summary)")
        inbound.ticketId = ticket?.id
        inbound.sender = sender
        inbound.rawKept = rawKept
        try inbound.insert(db)
        try advanceCursor(db, identity)
        return .bounce(outboxId: mail?.outboxId, ticketKey: ticket?.key)
    }

    public func sentOutboxMail(messageID: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE message_id = ? AND attempts > 0)", arguments: [messageID]) ?? false
        }
    }

    /// What the inbound record says of a bounce: the row and what was reported, so a second copy
    /// of the same report is known.
    package static func bounceDetail(outboxId: Int64, summary: String) -> String {
        "outbox #\(outboxId): \(summary)"
    }

    // MARK: Lookups

    // The lookups below run for every message of a backlog: cached statements, prepared once.

    private func isRecorded(_ db: Database, _ identity: InboundIdentity) throws -> Bool {
        guard let uid = identity.uid, let validity = identity.uidValidity else { return false }
        return try db.firstInteger(
            "SELECT 1 FROM inbound_message WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            identity.mailbox, Int64(validity), Int64(uid)) != nil
    }

    /// The first recorded copy of this message: same Message-ID from the same sender (a reused
    /// or guessed Message-ID from someone else must not swallow their message), else same bytes.
    private func earlierCopy(_ db: Database, of identity: InboundIdentity, sender: String) throws -> InboundMessageRecord? {
        // Found by id first: nearly every message of a backlog is new, and a miss then costs a
        // lookup alone.
        let id = if let messageID = identity.messageID {
            try db.firstInteger(
                "SELECT id FROM inbound_message WHERE message_id = ? AND outcome <> 'quarantined' AND sender = ? ORDER BY id LIMIT 1",
                messageID, sender)
        } else {
            try db.firstInteger(
                "SELECT id FROM inbound_message WHERE mailbox = ? AND sha256 = ? AND outcome <> 'quarantined' ORDER BY id LIMIT 1",
                identity.mailbox, identity.sha256)
        }
        guard let id else { return nil }
        return try InboundMessageRecord.fetchOne(db, key: id)
    }

    /// The same message kept aside before: delivered again by an MTA, or to another support
    /// address (by Message-ID), so its sender was told already.
    private func earlierQuarantine(_ db: Database, of identity: InboundIdentity) throws -> InboundMessageRecord? {
        typealias Columns = InboundMessageRecord.Columns
        let keptAside = Columns.outcome == InboundOutcome.quarantined.rawValue
        if let messageID = identity.messageID {
            return try InboundMessageRecord.filter(keptAside && Columns.messageId == messageID).fetchOne(db)
        }
        guard !identity.sha256.isEmpty else { return nil }
        return try InboundMessageRecord.filter(keptAside && Columns.mailbox == identity.mailbox && Columns.sha256 == identity.sha256).fetchOne(db)
    }

    /// The ticket of a message a follow-up names: ours by the outbox, a requester's by
    /// `ticket_message` (which held ours too before v16; those rows are still found). Ours first:
    /// a message that reuses one of our Message-IDs must not take its replies to another ticket.
    static let ticketByMessageIDSQL = """
        SELECT * FROM ticket WHERE id = COALESCE(
          (SELECT ticket_id FROM outbox WHERE message_id = ?1),
          (SELECT ticket_id FROM ticket_message WHERE message_id = ?1))
        """

    private func ticketForFollowUp(_ db: Database, _ candidates: FollowUpCandidates) throws -> Ticket? {
        let byMessageID = try db.cachedStatement(sql: Self.ticketByMessageIDSQL)
        for messageID in candidates.referencedMessageIDs {
            if let ticket = try Ticket.fetchOne(byMessageID, arguments: [messageID]) { return ticket }
        }
        let byKey = try db.cachedStatement(sql: "SELECT * FROM ticket WHERE key = ?")
        for key in candidates.subjectKeys {
            if let ticket = try Ticket.fetchOne(byKey, arguments: [key.description]) { return ticket }
        }
        return nil
    }

    /// Numbered per key prefix, not per mailbox name: a renamed mailbox file keeps its prefix,
    /// and keys are unique across mailboxes.
    private func nextNumber(_ db: Database, keyPrefix: String) throws -> Int {
        // Down the number index to the first key of this prefix: with one prefix per database (the
        // usual case) that is the first row, with several a few more. Not LIKE: a bound LIKE
        // pattern makes SQLite compile the statement again at every step (6% of recording).
        let highest = try db.firstInteger(
            "SELECT number FROM ticket INDEXED BY ticket_number WHERE substr(key, 1, length(?1)) = ?1 ORDER BY number DESC LIMIT 1",
            "\(keyPrefix)-")
        return Int(highest ?? 0) + 1
    }

    private func inboundRow(_ identity: InboundIdentity, outcome: InboundOutcome, detail: String?) -> InboundMessageRecord {
        InboundMessageRecord(
            id: nil, mailbox: identity.mailbox, uidValidity: identity.uidValidity.map(Int64.init), uid: identity.uid.map(Int64.init),
            messageId: identity.messageID, sha256: identity.sha256, size: identity.size, outcome: outcome,
            autoReply: nil, detail: detail, ticketId: nil, commentId: nil, receivedAt: identity.receivedAt, rawKept: false, sender: nil,
            rawPack: identity.rawPack, rawOffset: identity.rawOffset)
    }
}
