import Foundation
public import GRDB
public import HelpdeskCore

// Mapped by hand: these rows are written for every message recorded. GRDB's Codable path (an
// Encoder, each key converted to snake_case) was a seventh of a backlog's CPU, and its insert
// prepared a new statement each time; `Database.insertRow` reuses one. Dates are written as
// `databaseText`, the text GRDB writes, without its formatter. `RecordEncodingTests`
// checks each mapping against the table's columns and reads it back.

extension Ticket: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("id", id),
            ("mailbox", mailbox),
            ("number", number),
            ("key", key),
            ("subject", subject),
            ("requester_address", requesterAddress),
            ("requester_name", requesterName),
            ("status", status.rawValue),
            ("priority", priority.rawValue),
            ("created_at", createdAt.databaseText),
            ("updated_at", updatedAt.databaseText),
            ("linked_ticket_id", linkedTicketId),
            ("link_reason", linkReason?.rawValue),
            ("assignee", assignee),
            ("first_response_at", firstResponseAt?.databaseText),
            ("language", language),
            ("organization", organization),
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension CommentRecord: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("id", id),
            ("ticket_id", ticketId),
            ("author_address", authorAddress),
            ("author_name", authorName),
            ("body", body),
            ("visibility", visibility.rawValue),
            ("message_id", messageId),
            ("created_at", createdAt.databaseText),
            ("html", html),
            ("reply", reply),
            ("author_role", authorRole.rawValue),
            ("unverified", unverified),
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension AttachmentRecord: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("id", id),
            ("comment_id", commentId),
            ("sha256", sha256),
            ("filename", filename),
            ("content_type", contentType),
            ("size", size),
            ("is_inline", isInline),
            ("content_id", contentId),
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension InboundMessageRecord: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("id", id),
            ("mailbox", mailbox),
            ("uid_validity", uidValidity),
            ("uid", uid),
            ("message_id", messageId),
            ("sha256", sha256),
            ("size", size),
            ("outcome", outcome.rawValue),
            ("auto_reply", autoReply),
            ("detail", detail),
            ("ticket_id", ticketId),
            ("comment_id", commentId),
            ("received_at", receivedAt.databaseText),
            ("raw_kept", rawKept),
            ("sender", sender),
            ("raw_pack", rawPack),
            ("raw_offset", rawOffset),
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension TicketEvent: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("id", id),
            ("ticket_id", ticketId),
            ("at", at.databaseText),
            ("actor", actor),
            ("actor_role", actorRole.rawValue),
            ("kind", kind.rawValue),
            ("from_value", fromValue),
            ("to_value", toValue),
            ("note", note),
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension Participant: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("ticket_id", ticketId),
            ("address", address),
            ("name", name),
            ("role", role.rawValue),
            ("added_at", addedAt.databaseText),
            ("removed_at", removedAt?.databaseText),
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension TicketClock: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("ticket_id", ticketId),
            ("target", target.rawValue),
            ("duration", duration),
            ("due_at", dueAt?.databaseText),
            ("warn_at", warnAt?.databaseText),
            ("outcome", outcome.rawValue),
            ("elapsed", elapsed),
            ("completed", completed),
            ("updated_at", updatedAt.databaseText),
        ]
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}

extension TicketMessageRecord: ColumnValues {
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        [
            ("message_id", messageId),
            ("ticket_id", ticketId),
            ("direction", direction),
        ]
    }

    func encode(to container: inout PersistenceContainer) throws { encodeColumnValues(to: &container) }
}
