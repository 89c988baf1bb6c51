import Foundation
import HelpdeskCore
import HelpdeskStore
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

    func ack(_ context: IngestContext) -> [OutboxDraft] {
        guard context.outcome == .ticketCreated else { return [] }
        return [OutboxDraft(event: "ticket_created", envelopeFrom: "support@example.test", recipients: ["alice@example.test"],
                            message: Array("Subject: [\(context.ticket.key)]\r\n\r\nhi\r\n".utf8), messageID: "ack-\(context.ticket.key)@example.test")]
    }

    @Test func newMessageMakesTicketCommentOutboxAndCursor() throws {
        let result = try database.ingest(identity(uid: 1, messageID: "m1@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        guard case .ticketCreated(let ticket, let comment) = result else { Issue.record("got \(result)"); return }
        #expect(ticket.key == "SUPP-1")
        #expect(ticket.status == .new)
        #expect(comment.body == "it is broken\n")
        #expect(try database.outbox(status: .pending).map(\.messageId) == ["ack-SUPP-1@example.test"])
        #expect(try database.cursor(mailbox: "support")?.lastUid == 1)
    }

    @Test func numbersGoUpPerMailbox() throws {
        for uid in UInt32(1)...3 {
            _ = try database.ingest(identity(uid: uid, messageID: "m\(uid)@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        }
        var other = identity(uid: 1, messageID: "s1@x")
        other.mailbox = "sales"
        _ = try database.ingest(other, content: content(), keyPrefix: "SALES", makeReplies: ack)
        #expect(try database.tickets().map(\.key) == ["SALES-1", "SUPP-1", "SUPP-2", "SUPP-3"])
    }

    @Test func numbersFollowTheKeyPrefixWhenAMailboxIsRenamed() throws {
        _ = try database.ingest(identity(uid: 1, messageID: "m1@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        var renamed = identity(uid: 1, messageID: "m2@x")
        renamed.mailbox = "helpdesk"
        let result = try database.ingest(renamed, content: content(), keyPrefix: "SUPP", makeReplies: ack)
        #expect(result.ticket?.key == "SUPP-2")
    }

    @Test func oneMessageToTwoSupportAddressesIsOneTicket() throws {
        _ = try database.ingest(identity(uid: 1, messageID: "cc-both@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        var other = identity(uid: 1, messageID: "cc-both@x")
        other.mailbox = "sales"
        #expect(try database.ingest(other, content: content(), keyPrefix: "SALES", makeReplies: ack) == .duplicate(ticketKey: "SUPP-1"))
        #expect(try database.tickets().count == 1)
        #expect(try database.cursor(mailbox: "sales")?.lastUid == 1, "the duplicate still moves that mailbox on")
    }

    @Test func sameUIDTwiceIsRecordedOnce() throws {
        _ = try database.ingest(identity(uid: 5, messageID: "m@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        let again = try database.ingest(identity(uid: 5, messageID: "m@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        #expect(again == .alreadyRecorded)
        #expect(try database.tickets().count == 1)
        #expect(try database.outbox().count == 1)
    }

    @Test func sameMessageIDUnderNewUIDValidityIsADuplicate() throws {
        _ = try database.ingest(identity(uid: 5, messageID: "m@x", validity: 7), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        try database.resetCursor(mailbox: "support", uidValidity: 8, at: now)
        let again = try database.ingest(identity(uid: 1, messageID: "m@x", validity: 8), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        #expect(again == .duplicate(ticketKey: "SUPP-1"))
        #expect(try database.tickets().count == 1)
        #expect(try database.comments(ticketId: 1).count == 1)
        let cursor = try database.cursor(mailbox: "support")
        #expect(cursor?.uidValidity == 8 && cursor?.lastUid == 1)
    }

    @Test func withoutMessageIDTheBytesDecide() throws {
        _ = try database.ingest(identity(uid: 1, messageID: nil, sha: "abc"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        #expect(try database.ingest(identity(uid: 2, messageID: nil, sha: "abc"), content: content(), keyPrefix: "SUPP", makeReplies: ack) == .duplicate(ticketKey: "SUPP-1"))
        let other = try database.ingest(identity(uid: 3, messageID: nil, sha: "def"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        #expect(other.ticket?.key == "SUPP-2")
    }

    @Test func followUpBySubjectToken() throws {
        _ = try database.ingest(identity(uid: 1, messageID: "m1@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        let result = try database.ingest(identity(uid: 2, messageID: "m2@x"), content: content(subject: "Re: [SUPP-1] Printer"), keyPrefix: "SUPP", makeReplies: ack)
        guard case .commentAdded(let ticket, _) = result else { Issue.record("got \(result)"); return }
        #expect(ticket.key == "SUPP-1")
        #expect(try database.comments(ticketId: ticket.id!).count == 2)
        #expect(try database.outbox().count == 1, "a follow-up gets no acknowledgement")
    }

    @Test func followUpByReferenceToOurAcknowledgement() throws {
        _ = try database.ingest(identity(uid: 1, messageID: "m1@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        let result = try database.ingest(identity(uid: 2, messageID: "m2@x"), content: content(subject: "edited subject", references: ["ack-SUPP-1@example.test"]), keyPrefix: "SUPP", makeReplies: ack)
        #expect(result.ticket?.key == "SUPP-1")
    }

    @Test func unknownTokenMakesANewTicket() throws {
        let result = try database.ingest(identity(uid: 1, messageID: "m1@x"), content: content(subject: "[SUPP-99] guess"), keyPrefix: "SUPP", makeReplies: ack)
        #expect(result.ticket?.key == "SUPP-1")
    }

    @Test func failingReplyRendererRollsEverythingBack() throws {
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try database.ingest(identity(uid: 1, messageID: "m1@x"), content: content(), keyPrefix: "SUPP") { _ in throw Boom() }
        }
        #expect(try database.tickets().isEmpty)
        #expect(try database.inboundMessages().isEmpty)
        #expect(try database.cursor(mailbox: "support") == nil)
    }

    @Test func quarantineIsRecordedAndMovesTheCursor() throws {
        let result = try database.quarantine(identity(uid: 9, messageID: nil), reason: "too large")
        #expect(result == .quarantined(reason: "too large"))
        #expect(try database.inboundMessages().map(\.outcome) == [.quarantined])
        #expect(try database.cursor(mailbox: "support")?.lastUid == 9)
        #expect(try database.recordedUIDs(mailbox: "support", uidValidity: 7, among: [8, 9]) == [9])
    }

    @Test func pipeMessagesHaveNoCursor() throws {
        _ = try database.ingest(identity(uid: nil, messageID: "p@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack)
        #expect(try database.cursor(mailbox: "support") == nil)
        #expect(try database.ingest(identity(uid: nil, messageID: "p@x"), content: content(), keyPrefix: "SUPP", makeReplies: ack) == .duplicate(ticketKey: "SUPP-1"))
    }
}

@Suite("Outbox states")
struct OutboxTests {
    @Test func retryThenSendThenNotDue() throws {
        let database = try HelpdeskDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let identity = InboundIdentity(mailbox: "support", uidValidity: 1, uid: 1, messageID: "m@x", sha256: "a", size: 1, receivedAt: now)
        let content = InboundContent(requesterAddress: "a@x", requesterName: nil, subject: "s", body: "b",
                                     followUp: .init(referencedMessageIDs: [], subjectKeys: []), autoReplySuppression: nil)
        _ = try database.ingest(identity, content: content, keyPrefix: "SUPP") { _ in
            [OutboxDraft(event: "ticket_created", envelopeFrom: "s@x", recipients: ["a@x", "b@x"], message: [1, 2], messageID: "o@x")]
        }
        let row = try #require(try database.dueOutbox(now: now).first)
        #expect(row.recipientList == ["a@x", "b@x"])
        try database.markAttemptFailed(outboxId: row.id!, error: "451 try later", retryAt: now.addingTimeInterval(60))
        #expect(try database.dueOutbox(now: now).isEmpty)
        let retried = try #require(try database.dueOutbox(now: now.addingTimeInterval(61)).first)
        #expect(retried.attempts == 1 && retried.lastError == "451 try later")
        try database.markSent(outboxId: row.id!, at: now.addingTimeInterval(61))
        #expect(try database.dueOutbox(now: now.addingTimeInterval(10_000)).isEmpty)
        #expect(try database.outbox(status: .sent).first?.attempts == 2)
        try database.markAttemptFailed(outboxId: row.id!, error: "550 no", retryAt: nil)
        #expect(try database.outbox(status: .failed).count == 1)
    }

    @Test func schemaRefusesBadStatus() throws {
        let database = try HelpdeskDatabase.inMemory()
        // The CHECK constraint, not only Swift's enum, guards the column.
        #expect(throws: (any Error).self) { try database.executeForTesting("INSERT INTO ticket (mailbox, number, key, subject, requester_address, status, created_at, updated_at) VALUES ('s', 1, 'S-1', 'x', 'a', 'bogus', 0, 0)") }
    }
}
