import GRDB
public import HelpdeskCore

// Column names in one place per table, so a typo is a compile error and a rename one edit.

extension Ticket {
    public enum Columns {
        static let id = Column("id")
        static let mailbox = Column("mailbox")
        static let key = Column("key")
        static let number = Column("number")
        static let status = Column("status")
        static let assignee = Column("assignee")
    }
}

extension TicketEvent {
    public enum Columns {
        static let id = Column("id")
        static let ticketId = Column("ticket_id")
        static let kind = Column("kind")
    }
}

extension Participant {
    public enum Columns {
        static let ticketId = Column("ticket_id")
        static let address = Column("address")
        static let addedAt = Column("added_at")
        static let removedAt = Column("removed_at")
    }
}

extension TicketClock {
    public enum Columns {
        static let ticketId = Column("ticket_id")
        static let target = Column("target")
    }
}

extension CommentRecord {
    public enum Columns {
        static let id = Column("id")
        static let ticketId = Column("ticket_id")
    }
}

extension AttachmentRecord {
    public enum Columns {
        static let sha256 = Column("sha256")
    }
}

extension InboundMessageRecord {
    public enum Columns {
        static let id = Column("id")
        static let mailbox = Column("mailbox")
        static let uidValidity = Column("uid_validity")
        static let uid = Column("uid")
        static let messageId = Column("message_id")
        static let sha256 = Column("sha256")
        static let outcome = Column("outcome")
        static let sender = Column("sender")
        static let rawKept = Column("raw_kept")
        static let receivedAt = Column("received_at")
    }
}

extension OutboxRecord {
    public enum Columns {
        static let id = Column("id")
        static let mailbox = Column("mailbox")
        static let status = Column("status")
        static let nextAttemptAt = Column("next_attempt_at")
        static let claimedBy = Column("claimed_by")
    }
}

extension SLANoticeRecord {
    public enum Columns {
        static let ticketId = Column("ticket_id")
        static let at = Column("at")
    }
}

extension TicketStatus {
    /// `('resolved','closed','cancelled')`: the finished statuses as an SQL list, from the one
    /// definition in the core.
    package static let finishedSQL = "(" + finished.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")"
}
