import Foundation
import GRDB
import HelpdeskCore
@testable import HelpdeskStore
import MailgateTestSupport
import Testing

/// v9 widens three CHECK lists by rewriting the schema text in place: a database from v8 must
/// keep every row, take the new values, and still refuse values nobody knows.
@Suite("Migrating to v9: bounces, suppressions and loop caps")
struct DeliveryMigrationTests {
    static let receivedAt = Date(timeIntervalSince1970: 1_790_000_000)

    /// A database as v8 left it: ticket SUPP-1, its sent acknowledgement (#7), the inbound row
    /// that opened it and its `created` event.
    static func v8Database() throws -> (directory: TemporaryDirectory, path: String) {
        let directory = try TemporaryDirectory(prefix: "migration-v9")
        let path = directory.path("helpdesk.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v8: requester language")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO ticket (id, mailbox, number, key, subject, requester_address, status, priority, created_at, updated_at, language)
                VALUES (1, 'support', 1, 'SUPP-1', 'Printer', 'alice@example.test', 'new', 'normal', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000', 'de');
                INSERT INTO comment (id, ticket_id, author_address, body, visibility, message_id, created_at)
                VALUES (1, 1, 'alice@example.test', 'it is broken', 'public', 'in@example.test', '2026-11-01 10:00:00.000');
                INSERT INTO inbound_message (id, mailbox, uid_validity, uid, message_id, sha256, size, outcome, ticket_id, comment_id, received_at, sender)
                VALUES (3, 'support', 7, 1, 'in@example.test', 'abc', 120, 'ticket_created', 1, 1, '2026-11-01 10:00:00.000', 'alice@example.test');
                INSERT INTO outbox (id, mailbox, ticket_id, event, envelope_from, recipients, message, message_id, status, attempts, next_attempt_at, created_at, sent_at)
                VALUES (7, 'support', 1, 'ticket_created', 'support@example.test', 'alice@example.test', X'6869', 'ack@example.test',
                        'sent', 1, '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000', '2026-11-01 10:00:01.000');
                INSERT INTO ticket_message (message_id, ticket_id, direction) VALUES ('ack@example.test', 1, 'out');
                INSERT INTO ticket_event (id, ticket_id, at, actor, actor_role, kind, from_value, to_value)
                VALUES (5, 1, '2026-11-01 10:00:00.000', 'alice@example.test', 'requester', 'created', NULL, 'SUPP-1');
                """)
        }
        return (directory, path)
    }

    static func refused(_ store: HelpdeskDatabase, _ sql: String) -> Bool {
        do {
            try store.executeForTesting(sql)
            return false
        } catch {
            return true
        }
    }

    @Test func rowsFromV8AreKeptAndTheNewValuesAccepted() throws {
        let (directory, path) = try Self.v8Database()
        defer { withExtendedLifetime(directory) {} }
        let store = try HelpdeskDatabase(path: path)

        let rows = try store.outbox(status: nil)
        #expect(rows.map(\.id) == [7])
        let row = try #require(rows.first)
        #expect(row.status == .sent && row.recipients == "alice@example.test" && row.messageId == "ack@example.test" && row.attempts == 1)
        #expect(row.message.map { [UInt8]($0) } == Array("hi".utf8) && row.envelopeFrom == "support@example.test")
        #expect(row.bounceStatus == nil && row.bounceDiagnostic == nil && row.bouncedAt == nil)
        let inbound = try store.inboundMessages(mailbox: nil)
        #expect(inbound.map(\.id) == [3] && inbound.map(\.outcome) == [.ticketCreated] && inbound.map(\.ticketId) == [1])
        let history = try store.history(ticketId: 1)
        #expect(history.map(\.kind) == [.created] && history.map(\.toValue) == ["SUPP-1"])
        #expect(try store.ticket(key: "SUPP-1")?.language == "de")
        #expect(try store.suppressions(at: Self.receivedAt).isEmpty)

        // The bounce of the acknowledgement sent before the upgrade, through the store.
        let rules = DeliveryRules(
            mailboxes: ["support": MailboxRules(name: "support", keyPrefix: "SUPP", agents: [Correspondent(address: "bob@example.test")])],
            newMessageID: { "\($0)-notice@example.test" })
        let reported = BouncedRecipient(address: "alice@example.test", status: "5.1.1", diagnostic: "no such user", permanent: true)
        let identity = InboundIdentity(mailbox: "support", uidValidity: 7, uid: 2, messageID: "dsn@mx.test", sha256: "dsn", size: 10, receivedAt: Self.receivedAt)
        let result = try store.recordBounce(identity, sender: "mailer-daemon@mx.test", match: .messageID("ack@example.test"), summary: "5.1.1") { mail in
            mail.map { rules.bounce([reported], mail: $0, at: Self.receivedAt) } ?? .none
        }
        #expect(result == .bounce(outboxId: 7, ticketKey: "SUPP-1"))
        #expect(try store.outbox(status: .bounced).map(\.id) == [7])
        #expect(try store.inboundMessages(mailbox: nil).map(\.outcome) == [.ticketCreated, .bounce])
        #expect(try store.history(ticketId: 1).map(\.kind) == [.created, .delivery])
        #expect(try store.suppressions(for: ["alice@example.test"], at: Self.receivedAt).map(\.outboxId) == [7])
        #expect(try store.outbox(status: .pending).map(\.event) == [MailEvent.deliveryFailed.rawValue])

        try store.executeForTesting("UPDATE outbox SET status = 'withheld' WHERE id = 7")
        #expect(try store.outbox(status: .withheld).map(\.id) == [7])
        // Every old value still passes.
        for status in ["pending", "sent", "failed"] {
            #expect(!Self.refused(store, "UPDATE outbox SET status = '\(status)' WHERE id = 7"), "\(status)")
        }
    }

    @Test func valuesNobodyKnowsAreStillRefused() throws {
        let (directory, path) = try Self.v8Database()
        defer { withExtendedLifetime(directory) {} }
        let store = try HelpdeskDatabase(path: path)
        #expect(Self.refused(store, "UPDATE outbox SET status = 'lost' WHERE id = 7"))
        #expect(Self.refused(store, "UPDATE outbox SET status = 'bounce' WHERE id = 7"), "the outcome's spelling is not a status")
        #expect(Self.refused(store, "UPDATE inbound_message SET outcome = 'bounced' WHERE id = 3"))
        #expect(Self.refused(store, """
            INSERT INTO ticket_event (ticket_id, at, actor, actor_role, kind) VALUES (1, '2026-11-02 10:00:00.000', 'gateway', 'system', 'deliveries')
            """))
        #expect(!Self.refused(store, "UPDATE inbound_message SET outcome = 'bounce' WHERE id = 3"))
        #expect(!Self.refused(store, """
            INSERT INTO ticket_event (ticket_id, at, actor, actor_role, kind, to_value) VALUES (1, '2026-11-02 10:00:00.000', 'gateway', 'system', 'delivery', 'bounced')
            """))
        #expect(try store.outbox(status: .sent).map(\.id) == [7], "the refused update changed nothing")
    }

    @Test func theMigratedFileIsSoundAndLikeANewOne() throws {
        let (directory, path) = try Self.v8Database()
        defer { withExtendedLifetime(directory) {} }
        _ = try HelpdeskDatabase(path: path)
        // Opening again finds nothing left to do.
        _ = try HelpdeskDatabase(path: path)

        let fresh = directory.path("fresh.sqlite")
        _ = try HelpdeskDatabase(path: fresh)
        func schema(_ path: String) throws -> [String: String] {
            try DatabaseQueue(path: path).read { db in
                #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
                #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
                let rows = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL")
                return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as String, $0["sql"] as String) })
            }
        }
        let migrated = try schema(path)
        #expect(migrated == (try schema(fresh)), "an upgraded database has the schema of a new one")
        // The widened list, spelt out by v17.
        #expect(migrated["outbox"]?.contains("status = 'bounced' OR status = 'withheld'") == true)
        #expect(migrated["suppression"] != nil && migrated["outbox_automatic_by_recipient"] != nil && migrated["outbox_automatic_by_ticket"] != nil)
        #expect(try DatabaseQueue(path: path).read { try Schema.migrator.hasCompletedMigrations($0) })
    }

    @Test("history stays append-only after v9, migrated or new", arguments: [true, false])
    func historyStaysAppendOnly(migrated: Bool) throws {
        let (directory, v8) = try Self.v8Database()
        defer { withExtendedLifetime(directory) {} }
        let store: HelpdeskDatabase
        if migrated {
            store = try HelpdeskDatabase(path: v8)
        } else {
            store = try HelpdeskDatabase(path: directory.path("fresh.sqlite"))
            try store.executeForTesting("""
                INSERT INTO ticket (id, mailbox, number, key, subject, requester_address, status, priority, created_at, updated_at)
                VALUES (1, 'support', 1, 'SUPP-1', 'Printer', 'alice@example.test', 'new', 'normal', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000');
                INSERT INTO ticket_event (id, ticket_id, at, actor, actor_role, kind, to_value)
                VALUES (5, 1, '2026-11-01 10:00:00.000', 'alice@example.test', 'requester', 'created', 'SUPP-1');
                """)
        }
        try store.executeForTesting("""
            INSERT INTO ticket_event (id, ticket_id, at, actor, actor_role, kind, from_value, to_value, note)
            VALUES (6, 1, '2026-11-02 10:00:00.000', 'gateway', 'system', 'delivery', 'alice@example.test', 'bounced', 'no such user')
            """)
        for sql in [
            "UPDATE ticket_event SET note = 'rewritten' WHERE id = 6",
            "UPDATE ticket_event SET kind = 'status' WHERE id = 5",
            "DELETE FROM ticket_event WHERE id = 6",
            "DELETE FROM ticket_event",
        ] {
            #expect(throws: (any Error).self, "\(sql)") { try store.executeForTesting(sql) }
        }
        let history = try store.history(ticketId: 1)
        #expect(history.map(\.kind) == [.created, .delivery] && history.last?.note == "no such user")
    }
}
