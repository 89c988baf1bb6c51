public import Foundation
import GRDB

extension HelpdeskDatabase {
    public func ticket(id: Int64) throws -> TicketRecord? {
        try writer.read { try TicketRecord.fetchOne($0, key: id) }
    }

    /// Everyone who receives the ticket's public replies (requester first), or with
    /// `includingRemoved` also those an agent took off.
    public func participants(ticketId: Int64, includingRemoved: Bool = false) throws -> [ParticipantRecord] {
        try writer.read { db in
            if !includingRemoved { return try activeParticipants(db, ticketId: ticketId) }
            return try ParticipantRecord.filter(Column("ticket_id") == ticketId)
                .order(Column("added_at"), Column("address")).fetchAll(db)
        }
    }

    /// Adds a participant, or brings back one removed earlier. Returns false when already there.
    @discardableResult
    public func addParticipant(ticketId: Int64, address: String, name: String?, at now: Date) throws -> Bool {
        try writer.write { try setParticipant($0, ticketId: ticketId, address: address, name: name, present: true, at: now) }
    }

    /// Takes a participant off the ticket (the row stays, marked removed). Returns false when
    /// they were not an active participant.
    @discardableResult
    public func removeParticipant(ticketId: Int64, address: String, at now: Date) throws -> Bool {
        try writer.write { try setParticipant($0, ticketId: ticketId, address: address, present: false, at: now) }
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
        try writer.read { try AttachmentRecord.filter(Column("sha256") == sha256.lowercased()).fetchCount($0) > 0 }
    }

    // MARK: Raw message retention

    /// Raw messages of `mailbox` still kept and received before `cutoff`. Messages kept aside are
    /// never among them: for a message from the MTA pipe, that file is the only copy.
    public func keptRawMessages(mailbox: String, receivedBefore cutoff: Date) throws -> [InboundMessageRecord] {
        try writer.read { db in
            try InboundMessageRecord
                .filter(Column("mailbox") == mailbox && Column("raw_kept") == true && Column("received_at") < cutoff
                        && Column("outcome") != InboundOutcome.quarantined.rawValue)
                .order(Column("id")).fetchAll(db)
        }
    }

    /// Marks raw messages as deleted; returns the digests no other row keeps, whose files may go.
    public func forgetRawMessages(ids: [Int64]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try writer.write { db in
            let digests = try String.fetchAll(db, InboundMessageRecord.select(Column("sha256")).filter(ids.contains(Column("id"))))
            try db.execute(sql: "UPDATE inbound_message SET raw_kept = 0 WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                           arguments: StatementArguments(ids))
            var orphaned: Set<String> = []
            for digest in Set(digests) where !digest.isEmpty {
                let stillKept = try InboundMessageRecord.filter(Column("sha256") == digest && Column("raw_kept") == true).fetchCount(db) > 0
                if !stillKept { orphaned.insert(digest) }
            }
            return orphaned
        }
    }
}
