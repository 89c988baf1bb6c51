import Foundation
public import HelpdeskCore
public import HelpdeskStore
import PostgresNIO

// Text is ordered COLLATE "C" (code point order), as SQLite orders it, whatever collation the
// database was created with.

extension PostgresStore: TicketQueries {
    public func tickets(status: TicketStatus? = nil, mailbox: String? = nil) throws -> [TicketRecord] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let status {
            binds.append(status.rawValue)
            conditions.append("status = $\(binds.count)")
        }
        if let mailbox {
            binds.append(mailbox)
            conditions.append("mailbox = $\(binds.count)")
        }
        let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try pool.withConnection { session in
            try session.fetchAll(Ticket.self, "SELECT * FROM ticket \(condition) ORDER BY mailbox COLLATE \"C\", number", binds)
        }
    }

    public func ticket(key: String) throws -> TicketRecord? {
        try pool.withConnection { try $0.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE key = $1", [key.uppercased()]) }
    }

    public func ticket(id: Int64) throws -> TicketRecord? {
        try pool.withConnection { try $0.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE id = $1", [id]) }
    }

    public func comments(ticketId: Int64) throws -> [CommentRecord] {
        try pool.withConnection { try $0.fetchAll(CommentRecord.self, "SELECT * FROM comment WHERE ticket_id = $1 ORDER BY id", [ticketId]) }
    }

    /// Everyone who receives the ticket's public replies (requester first), or with
    /// `includingRemoved` also those an agent took off.
    public func participants(ticketId: Int64, includingRemoved: Bool = false) throws -> [ParticipantRecord] {
        try pool.withConnection { session in
            try session.fetchAll(Participant.self, """
                SELECT * FROM participant WHERE ticket_id = $1 \(includingRemoved ? "" : "AND removed_at IS NULL")
                ORDER BY added_at, address COLLATE "C"
                """, [ticketId])
        }
    }

    /// The attachments of a ticket's comments, by comment id.
    public func attachments(ticketId: Int64) throws -> [Int64: [AttachmentRecord]] {
        let rows = try pool.withConnection { session in
            try session.fetchAll(AttachmentRecord.self, """
                SELECT attachment.* FROM attachment JOIN comment ON comment.id = attachment.comment_id
                WHERE comment.ticket_id = $1 ORDER BY attachment.id
                """, [ticketId])
        }
        return Dictionary(grouping: rows, by: \.commentId)
    }

    /// Whether any comment has an attachment with this content.
    public func hasAttachment(sha256: String) throws -> Bool {
        try pool.withConnection { session in
            try session.value("SELECT EXISTS (SELECT 1 FROM attachment WHERE sha256 = $1)", [sha256.lowercased()], as: Bool.self) ?? false
        }
    }

    /// The ticket's history, oldest first.
    public func history(ticketId: Int64) throws -> [TicketEventRecord] {
        try pool.withConnection { try $0.fetchAll(TicketEvent.self, "SELECT * FROM ticket_event WHERE ticket_id = $1 ORDER BY id", [ticketId]) }
    }

    public func tags(ticketId: Int64) throws -> [String] {
        try pool.withConnection { session in
            try session.rows("SELECT tag FROM ticket_tag WHERE ticket_id = $1 ORDER BY tag COLLATE \"C\"", [ticketId])
                .map { try $0["tag"].decode(String.self) }
        }
    }

    public func inboundMessages(mailbox: String? = nil) throws -> [InboundMessageRecord] {
        try pool.withConnection { session in
            if let mailbox {
                return try session.fetchAll(InboundMessageRecord.self, "SELECT * FROM inbound_message WHERE mailbox = $1 ORDER BY id", [mailbox])
            }
            return try session.fetchAll(InboundMessageRecord.self, "SELECT * FROM inbound_message ORDER BY id")
        }
    }

    public func tickets(matching filter: TicketFilter) throws -> [TicketRecord] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        func bind(_ value: String) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let status = filter.status {
            conditions.append("status = \(bind(status.rawValue))")
        }
        if let mailbox = filter.mailbox {
            conditions.append("mailbox = \(bind(mailbox))")
        }
        if let priority = filter.priority {
            conditions.append("priority = \(bind(priority.rawValue))")
        }
        for tag in Set(filter.tags.map { $0.lowercased() }).sorted() {
            conditions.append("EXISTS (SELECT 1 FROM ticket_tag WHERE ticket_tag.ticket_id = ticket.id AND lower(ticket_tag.tag) = \(bind(tag)))")
        }
        switch filter.assignee {
        case nil: break
        case .nobody: conditions.append("assignee IS NULL")
        case .agent(let who) where who.contains("@"):
            conditions.append("lower(assignee) = \(bind(who.lowercased()))")
        case .agent(let localPart):
            // The part before the `@`, as agents write `#assign dana`; '' for an address without
            // one, as SQLite's substr with length -1 gives (PostgreSQL refuses a negative length).
            conditions.append("lower(substr(assignee, 1, greatest(strpos(assignee, '@') - 1, 0))) = \(bind(localPart.lowercased()))")
        }
        if let organization = filter.organization {
            conditions.append("lower(organization) = \(bind(organization.lowercased()))")
        }
        if let requester = filter.requester {
            conditions.append("lower(requester_address) = \(bind(requester.lowercased()))")
        }
        let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try pool.withConnection { session in
            try session.fetchAll(Ticket.self, "SELECT * FROM ticket \(condition) ORDER BY created_at, id", binds)
        }
    }

    public func tags(ticketIds: [Int64]) throws -> [Int64: [String]] {
        guard !ticketIds.isEmpty else { return [:] }
        return try pool.withConnection { session in
            var tags: [Int64: [String]] = [:]
            // One array parameter, however long the list: no chunks as SQLite's bound-value limit needs.
            for row in try session.rows(
                "SELECT ticket_id, tag FROM ticket_tag WHERE ticket_id = ANY($1) ORDER BY ticket_id, tag COLLATE \"C\"", [ticketIds]
            ) {
                tags[try row["ticket_id"].decode(Int64.self), default: []].append(try row["tag"].decode(String.self))
            }
            return tags
        }
    }

    public func ticketMailboxes() throws -> [String] {
        try pool.withConnection { session in
            try session.rows("SELECT mailbox FROM ticket GROUP BY mailbox ORDER BY mailbox COLLATE \"C\"").map { try $0["mailbox"].decode(String.self) }
        }
    }
}
