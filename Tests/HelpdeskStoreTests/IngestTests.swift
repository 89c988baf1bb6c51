import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Recording inbound mail")
struct IngestTests {
    let database: HelpdeskDatabase
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws { database = try .inMemory() }

    func identity(uid: UInt32?, messageID: String?, validity: UInt32 = 7, sha: String = "aa") -> InboundIdentity {
        InboundIdentity(mailbox: "support", uidValidity: uid == nil ? nil : validity, uid: uid, messageID: messageID, sha256: sha, size: 100, receivedAt: now)
    }

    func content(subject: String = "Printer", references: [String] = []) -> InboundContent {
        InboundContent(
            requesterAddress: "alice@example.test", requesterName: "Alice", subject: subject, body: "it is broken\n",
            followUp: FollowUpCandidates(referencedMessageIDs: references, subjectKeys: SubjectToken.keys(in: subject, prefixes: ["SUPP"])),
            autoReplySuppression: nil)
    }

    let support = MailboxRules(name: "support", keyPrefix: "SUPP")
    let sales = MailboxRules(name: "sales", keyPrefix: "SALES")
    let messageIDs = TestMessageIDs()

    func ingest(_ identity: InboundIdentity, _ content: InboundContent) throws -> IngestResult {
        let rules = identity.mailbox == "sales" ? sales : identity.mailbox == "support" ? support : MailboxRules(name: identity.mailbox, keyPrefix: "SUPP")
        return try database.ingest(identity, content: content, rules: rules, mailboxes: [support, sales, rules], messageIDs: messageIDs)
    }

    @Test func newMessageMakesTicketCommentOutboxAndCursor() throws {
        let result = try ingest(identity(uid: 1, messageID: "m1@x"), content())
        guard case .ticketCreated(let ticket, let comment) = result else { Issue.record("got \(result)"); return }
        #expect(ticket.key == "SUPP-1")
        #expect(ticket.status == .new)
        #expect(comment.body == "it is broken\n")
        #expect(try database.outbox(status: .pending).map(\.messageId) == ["support-1@test"])
        #expect(try database.outbox(status: .pending).map(\.event) == ["ticket_created"])
        #expect(try database.cursor(mailbox: "support")?.lastUid == 1)
    }

    @Test func numbersGoUpPerMailbox() throws {
        for uid in UInt32(1)...3 {
            _ = try ingest(identity(uid: uid, messageID: "m\(uid)@x"), content())
        }
        var other = identity(uid: 1, messageID: "s1@x")
        other.mailbox = "sales"
        _ = try ingest(other, content())
        #expect(try database.tickets().map(\.key) == ["SALES-1", "SUPP-1", "SUPP-2", "SUPP-3"])
    }

    @Test func numbersFollowTheKeyPrefixWhenAMailboxIsRenamed() throws {
        _ = try ingest(identity(uid: 1, messageID: "m1@x"), content())
        var renamed = identity(uid: 1, messageID: "m2@x")
        renamed.mailbox = "helpdesk"
        let result = try ingest(renamed, content())
        #expect(result.ticket?.key == "SUPP-2")
    }

    @Test func oneMessageToTwoSupportAddressesIsOneTicket() throws {
        _ = try ingest(identity(uid: 1, messageID: "cc-both@x"), content())
        var other = identity(uid: 1, messageID: "cc-both@x")
        other.mailbox = "sales"
        #expect(try ingest(other, content()) == .duplicate(ticketKey: "SUPP-1"))
        #expect(try database.tickets().count == 1)
        #expect(try database.cursor(mailbox: "sales")?.lastUid == 1, "the duplicate still moves that mailbox on")
    }

    @Test func sameUIDTwiceIsRecordedOnce() throws {
        _ = try ingest(identity(uid: 5, messageID: "m@x"), content())
        let again = try ingest(identity(uid: 5, messageID: "m@x"), content())
        #expect(again == .alreadyRecorded)
        #expect(try database.tickets().count == 1)
        #expect(try database.outbox().count == 1)
    }

    @Test func aMessageIDWithANULIsStoredAsItIsLookedUp() throws {
        // Every lookup binds text up to its first NUL (GRDB, as SQLite's C strings): an insert
        // that kept the rest would never be found again, and the same message made two tickets.
        _ = try ingest(identity(uid: 5, messageID: "m\u{0}tail@x", validity: 7), content())
        try database.resetCursor(mailbox: "support", uidValidity: 8, at: now)
        let again = try ingest(identity(uid: 1, messageID: "m\u{0}tail@x", validity: 8), content())
        #expect(again == .duplicate(ticketKey: "SUPP-1"))
        #expect(try database.tickets().count == 1)
    }

    @Test func sameMessageIDUnderNewUIDValidityIsADuplicate() throws {
        _ = try ingest(identity(uid: 5, messageID: "m@x", validity: 7), content())
        try database.resetCursor(mailbox: "support", uidValidity: 8, at: now)
        let again = try ingest(identity(uid: 1, messageID: "m@x", validity: 8), content())
        #expect(again == .duplicate(ticketKey: "SUPP-1"))
        #expect(try database.tickets().count == 1)
        #expect(try database.comments(ticketId: 1).count == 1)
        let cursor = try database.cursor(mailbox: "support")
        #expect(cursor?.uidValidity == 8 && cursor?.lastUid == 1)
    }

    @Test func withoutMessageIDTheBytesDecide() throws {
        _ = try ingest(identity(uid: 1, messageID: nil, sha: "abc"), content())
        #expect(try ingest(identity(uid: 2, messageID: nil, sha: "abc"), content()) == .duplicate(ticketKey: "SUPP-1"))
        let other = try ingest(identity(uid: 3, messageID: nil, sha: "def"), content())
        #expect(other.ticket?.key == "SUPP-2")
    }

    @Test func followUpBySubjectToken() throws {
        _ = try ingest(identity(uid: 1, messageID: "m1@x"), content())
        let result = try ingest(identity(uid: 2, messageID: "m2@x"), content(subject: "Re: [SUPP-1] Printer"))
        guard case .commentAdded(let ticket, _) = result else { Issue.record("got \(result)"); return }
        #expect(ticket.key == "SUPP-1")
        #expect(try database.comments(ticketId: ticket.id!).count == 2)
        #expect(try database.outbox().count == 1, "a follow-up gets no acknowledgement")
    }

    @Test func followUpByReferenceToOurAcknowledgement() throws {
        _ = try ingest(identity(uid: 1, messageID: "m1@x"), content())
        let acknowledgement = try #require(try database.outbox(status: nil).first?.messageId)
        let result = try ingest(identity(uid: 2, messageID: "m2@x"), content(subject: "edited subject", references: [acknowledgement]))
        #expect(result.ticket?.key == "SUPP-1")
    }

    @Test func unknownTokenMakesANewTicket() throws {
        let result = try ingest(identity(uid: 1, messageID: "m1@x"), content(subject: "[SUPP-99] guess"))
        #expect(result.ticket?.key == "SUPP-1")
    }

    @Test func aFailingDecisionRollsEverythingBack() throws {
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try database.record(identity(uid: 1, messageID: "m1@x"), content(), lookup: InboundLookup(keyPrefix: "SUPP")) { _ in throw Boom() }
        }
        #expect(try database.tickets().isEmpty)
        #expect(try database.inboundMessages().isEmpty)
        #expect(try database.cursor(mailbox: "support") == nil)
    }

    @Test func quarantineIsRecordedAndMovesTheCursor() throws {
        let result = try database.recordQuarantine(identity(uid: 9, messageID: nil), reason: "too large")
        #expect(result == .quarantined(reason: "too large"))
        #expect(try database.inboundMessages().map(\.outcome) == [.quarantined])
        #expect(try database.cursor(mailbox: "support")?.lastUid == 9)
        #expect(try database.recordedUIDs(mailbox: "support", uidValidity: 7, among: [8, 9]) == [9])
    }

    @Test func pipeMessagesHaveNoCursor() throws {
        _ = try ingest(identity(uid: nil, messageID: "p@x"), content())
        #expect(try database.cursor(mailbox: "support") == nil)
        #expect(try ingest(identity(uid: nil, messageID: "p@x"), content()) == .duplicate(ticketKey: "SUPP-1"))
    }
}

@Suite("The SQLite schema")
struct SchemaTests {
    @Test func schemaRefusesBadStatus() throws {
        let database = try HelpdeskDatabase.inMemory()
        // The CHECK constraint, not only Swift's enum, guards the column.
        #expect(throws: (any Error).self) { try database.executeForTesting("INSERT INTO ticket (mailbox, number, key, subject, requester_address, status, created_at, updated_at) VALUES ('s', 1, 'S-1', 'x', 'a', 'bogus', 0, 0)") }
    }
}
