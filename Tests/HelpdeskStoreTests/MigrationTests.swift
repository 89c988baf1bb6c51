import Foundation
import GRDB
import HelpdeskCore
@testable import HelpdeskStore
import MailgateTestSupport
import Testing

/// An installation's database from before intents (v4) opened by this version: nothing of what it
/// holds may be lost, and mail it had queued still goes out as it was rendered then.
@Suite("Migrating a running installation's database")
struct MigrationTests {
    @Test func outboxRowsRenderedBeforeV5AreKeptAndStillSent() throws {
        let directory = try TemporaryDirectory(prefix: "migration")
        let path = directory.path("helpdesk.sqlite")

        // The database as the previous release left it: migrated to v4, one ticket, one
        // rendered acknowledgement waiting, one sent.
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v4: sla")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO ticket (id, mailbox, number, key, subject, requester_address, status, priority, created_at, updated_at)
                    VALUES (1, 'support', 1, 'SUPP-1', 'Printer', 'alice@example.test', 'new', 'normal', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000');
                    INSERT INTO outbox (id, mailbox, ticket_id, event, envelope_from, recipients, message, message_id, status, attempts, next_attempt_at, created_at)
                    VALUES (7, 'support', 1, 'ticket_created', 'support@example.test', 'alice@example.test', X'5375626A6563743A2068690D0A0D0A6869', 'old-ack@example.test',
                            'pending', 2, '2026-11-01 10:05:00.000', '2026-11-01 10:00:00.000');
                    INSERT INTO outbox (id, mailbox, ticket_id, event, envelope_from, recipients, message, message_id, status, attempts, next_attempt_at, created_at, sent_at)
                    VALUES (8, 'support', 1, 'new_ticket', 'support@example.test', 'bob@example.test', X'6869', 'old-note@example.test',
                            'sent', 1, '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000', '2026-11-01 10:00:01.000');
                    INSERT INTO ticket_message (message_id, ticket_id, direction) VALUES ('old-ack@example.test', 1, 'out');
                    """)
            }
        }

        let store = try HelpdeskDatabase(path: path)
        let rows = try store.outbox(status: nil)
        #expect(rows.map(\.id) == [7, 8])
        #expect(rows.map(\.status) == [.pending, .sent])
        #expect(rows.map(\.attempts) == [2, 1])
        #expect(rows.first?.message.map { [UInt8]($0) } == Array("Subject: hi\r\n\r\nhi".utf8))
        #expect(rows.allSatisfy { $0.intent == nil && $0.claimedBy == nil && $0.envelopeFrom == "support@example.test" })
        #expect(try rows.first?.plannedMail() == nil)

        // Claimed and sent like any row; the bytes are the ones rendered before the upgrade.
        let claimed = try store.claimDueOutbox(mailbox: "support", owner: "after-upgrade", now: Date(), lease: 60, limit: 10)
        #expect(claimed.map(\.messageId) == ["old-ack@example.test"])
        #expect(try store.markSent(outboxId: 7, owner: "after-upgrade", at: Date()))

        // The old Message-ID still threads a reply, and new rows carry intents beside the old ones.
        let reply = InboundContent(
            requesterAddress: "alice@example.test", requesterName: nil, subject: "Re: hi", body: "more\n",
            followUp: FollowUpCandidates(referencedMessageIDs: ["old-ack@example.test"], subjectKeys: []), autoReplySuppression: nil)
        let identity = InboundIdentity(mailbox: "support", uidValidity: 1, uid: 1, messageID: "r@x", sha256: "r", size: 1, receivedAt: Date())
        let result = try store.ingest(identity, content: reply, rules: MailboxRules(name: "support", keyPrefix: "SUPP", agents: [Correspondent(address: "bob@example.test")]))
        #expect(result.ticket?.key == "SUPP-1")
        #expect(try store.outbox(status: .pending).compactMap { try $0.plannedMail()?.event } == [.requesterReply])
    }

    @Test func theSchemaStillRefusesARowWithNeitherMessageNorIntent() throws {
        let store = try HelpdeskDatabase.inMemory()
        #expect(throws: (any Error).self) {
            try store.executeForTesting("""
                INSERT INTO outbox (mailbox, event, recipients, message_id, next_attempt_at, created_at)
                VALUES ('support', 'ticket_created', 'a@x', 'empty@x', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000')
                """)
        }
        #expect(throws: (any Error).self) {
            try store.executeForTesting("""
                INSERT INTO outbox (mailbox, event, recipients, message, message_id, next_attempt_at, created_at)
                VALUES ('support', 'ticket_created', 'a@x', X'00', 'dup@x', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000');
                INSERT INTO outbox (mailbox, event, recipients, message, message_id, next_attempt_at, created_at)
                VALUES ('support', 'ticket_created', 'a@x', X'00', 'dup@x', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000')
                """)
        }
    }
}
