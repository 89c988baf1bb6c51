import Foundation
public import GRDB
public import HelpdeskCore

// Read by hand: these rows are read for every message recorded (the sender's contact, a
// follow-up's ticket and participants), and GRDB's Decoder, each key converted from snake_case,
// cost more than the queries. `RecordEncodingTests` writes tickets and participants and reads
// them back; the contact contract tests do so for contacts.

extension Ticket {
    public init(row: Row) throws {
        self.init(
            id: try row.decode(forColumn: "id"), mailbox: try row.decode(forColumn: "mailbox"), number: try row.decode(forColumn: "number"),
            key: try row.decode(forColumn: "key"), subject: try row.decode(forColumn: "subject"),
            requesterAddress: try row.decode(forColumn: "requester_address"), requesterName: try row.decode(forColumn: "requester_name"),
            status: try row.decodeRaw("status"), priority: try row.decodeRaw("priority"),
            createdAt: try row.decode(forColumn: "created_at"), updatedAt: try row.decode(forColumn: "updated_at"),
            linkedTicketId: try row.decode(forColumn: "linked_ticket_id"), linkReason: try row.decodeRawIfPresent("link_reason"),
            assignee: try row.decode(forColumn: "assignee"), firstResponseAt: try row.decode(forColumn: "first_response_at"),
            language: try row.decode(forColumn: "language"), organization: try row.decode(forColumn: "organization"))
    }
}

extension Participant {
    public init(row: Row) throws {
        self.init(
            ticketId: try row.decode(forColumn: "ticket_id"), address: try row.decode(forColumn: "address"), name: try row.decode(forColumn: "name"),
            role: try row.decodeRaw("role"), addedAt: try row.decode(forColumn: "added_at"), removedAt: try row.decode(forColumn: "removed_at"))
    }
}

extension Contact {
    public init(row: Row) throws {
        self.init(
            address: try row.decode(forColumn: "address"), name: try row.decode(forColumn: "name"), language: try row.decode(forColumn: "language"),
            firstSeenAt: try row.decode(forColumn: "first_seen_at"), lastSeenAt: try row.decode(forColumn: "last_seen_at"),
            organization: try row.decode(forColumn: "organization"), manager: try row.decode(forColumn: "manager"))
    }
}

extension Row {
    /// The column's text as `T`: a value this release does not know is an error, not a trap.
    func decodeRaw<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
        let raw: String = try decode(forColumn: column)
        guard let value = T(rawValue: raw) else { throw DatabaseError(message: "\(column) '\(raw)' is not one this release knows") }
        return value
    }

    /// `decodeRaw`, with NULL as nil.
    func decodeRawIfPresent<T: RawRepresentable>(_ column: String) throws -> T? where T.RawValue == String {
        guard let raw: String = try decode(forColumn: column) else { return nil }
        guard let value = T(rawValue: raw) else { throw DatabaseError(message: "\(column) '\(raw)' is not one this release knows") }
        return value
    }
}
