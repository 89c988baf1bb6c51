import Foundation
import GRDB
import HelpdeskCore

extension HelpdeskDatabase {
    /// A ticket keeps at most this many participants: a message Cc'd to a whole company does not
    /// make the help desk mail everyone on every reply.
    public static let participantLimit = 50

    /// Records one inbound message in a single transaction: the ticket or comment, participants,
    /// attachments, the Message-IDs for threading, the replies `makeReplies` renders into the
    /// outbox, and the mailbox cursor. Idempotent on mailbox + UIDVALIDITY + UID, and on
    /// Message-ID (or bytes without one).
    public func ingest(
        _ identity: InboundIdentity,
        content: InboundContent,
        keyPrefix: String,
        makeReplies: (IngestContext) throws -> [OutboxDraft]
    ) throws -> IngestResult {
        try writer.write { db in
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
                try row.insert(db)
                try advanceCursor(db, identity)
                let key = try existing.ticketId.flatMap { try TicketRecord.fetchOne(db, key: $0) }?.key
                return .duplicate(ticketKey: key)
            }

            var context: IngestContext
            if let found = try ticketForFollowUp(db, content.followUp) {
                let role = try senderRole(db, ticket: found, content: content)
                switch FollowUpRule.action(
                    status: found.status, sender: role, strangers: content.strangers, automatic: content.autoReplySuppression != nil) {
                case .agentMail:
                    context = try appendAgentMail(db, identity, content, to: found)
                case .append(let visibility, let newStatus):
                    context = try append(db, identity, content, to: found, role: role, visibility: visibility, newStatus: newStatus)
                case .newLinkedTicket(let reason):
                    context = try openTicket(db, identity, content, keyPrefix: keyPrefix, linkedTo: found, reason: reason)
                }
            } else {
                context = try openTicket(db, identity, content, keyPrefix: keyPrefix, linkedTo: nil, reason: nil)
            }
            guard let ticketId = context.ticket.id, let commentId = context.comment.id else {
                throw DatabaseError(message: "ticket or comment without id after insert")
            }
            for draft in content.attachments {
                var row = AttachmentRecord(
                    id: nil, commentId: commentId, sha256: draft.sha256, filename: draft.filename,
                    contentType: draft.contentType, size: draft.size, isInline: draft.isInline, contentId: draft.contentID)
                try row.insert(db)
            }
            if let messageID = identity.messageID {
                try TicketMessageRecord(messageId: messageID, ticketId: ticketId, direction: "in").insert(db, onConflict: .ignore)
            }
            var row = inboundRow(identity, outcome: context.outcome, detail: context.ticket.linkReason.map { "linked: \($0.rawValue)" })
            row.ticketId = ticketId
            row.commentId = commentId
            row.autoReply = content.autoReplySuppression
            row.rawKept = content.rawKept
            row.sender = content.requesterAddress
            try row.insert(db)

            context.participants = try activeParticipants(db, ticketId: ticketId)
            if context.agentOutcome == .applied {
                context.requesterThread = try String.fetchAll(db, sql: """
                    SELECT message_id FROM (
                      SELECT message_id, created_at AS at, 0 AS source, id FROM comment
                      WHERE ticket_id = ? AND author_role = 'participant' AND visibility = 'public' AND message_id IS NOT NULL
                      UNION ALL
                      SELECT message_id, created_at AS at, 1 AS source, id FROM outbox
                      WHERE ticket_id = ? AND event IN ('ticket_created', 'agent_reply')
                    ) ORDER BY at, source, id
                    """, arguments: [ticketId, ticketId])
            }
            for draft in try makeReplies(context) {
                // Sent through the ticket's own mailbox: its From and SMTP account belong together,
                // also when the follow-up arrived at another support address.
                try enqueue(db, draft, mailbox: context.ticket.mailbox, ticketId: ticketId, at: identity.receivedAt)
            }
            try refreshSLA(db, ticketId: ticketId, now: identity.receivedAt)
            try advanceCursor(db, identity)
            return context.outcome == .ticketCreated
                ? .ticketCreated(context.ticket, context.comment) : .commentAdded(context.ticket, context.comment)
        }
    }

    /// Records a message the gateway will not process (too large), so it is never lost from view
    /// and the poller moves past it. `notice` renders the one message telling the sender; it is
    /// not asked for when the same message was kept aside before.
    public func quarantine(
        _ identity: InboundIdentity, sender: String = "", reason: String, rawKept: Bool = false,
        notice: () throws -> OutboxDraft? = { nil }
    ) throws -> IngestResult {
        try writer.write { db in
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
                let key = try existing.ticketId.flatMap { try TicketRecord.fetchOne(db, key: $0) }?.key
                return .duplicate(ticketKey: key)
            }
            let seenBefore = try earlierQuarantine(db, of: identity)
            var row = inboundRow(identity, outcome: .quarantined, detail: reason)
            row.rawKept = rawKept
            row.sender = sender
            try row.insert(db)
            if seenBefore == nil, let draft = try notice() {
                try enqueue(db, draft, mailbox: identity.mailbox, ticketId: nil, at: identity.receivedAt)
            }
            try advanceCursor(db, identity)
            return .quarantined(reason: reason)
        }
    }

    // MARK: Applying a message

    private func openTicket(
        _ db: Database, _ identity: InboundIdentity, _ content: InboundContent, keyPrefix: String,
        linkedTo previous: TicketRecord?, reason: LinkReason?
    ) throws -> IngestContext {
        // Numbered per key prefix, not per mailbox name: a renamed mailbox file keeps its prefix,
        // and keys are unique across mailboxes.
        let number = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM ticket WHERE key LIKE ?", arguments: ["\(keyPrefix)-%"]) ?? 1
        var ticket = TicketRecord(
            id: nil, mailbox: identity.mailbox, number: number, key: TicketKey(prefix: keyPrefix, number: number).description,
            subject: previous == nil ? content.subject : SubjectLine.base(content.subject, removing: content.followUp.subjectKeys),
            requesterAddress: content.requesterAddress, requesterName: content.requesterName,
            status: .new, priority: .normal, createdAt: identity.receivedAt, updatedAt: identity.receivedAt,
            linkedTicketId: previous?.id, linkReason: reason)
        try ticket.insert(db)
        guard let ticketId = ticket.id else { throw DatabaseError(message: "ticket without id after insert") }
        if !content.requesterAddress.isEmpty {
            try ParticipantRecord(
                ticketId: ticketId, address: content.requesterAddress, name: content.requesterName, role: .requester,
                addedAt: identity.receivedAt, removedAt: nil).insert(db, onConflict: .ignore)
        }
        try addCopied(db, content.copied, to: ticketId, at: identity.receivedAt)
        let comment = try insertComment(db, identity, content, ticketId: ticketId, role: .participant, visibility: .public)
        var events = [TicketEventRecord(
            ticketId: ticketId, at: identity.receivedAt, actor: content.requesterAddress.isEmpty ? "unknown" : content.requesterAddress,
            actorRole: .requester, kind: .created, from: previous?.key, to: ticket.key, note: reason.map { "linked: \($0.rawValue)" })]
        if let plan = content.assignment, let agent = try autoAssignee(db, for: ticket, plan: plan, body: content.body, tags: []) {
            events.append(TicketEventRecord(
                ticketId: ticketId, at: identity.receivedAt, actor: TicketActor.gateway.address, actorRole: .system, kind: .assignee,
                from: nil, to: agent, note: plan.strategy.rawValue))
            ticket.assignee = agent
            try ticket.update(db)
        }
        for event in events { try recordEvent(db, event) }
        return IngestContext(
            ticket: ticket, comment: comment, outcome: .ticketCreated, linkedTicket: previous, participants: [],
            events: events)
    }

    /// The agent a new ticket goes to under the mailbox's strategy, moving the round-robin pointer.
    func autoAssignee(_ db: Database, for ticket: TicketRecord, plan: AssignmentPlan, body: String, tags: Set<String>) throws -> String? {
        let skills = Assignment.requiredSkills(subject: ticket.subject, body: body, tags: tags, rules: plan.rules)
        let candidates = Assignment.candidates(plan.agents, requiredSkills: skills)
        switch plan.strategy {
        case .manual:
            return nil
        case .roundRobin:
            let last = try String.fetchOne(db, sql: "SELECT last_assignee FROM assignment_pointer WHERE mailbox = ?", arguments: [ticket.mailbox])
            guard let next = Assignment.roundRobin(candidates, in: plan.agents, after: last) else { return nil }
            try setLastAssignee(db, mailbox: ticket.mailbox, agent: next, at: ticket.createdAt)
            return next
        case .leastOpen:
            return Assignment.leastOpen(candidates, openCounts: try openCounts(db, mailbox: ticket.mailbox))
        }
    }

    private func append(
        _ db: Database, _ identity: InboundIdentity, _ content: InboundContent, to found: TicketRecord,
        role: SenderRole, visibility: CommentVisibility, newStatus: TicketStatus?
    ) throws -> IngestContext {
        var ticket = found
        guard let ticketId = ticket.id else { throw DatabaseError(message: "ticket without id") }
        let previous = ticket.status
        var events: [TicketEventRecord] = []
        if let newStatus, newStatus != previous {
            ticket.status = newStatus
            // The requester's reply moves the ticket: the gateway's rule, in the requester's name.
            events.append(TicketEventRecord(
                ticketId: ticketId, at: identity.receivedAt, actor: content.requesterAddress, actorRole: .requester, kind: .status,
                from: previous.rawValue, to: newStatus.rawValue, note: "reply from the requester"))
        }
        ticket.updatedAt = identity.receivedAt
        try ticket.update(db)
        // A participant may bring others in by Cc; an agent's or stranger's Cc changes nothing.
        if role == .participant {
            for address in try addCopied(db, content.copied, to: ticketId, at: identity.receivedAt) {
                events.append(TicketEventRecord(
                    ticketId: ticketId, at: identity.receivedAt, actor: content.requesterAddress, actorRole: .requester,
                    kind: .participant, from: nil, to: address, note: "Cc on a reply"))
            }
        }
        for event in events { try recordEvent(db, event) }
        let comment = try insertComment(db, identity, content, ticketId: ticketId, role: role, visibility: visibility)
        return IngestContext(
            ticket: ticket, comment: comment, outcome: .commentAdded, linkedTicket: nil,
            participants: [], events: events)
    }

    /// An agent's mail on a ticket of their mailbox: proved (signed reply address or trusted
    /// DMARC) and valid, its commands are applied and its comment recorded as they say; otherwise
    /// nothing changes and the mail is an internal note.
    private func appendAgentMail(_ db: Database, _ identity: InboundIdentity, _ content: InboundContent, to found: TicketRecord) throws -> IngestContext {
        var ticket = found
        guard let ticketId = ticket.id, let mail = content.agentMessage else {
            return try append(db, identity, content, to: found, role: .agent, visibility: .internal, newStatus: nil)
        }
        let agent = TicketActor(address: content.requesterAddress, role: .agent)
        var verified = mail.tokenTicketIds.contains(ticketId)
        if !verified, case .verified = mail.authentication { verified = true }
        // A robot's mail (an out-of-office) runs nothing and is nobody's answer; it only gets the
        // unverified mark when nothing proved its sender, so a forger cannot plant clean notes.
        if content.autoReplySuppression != nil {
            var context = try append(db, identity, content, to: found, role: .agent, visibility: .internal, newStatus: nil)
            if !verified {
                try db.execute(sql: "UPDATE comment SET unverified = 1 WHERE id = ?", arguments: [context.comment.id])
                context.comment.unverified = true
            }
            return context
        }
        guard verified else {
            var reasons = [mail.tokenProblem ?? "it was not sent to the signed reply address of a notification"]
            if case .notVerified(let why) = mail.authentication { reasons.append(why) }
            var context = try append(db, identity, content, to: found, role: .agent, visibility: .internal, newStatus: nil)
            try db.execute(sql: "UPDATE comment SET unverified = 1 WHERE id = ?", arguments: [context.comment.id])
            context.comment.unverified = true
            context.agentOutcome = .unverified(reason: reasons.joined(separator: "; and "))
            return context
        }
        let commands: AgentCommands
        switch mail.commands {
        case .failure(let problem):
            var context = try append(db, identity, content, to: found, role: .agent, visibility: .internal, newStatus: nil)
            context.agentOutcome = .rejected(problem)
            return context
        case .success(let parsed):
            commands = parsed
        }
        var change = commands.change
        let hasComment = !commands.comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let isPublic = hasComment && !commands.internalNote
        // A first public answer opens a new ticket, unless the agent set a status themselves.
        if isPublic && change.status == nil && ticket.status == .new { change.status = .open }
        let events: [TicketEventRecord]
        do {
            events = try apply(
                db, change, to: &ticket, actor: agent, agents: content.agentsByMailbox[ticket.mailbox] ?? [], at: identity.receivedAt,
                assignment: ticket.mailbox == identity.mailbox ? content.assignment : nil)
        } catch let refused as ChangeRefused {
            let line = commands.lines.first { line in refused.what.split(separator: " ").first.map { line.lowercased().contains($0.lowercased()) } ?? false }
            var context = try append(db, identity, content, to: found, role: .agent, visibility: .internal, newStatus: nil)
            context.agentOutcome = .rejected(AgentCommandProblem(line: line ?? refused.what, reason: refused.reason))
            return context
        }
        var recorded = content
        if hasComment { recorded.body = commands.comment; recorded.reply = commands.comment }
        if isPublic && ticket.firstResponseAt == nil {
            ticket.firstResponseAt = identity.receivedAt
        }
        ticket.updatedAt = identity.receivedAt
        try ticket.update(db)
        var visibilityEvents: [TicketEventRecord] = []
        if commands.internalNote {
            visibilityEvents.append(TicketEventRecord(
                ticketId: ticketId, at: identity.receivedAt, actor: agent.address, actorRole: .agent, kind: .visibility,
                from: nil, to: CommentVisibility.internal.rawValue, note: "#internal"))
        }
        let comment = try insertComment(db, identity, recorded, ticketId: ticketId, role: .agent, visibility: isPublic ? .public : .internal)
        for event in visibilityEvents { try recordEvent(db, event) }
        return IngestContext(
            ticket: ticket, comment: comment, outcome: .commentAdded, linkedTicket: nil, participants: [],
            events: events + visibilityEvents, agentOutcome: .applied)
    }

    private func insertComment(
        _ db: Database, _ identity: InboundIdentity, _ content: InboundContent, ticketId: Int64, role: SenderRole,
        visibility: CommentVisibility
    ) throws -> CommentRecord {
        var comment = CommentRecord(
            id: nil, ticketId: ticketId, authorAddress: content.requesterAddress, authorName: content.requesterName,
            body: content.body, visibility: visibility, messageId: identity.messageID, createdAt: identity.receivedAt,
            html: content.html, reply: content.reply, authorRole: role)
        try comment.insert(db)
        return comment
    }

    /// Adds the people copied on a message as participants; returns the addresses added.
    @discardableResult
    private func addCopied(_ db: Database, _ copied: [Correspondent], to ticketId: Int64, at now: Date) throws -> [String] {
        var count = try ParticipantRecord.filter(Column("ticket_id") == ticketId && Column("removed_at") == nil).fetchCount(db)
        var added: [String] = []
        for person in copied where !person.address.isEmpty && count < Self.participantLimit {
            // A participant an agent removed stays removed: their Cc on a reply does not undo it.
            let row = ParticipantRecord(ticketId: ticketId, address: person.address, name: person.name, role: .cc, addedAt: now, removedAt: nil)
            try row.insert(db, onConflict: .ignore)
            if db.changesCount > 0 {
                count += 1
                added.append(person.address)
            }
        }
        return added
    }

    private func senderRole(_ db: Database, ticket: TicketRecord, content: InboundContent) throws -> SenderRole {
        let sender = content.requesterAddress
        guard !sender.isEmpty, let ticketId = ticket.id else { return .stranger }
        if content.senderIsAgentOf.contains(ticket.mailbox) { return .agent }
        let isParticipant = try ParticipantRecord
            .filter(Column("ticket_id") == ticketId && Column("address") == sender && Column("removed_at") == nil)
            .fetchCount(db) > 0
        // Tickets from before participants were recorded know only their requester.
        return isParticipant || sender == ticket.requesterAddress.lowercased() ? .participant : .stranger
    }

    func activeParticipants(_ db: Database, ticketId: Int64) throws -> [ParticipantRecord] {
        try ParticipantRecord.filter(Column("ticket_id") == ticketId && Column("removed_at") == nil)
            .order(Column("added_at"), Column("address")).fetchAll(db)
    }

    // MARK: Lookups

    private func isRecorded(_ db: Database, _ identity: InboundIdentity) throws -> Bool {
        guard let uid = identity.uid, let validity = identity.uidValidity else { return false }
        return try InboundMessageRecord
            .filter(Column("mailbox") == identity.mailbox && Column("uid_validity") == Int64(validity) && Column("uid") == Int64(uid))
            .fetchCount(db) > 0
    }

    /// The first recorded copy of this message: same Message-ID from the same sender (a reused
    /// or guessed Message-ID from someone else must not swallow their message), else same bytes.
    private func earlierCopy(_ db: Database, of identity: InboundIdentity, sender: String) throws -> InboundMessageRecord? {
        let recorded = Column("outcome") != InboundOutcome.quarantined.rawValue
        if let messageID = identity.messageID {
            return try InboundMessageRecord
                .filter(Column("message_id") == messageID && recorded && Column("sender") == sender)
                .order(Column("id")).fetchOne(db)
        }
        return try InboundMessageRecord
            .filter(Column("mailbox") == identity.mailbox && Column("sha256") == identity.sha256 && recorded)
            .order(Column("id")).fetchOne(db)
    }

    /// The same message kept aside before: delivered again by an MTA, or to another support
    /// address (by Message-ID), so its sender was told already.
    private func earlierQuarantine(_ db: Database, of identity: InboundIdentity) throws -> InboundMessageRecord? {
        let keptAside = Column("outcome") == InboundOutcome.quarantined.rawValue
        if let messageID = identity.messageID {
            return try InboundMessageRecord.filter(keptAside && Column("message_id") == messageID).fetchOne(db)
        }
        guard !identity.sha256.isEmpty else { return nil }
        return try InboundMessageRecord.filter(keptAside && Column("mailbox") == identity.mailbox && Column("sha256") == identity.sha256).fetchOne(db)
    }

    private func ticketForFollowUp(_ db: Database, _ candidates: FollowUpCandidates) throws -> TicketRecord? {
        for messageID in candidates.referencedMessageIDs {
            if let link = try TicketMessageRecord.fetchOne(db, key: messageID),
               let ticket = try TicketRecord.fetchOne(db, key: link.ticketId) {
                return ticket
            }
        }
        for key in candidates.subjectKeys {
            if let ticket = try TicketRecord.filter(Column("key") == key.description).fetchOne(db) { return ticket }
        }
        return nil
    }

    // MARK: Rows

    private func inboundRow(_ identity: InboundIdentity, outcome: InboundOutcome, detail: String?) -> InboundMessageRecord {
        InboundMessageRecord(
            id: nil, mailbox: identity.mailbox, uidValidity: identity.uidValidity.map(Int64.init), uid: identity.uid.map(Int64.init),
            messageId: identity.messageID, sha256: identity.sha256, size: identity.size, outcome: outcome,
            autoReply: nil, detail: detail, ticketId: nil, commentId: nil, receivedAt: identity.receivedAt, rawKept: false, sender: nil)
    }

    func enqueue(_ db: Database, _ draft: OutboxDraft, mailbox: String, ticketId: Int64?, at now: Date) throws {
        var row = OutboxRecord(
            id: nil, mailbox: mailbox, ticketId: ticketId, event: draft.event, envelopeFrom: draft.envelopeFrom,
            recipients: draft.recipients.joined(separator: ","), message: Data(draft.message), messageId: draft.messageID,
            status: .pending, attempts: 0, nextAttemptAt: now, lastError: nil, createdAt: now, sentAt: nil)
        try row.insert(db)
        if let ticketId {
            try TicketMessageRecord(messageId: draft.messageID, ticketId: ticketId, direction: "out").insert(db, onConflict: .ignore)
        }
    }

    private func advanceCursor(_ db: Database, _ identity: InboundIdentity) throws {
        guard let uid = identity.uid, let validity = identity.uidValidity else { return }
        try db.execute(sql: """
            INSERT INTO mailbox_cursor (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(mailbox) DO UPDATE SET
              last_uid = CASE WHEN uid_validity = excluded.uid_validity THEN MAX(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
              uid_validity = excluded.uid_validity, updated_at = excluded.updated_at
            """, arguments: [identity.mailbox, Int64(validity), Int64(uid), identity.receivedAt])
    }
}
