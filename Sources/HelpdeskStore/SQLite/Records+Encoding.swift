import Foundation
public import GRDB
public import HelpdeskCore

// Mapped by hand: these rows are written for every message recorded. GRDB's Codable path (an
// Encoder, each key converted to snake_case) was a seventh of a backlog's CPU, and its insert
// prepared a new statement each time; `Database.insertRow` reuses one. Dates are written as
// `databaseText`, the text GRDB writes, without its formatter. `RecordEncodingTests`
// checks each mapping against the table's columns and reads it back.

extension Ticket: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("id", id)
        sink.column("mailbox", mailbox)
        sink.column("number", number)
        sink.column("key", key)
        sink.column("subject", subject)
        sink.column("requester_address", requesterAddress)
        sink.column("requester_name", requesterName)
        sink.column("status", status.rawValue)
        sink.column("priority", priority.rawValue)
        sink.column("created_at", createdAt.databaseText)
        sink.column("updated_at", updatedAt.databaseText)
        sink.column("linked_ticket_id", linkedTicketId)
        sink.column("link_reason", linkReason?.rawValue)
        sink.column("assignee", assignee)
        sink.column("first_response_at", firstResponseAt?.databaseText)
        sink.column("language", language)
        sink.column("organization", organization)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension CommentRecord: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("id", id)
        sink.column("ticket_id", ticketId)
        sink.column("author_address", authorAddress)
        sink.column("author_name", authorName)
        sink.column("body", body)
        sink.column("visibility", visibility.rawValue)
        sink.column("message_id", messageId)
        sink.column("created_at", createdAt.databaseText)
        sink.column("html", html)
        sink.column("reply", reply)
        sink.column("author_role", authorRole.rawValue)
        sink.column("unverified", unverified)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension AttachmentRecord: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("id", id)
        sink.column("comment_id", commentId)
        sink.column("sha256", sha256)
        sink.column("filename", filename)
        sink.column("content_type", contentType)
        sink.column("size", size)
        sink.column("is_inline", isInline)
        sink.column("content_id", contentId)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension InboundMessageRecord: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("id", id)
        sink.column("mailbox", mailbox)
        sink.column("uid_validity", uidValidity)
        sink.column("uid", uid)
        sink.column("message_id", messageId)
        sink.column("sha256", sha256)
        sink.column("size", size)
        sink.column("outcome", outcome.rawValue)
        sink.column("auto_reply", autoReply)
        sink.column("detail", detail)
        sink.column("ticket_id", ticketId)
        sink.column("comment_id", commentId)
        sink.column("received_at", receivedAt.databaseText)
        sink.column("raw_kept", rawKept)
        sink.column("sender", sender)
        sink.column("raw_pack", rawPack)
        sink.column("raw_offset", rawOffset)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension TicketEvent: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("id", id)
        sink.column("ticket_id", ticketId)
        sink.column("at", at.databaseText)
        sink.column("actor", actor)
        sink.column("actor_role", actorRole.rawValue)
        sink.column("kind", kind.rawValue)
        sink.column("from_value", fromValue)
        sink.column("to_value", toValue)
        sink.column("note", note)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension Participant: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("ticket_id", ticketId)
        sink.column("address", address)
        sink.column("name", name)
        sink.column("role", role.rawValue)
        sink.column("added_at", addedAt.databaseText)
        sink.column("removed_at", removedAt?.databaseText)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension TicketClock: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("ticket_id", ticketId)
        sink.column("target", target.rawValue)
        sink.column("duration", duration)
        sink.column("due_at", dueAt?.databaseText)
        sink.column("warn_at", warnAt?.databaseText)
        sink.column("outcome", outcome.rawValue)
        sink.column("elapsed", elapsed)
        sink.column("completed", completed)
        sink.column("updated_at", updatedAt.databaseText)
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension TicketMessageRecord: ColumnValues {
    func writeColumns(to sink: inout some ColumnSink) {
        sink.column("message_id", messageId)
        sink.column("ticket_id", ticketId)
        sink.column("direction", direction)
    }

    func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}
