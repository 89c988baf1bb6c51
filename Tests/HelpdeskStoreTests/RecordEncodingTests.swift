import Foundation
import GRDB
import HelpdeskCore
@testable import HelpdeskStore
import Testing

/// The rows mapped by hand (`Records+Encoding.swift`): each writes exactly its table's columns,
/// and reads back (through the Codable decoding) as the value written, with every optional
/// field set and with every one empty.
@Suite("Hand-mapped records")
struct RecordEncodingTests {
    static let at = Date(timeIntervalSince1970: 1_764_000_000.25)

    static func ticket(full: Bool) -> Ticket {
        Ticket(id: 7, mailbox: "support", number: 7, key: "SUPP-7", subject: "Printer", requesterAddress: "ann@example.test",
               requesterName: full ? "Ann" : nil, status: .pending, priority: .high, createdAt: at, updatedAt: at.addingTimeInterval(60),
               linkedTicketId: full ? 7 : nil, linkReason: full ? .ticketClosed : nil, assignee: full ? "dana" : nil,
               firstResponseAt: full ? at.addingTimeInterval(90) : nil, language: full ? "de" : nil,
               organization: full ? "Acme" : nil)
    }

    static func comment(full: Bool) -> CommentRecord {
        CommentRecord(id: 3, ticketId: 7, authorAddress: "ann@example.test", authorName: full ? "Ann" : nil, body: "Hello",
                      visibility: .internal, messageId: full ? "m@example.test" : nil, createdAt: at, html: full ? "<p>Hello</p>" : nil,
                      reply: full ? "Hello" : nil, authorRole: .agent, unverified: full)
    }

    /// Writes `record` (after the rows it refers to), checks its columns and reads it back.
    func roundTrip<Record: MutablePersistableRecord & FetchableRecord & Equatable>(
        _ record: Record, table: String, key: [String: any DatabaseValueConvertible]
    ) throws {
        let store = try HelpdeskDatabase.inMemory()
        // Outside a transaction, where SQLite lets foreign keys be turned off: each row alone.
        try store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            var copy = record
            try copy.insert(db)
            let written = Set(try PersistenceContainer.columns(of: record))
            let columns = Set(try db.columns(in: table).map(\.name))
            #expect(written == columns, "\(table): written \(written.subtracting(columns).sorted()), missing \(columns.subtracting(written).sorted())")
            let read = try Record.fetchOne(db, key: key)
            #expect(read == record, "\(table)")
        }
    }

    @Test(arguments: [true, false])
    func everyRecordWritesItsColumnsAndReadsBack(full: Bool) throws {
        try roundTrip(Self.ticket(full: full), table: "ticket", key: ["id": 7])
        try roundTrip(Self.comment(full: full), table: "comment", key: ["id": 3])
        try roundTrip(AttachmentRecord(id: 4, commentId: 3, sha256: String(repeating: "ab", count: 32), filename: "a.pdf",
                                       contentType: "application/pdf", size: 12, isInline: full, contentId: full ? "c1" : nil),
                      table: "attachment", key: ["id": 4])
        try roundTrip(InboundMessageRecord(id: 5, mailbox: "support", uidValidity: full ? 9 : nil, uid: full ? 40 : nil,
                                           messageId: full ? "m@example.test" : nil, sha256: "00", size: 99, outcome: .commentAdded,
                                           autoReply: full ? "auto" : nil, detail: full ? "linked" : nil, ticketId: full ? 7 : nil,
                                           commentId: full ? 3 : nil, receivedAt: Self.at, rawKept: full, sender: full ? "ann@example.test" : nil),
                      table: "inbound_message", key: ["id": 5])
        var event = TicketEvent(ticketId: 7, at: Self.at, actor: "dana", actorRole: .agent, kind: .status,
                                from: full ? "open" : nil, to: full ? "pending" : nil, note: full ? "why" : nil)
        event.id = 6
        try roundTrip(event, table: "ticket_event", key: ["id": 6])
        try roundTrip(Participant(ticketId: 7, address: "bob@example.test", name: full ? "Bob" : nil, role: .cc, addedAt: Self.at,
                                  removedAt: full ? Self.at : nil),
                      table: "participant", key: ["ticket_id": 7, "address": "bob@example.test"])
        try roundTrip(TicketClock(ticketId: 7, target: .firstResponse, duration: 3600, dueAt: full ? Self.at : nil, warnAt: full ? Self.at : nil,
                                  outcome: .met, elapsed: 12.5, completed: full, updatedAt: Self.at),
                      table: "ticket_sla", key: ["ticket_id": 7, "target": SLATarget.firstResponse.rawValue])
    }

    @Test func ticketMessageLinksWriteTheirColumns() throws {
        let store = try HelpdeskDatabase.inMemory()
        try store.writer.write { db in
            let written = Set(try PersistenceContainer.columns(of: TicketMessageRecord(messageId: "m", ticketId: 1, direction: "in")))
            #expect(written == Set(try db.columns(in: "ticket_message").map(\.name)))
        }
    }
}

extension PersistenceContainer {
    /// The column names `record` writes.
    static func columns(of record: some EncodableRecord) throws -> [String] {
        Array(try record.databaseDictionary.keys)
    }
}
