import Foundation
public import GRDB
public import HelpdeskCore

// Mapped by hand: these rows are written for every message recorded, and GRDB's Codable path
// (an Encoder, each key converted to snake_case) was a seventh of a backlog's CPU.
// `RecordEncodingTests` checks each mapping against the table's columns and reads it back.

extension Ticket {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["mailbox"] = mailbox
        container["number"] = number
        container["key"] = key
        container["subject"] = subject
        container["requester_address"] = requesterAddress
        container["requester_name"] = requesterName
        container["status"] = status.rawValue
        container["priority"] = priority.rawValue
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
        container["linked_ticket_id"] = linkedTicketId
        container["link_reason"] = linkReason?.rawValue
        container["assignee"] = assignee
        container["first_response_at"] = firstResponseAt
        container["language"] = language
    }
}

extension CommentRecord {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ticket_id"] = ticketId
        container["author_address"] = authorAddress
        container["author_name"] = authorName
        container["body"] = body
        container["visibility"] = visibility.rawValue
        container["message_id"] = messageId
        container["created_at"] = createdAt
        container["html"] = html
        container["reply"] = reply
        container["author_role"] = authorRole.rawValue
        container["unverified"] = unverified
    }
}

extension AttachmentRecord {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["comment_id"] = commentId
        container["sha256"] = sha256
        container["filename"] = filename
        container["content_type"] = contentType
        container["size"] = size
        container["is_inline"] = isInline
        container["content_id"] = contentId
    }
}

extension InboundMessageRecord {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["mailbox"] = mailbox
        container["uid_validity"] = uidValidity
        container["uid"] = uid
        container["message_id"] = messageId
        container["sha256"] = sha256
        container["size"] = size
        container["outcome"] = outcome.rawValue
        container["auto_reply"] = autoReply
        container["detail"] = detail
        container["ticket_id"] = ticketId
        container["comment_id"] = commentId
        container["received_at"] = receivedAt
        container["raw_kept"] = rawKept
        container["sender"] = sender
    }
}

extension TicketEvent {
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ticket_id"] = ticketId
        container["at"] = at
        container["actor"] = actor
        container["actor_role"] = actorRole.rawValue
        container["kind"] = kind.rawValue
        container["from_value"] = fromValue
        container["to_value"] = toValue
        container["note"] = note
    }
}

extension Participant {
    public func encode(to container: inout PersistenceContainer) throws {
        container["ticket_id"] = ticketId
        container["address"] = address
        container["name"] = name
        container["role"] = role.rawValue
        container["added_at"] = addedAt
        container["removed_at"] = removedAt
    }
}

extension TicketClock {
    public func encode(to container: inout PersistenceContainer) throws {
        container["ticket_id"] = ticketId
        container["target"] = target.rawValue
        container["duration"] = duration
        container["due_at"] = dueAt
        container["warn_at"] = warnAt
        container["outcome"] = outcome.rawValue
        container["elapsed"] = elapsed
        container["completed"] = completed
        container["updated_at"] = updatedAt
    }
}

extension TicketMessageRecord {
    func encode(to container: inout PersistenceContainer) throws {
        container["message_id"] = messageId
        container["ticket_id"] = ticketId
        container["direction"] = direction
    }
}
