public import Foundation
import GRDB
public import HelpdeskCore

// MARK: TicketQueries

extension HelpdeskDatabase {
    public func tickets(status: TicketStatus? = nil, mailbox: String? = nil) throws -> [TicketRecord] {
        try writer.read { db in
            var request = Ticket.all()
            if let status { request = request.filter(Ticket.Columns.status == status.rawValue) }
            if let mailbox { request = request.filter(Ticket.Columns.mailbox == mailbox) }
            return try request.order(Ticket.Columns.mailbox, Ticket.Columns.number).fetchAll(db)
        }
    }

    public func ticket(key: String) throws -> TicketRecord? {
        try writer.read { try Ticket.filter(Ticket.Columns.key == key.uppercased()).fetchOne($0) }
    }

    public func ticket(id: Int64) throws -> TicketRecord? {
        try writer.read { try Ticket.fetchOne($0, key: id) }
    }

    public func comments(ticketId: Int64) throws -> [CommentRecord] {
        try writer.read { try CommentRecord.filter(CommentRecord.Columns.ticketId == ticketId).order(CommentRecord.Columns.id).fetchAll($0) }
    }

    /// Everyone who receives the ticket's public replies (requester first), or with
    /// `includingRemoved` also those an agent took off.
    public func participants(ticketId: Int64, includingRemoved: Bool = false) throws -> [ParticipantRecord] {
        try writer.read { db in
            if !includingRemoved { return try activeParticipants(db, ticketId: ticketId) }
            return try Participant.filter(Participant.Columns.ticketId == ticketId)
                .order(Participant.Columns.addedAt, Participant.Columns.address).fetchAll(db)
        }
    }

    /// The attachments of a ticket's comments, by comment id.
    public func attachments(ticketId: Int64) throws -> [Int64: [AttachmentRecord]] {
        try writer.read { db in
            let rows = try AttachmentRecord.fetchAll(db, sql: """
                SELECT attachment.* FROM attachment JOIN comment ON comment.id = attachment.comment_id
                WHERE comment.ticket_id = ? ORDER BY attachment.id
                """, arguments: [ticketId])
            return Dictionary(grouping: rows, by: \.commentId)
        }
    }

    /// Whether any comment has an attachment with this content.
    public func hasAttachment(sha256: String) throws -> Bool {
        try writer.read { try AttachmentRecord.filter(AttachmentRecord.Columns.sha256 == sha256.lowercased()).fetchCount($0) > 0 }
    }

    /// The ticket's history, oldest first.
    public func history(ticketId: Int64) throws -> [TicketEventRecord] {
        try writer.read { try TicketEvent.filter(TicketEvent.Columns.ticketId == ticketId).order(TicketEvent.Columns.id).fetchAll($0) }
    }

    public func tags(ticketId: Int64) throws -> [String] {
        try writer.read { try String.fetchAll($0, sql: "SELECT tag FROM ticket_tag WHERE ticket_id = ? ORDER BY tag", arguments: [ticketId]) }
    }

    public func inboundMessages(mailbox: String? = nil) throws -> [InboundMessageRecord] {
        try writer.read { db in
            var request = InboundMessageRecord.all()
            if let mailbox { request = request.filter(InboundMessageRecord.Columns.mailbox == mailbox) }
            return try request.order(InboundMessageRecord.Columns.id).fetchAll(db)
        }
    }

    public func tickets(matching filter: TicketFilter) throws -> [TicketRecord] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let status = filter.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let mailbox = filter.mailbox {
            conditions.append("mailbox = ?")
            arguments += [mailbox]
        }
        if let priority = filter.priority {
            conditions.append("priority = ?")
            arguments += [priority.rawValue]
        }
        for tag in Set(filter.tags.map { $0.lowercased() }) {
            conditions.append("EXISTS (SELECT 1 FROM ticket_tag WHERE ticket_tag.ticket_id = ticket.id AND lower(ticket_tag.tag) = ?)")
            arguments += [tag]
        }
        switch filter.assignee {
        case nil: break
        case .nobody: conditions.append("assignee IS NULL")
        case .agent(let who) where who.contains("@"):
            conditions.append("lower(assignee) = ?")
            arguments += [who.lowercased()]
        case .agent(let localPart):
            // The part before the `@`, as agents write `#assign dana`.
            conditions.append("lower(substr(assignee, 1, instr(assignee, '@') - 1)) = ?")
            arguments += [localPart.lowercased()]
        }
        if let organization = filter.organization {
            conditions.append("lower(organization) = ?")
            arguments += [organization.lowercased()]
        }
        if let requester = filter.requester {
            conditions.append("lower(requester_address) = ?")
            arguments += [requester.lowercased()]
        }
        let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try writer.read { db in
            try Ticket.fetchAll(db, sql: "SELECT * FROM ticket \(condition) ORDER BY created_at, id", arguments: arguments)
        }
    }

    public func tags(ticketIds: [Int64]) throws -> [Int64: [String]] {
        try writer.read { db in
            var tags: [Int64: [String]] = [:]
            // In chunks, far below SQLite's limit on bound values, however long the list.
            for start in stride(from: 0, to: ticketIds.count, by: 500) {
                let chunk = Array(ticketIds[start..<min(start + 500, ticketIds.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT ticket_id, tag FROM ticket_tag WHERE ticket_id IN (\(marks)) ORDER BY ticket_id, tag",
                    arguments: StatementArguments(chunk))
                for row in rows { tags[row["ticket_id"], default: []].append(row["tag"]) }
            }
            return tags
        }
    }

    public func ticketMailboxes() throws -> [String] {
        try writer.read { try String.fetchAll($0, sql: "SELECT DISTINCT mailbox FROM ticket ORDER BY mailbox") }
    }

    func activeParticipants(_ db: Database, ticketId: Int64) throws -> [ParticipantRecord] {
        try Participant.filter(Participant.Columns.ticketId == ticketId && Participant.Columns.removedAt == nil)
            .order(Participant.Columns.addedAt, Participant.Columns.address).fetchAll(db)
    }
}

// MARK: RetentionStore

extension HelpdeskDatabase {
    /// Raw messages of `mailbox` still kept and received before `cutoff`. Messages kept aside are
    /// never among them: for a message from the MTA pipe, that file is the only copy.
    public func keptRawMessages(mailbox: String, receivedBefore cutoff: Date) throws -> [InboundMessageRecord] {
        typealias Columns = InboundMessageRecord.Columns
        return try writer.read { db in
            try InboundMessageRecord
                .filter(Columns.mailbox == mailbox && Columns.rawKept == true && Columns.receivedAt < cutoff
                        && Columns.outcome != InboundOutcome.quarantined.rawValue)
                .order(Columns.id).fetchAll(db)
        }
    }

    public func forgetRawMessages(ids: [Int64]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        typealias Columns = InboundMessageRecord.Columns
        return try writer.write { db in
            let digests = try String.fetchAll(db, InboundMessageRecord.select(Columns.sha256).filter(ids.contains(Columns.id)))
            try InboundMessageRecord.filter(ids.contains(Columns.id)).updateAll(db, Columns.rawKept.set(to: false))
            var orphaned: Set<String> = []
            for digest in Set(digests) where !digest.isEmpty {
                let stillKept = try InboundMessageRecord.filter(Columns.sha256 == digest && Columns.rawKept == true).fetchCount(db) > 0
                if !stillKept { orphaned.insert(digest) }
            }
            return orphaned
        }
    }

    /// Of these packs, those in which no row keeps a message any more: their files may go.
    public func unkeptPacks(_ names: Set<String>) throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        return try writer.read { db in
            let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM inbound_message WHERE raw_pack = ? AND raw_kept)")
            return try names.filter { try Bool.fetchOne(statement, arguments: [$0]) != true }
        }
    }
}
