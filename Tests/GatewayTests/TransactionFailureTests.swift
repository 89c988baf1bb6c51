import Foundation
@testable import Gateway
import HelpdeskStore
import MailTransport
import MIME
import Testing

/// A message whose record fails deep in a backlog, where its transaction holds batches read before
/// it: everything before it is committed and flagged, it and what follows stay for the next poll,
/// and that poll records them once.
@Suite("A record failing in a later batch", .serialized, .timeLimit(.minutes(10)))
struct TransactionFailureTests {
    static let count = 300
    /// In the poll's last window (8 + 16 + 32 + 64 + 100 messages come before it), so its
    /// transaction may well hold the batch before as well.
    static let failing = 250

    @Test func whatCameBeforeIsCommittedAndTheRestWaits() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let fixture = try GatewayFixture(servers: servers)
        try servers.deliverBacklog(Self.count, tag: "later")
        let gateway = try fixture.gateway()
        // The MTA may deliver them out of order: the failing one is the message at that UID.
        let client = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        let failingID = try #require(Message.parse(try client.fetch(uid: UInt32(Self.failing))).messageID)
        switch fixture.store.kind {
        case .sqlite:
            try gateway.database.rawSQL("""
                CREATE TRIGGER refuse_one BEFORE INSERT ON inbound_message WHEN NEW.message_id = '\(failingID)'
                BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                """)
        case .postgres:
            try gateway.database.rawSQL("""
                CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.message_id = '\(failingID)' THEN RAISE EXCEPTION 'refused for the test'; END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_one BEFORE INSERT ON inbound_message FOR EACH ROW EXECUTE FUNCTION refuse_one();
                """)
        }

        let stopped = try #require(try gateway.pollOnce().first)
        #expect(stopped.error?.contains("refused for the test") == true, "\(stopped)")
        #expect(stopped.fetched == Self.failing - 1)
        #expect(stopped.ticketsCreated == Self.failing - 1)
        #expect(stopped.unrecorded == Self.count - Self.failing + 1)
        #expect(try gateway.database.inboundMessages().count == Self.failing - 1)
        #expect(try gateway.database.tickets().count == Self.failing - 1)
        #expect(try gateway.database.cursor(mailbox: "support")?.lastUid == Int64(Self.failing - 1))
        let unflagged = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
            .search("UNKEYWORD \(MailboxPoller.processedKeyword)")
        #expect(unflagged == Array(UInt32(Self.failing)...UInt32(Self.count)), "only what was committed is flagged")

        switch fixture.store.kind {
        case .sqlite: try gateway.database.rawSQL("DROP TRIGGER refuse_one")
        case .postgres: try gateway.database.rawSQL("DROP TRIGGER refuse_one ON inbound_message; DROP FUNCTION refuse_one()")
        }
        let resumed = try #require(try gateway.pollOnce().first)
        #expect(resumed.error == nil, "\(resumed)")
        #expect(resumed.fetched == Self.count - Self.failing + 1)
        #expect(try gateway.database.tickets().count == Self.count, "one ticket per request, none twice")
        #expect(Set(try gateway.database.inboundMessages().compactMap(\.messageId)).count == Self.count)
        #expect(try gateway.database.outbox().filter { $0.event == "ticket_created" }.count == Self.count)
        let fresh = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        #expect(try fresh.search("UNKEYWORD \(MailboxPoller.processedKeyword)").isEmpty)
    }
}
