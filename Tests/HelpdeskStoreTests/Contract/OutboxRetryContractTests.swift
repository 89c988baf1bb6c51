import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Store contract: retrying and listing the outbox")
struct OutboxRetryContractTests {
    typealias C = Contract

    static let now = C.at(1000)

    /// One row in each state a retry must tell apart.
    struct Rows {
        var failed: Int64, sent: Int64, waiting: Int64, claimed: Int64, due: Int64
    }

    /// Rows are claimed one at a time, oldest first, so each claim takes the row meant.
    static func seed(_ store: any TicketStore) throws -> Rows {
        let filler = OutboxFiller(store)
        let rows = Rows(
            failed: try filler.add(dueAt: C.at(1)), sent: try filler.add(dueAt: C.at(2)), waiting: try filler.add(dueAt: C.at(3)),
            claimed: try filler.add(dueAt: C.at(4)), due: try filler.add(dueAt: C.at(5)))
        let claim = { (owner: String) in try #require(try store.claimDueOutbox(mailbox: nil, owner: owner, now: now, lease: 300, limit: 1).first?.id) }
        #expect(try claim("a") == rows.failed)
        try store.markAttemptFailed(outboxId: rows.failed, owner: "a", error: "550 no such user", retryAt: nil)
        #expect(try claim("a") == rows.sent)
        try store.markSent(outboxId: rows.sent, owner: "a", at: now)
        #expect(try claim("a") == rows.waiting)
        try store.markAttemptFailed(outboxId: rows.waiting, owner: "a", error: "421 try later", retryAt: now.addingTimeInterval(3600))
        #expect(try claim("b") == rows.claimed)
        return rows
    }

    static func row(_ store: any TicketStore, _ id: Int64) throws -> OutboxRecord {
        try #require(try store.outbox(status: nil).first { $0.id == id })
    }

    @Test("failed and waiting rows become due now; sent, claimed and due rows stay as they are", arguments: StoreBackend.all)
    func retryByIds(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let rows = try Self.seed(store)
        let later = Self.now.addingTimeInterval(10)

        let result = try store.retryOutbox(.ids([rows.failed, rows.sent, rows.waiting, rows.claimed, rows.due, 999, 999]), now: later)
        #expect(result.retried == [rows.failed, rows.waiting])
        #expect(result.sent == [rows.sent])
        #expect(result.beingSent == [rows.claimed])
        #expect(result.alreadyDue == [rows.due])
        #expect(result.unknown == [999])

        let failed = try Self.row(store, rows.failed)
        #expect(failed.status == .pending && failed.attempts == 1 && failed.nextAttemptAt == later, "attempts kept")
        #expect(try Self.row(store, rows.waiting).nextAttemptAt == later)
        #expect(try Self.row(store, rows.sent).status == .sent)
        #expect(try Self.row(store, rows.claimed).claimedBy == "b", "the running sender keeps its row")
        // What a sender claims now is exactly what is due and free.
        let claimed = try store.claimDueOutbox(mailbox: nil, owner: "c", now: later, lease: 60, limit: 10).compactMap(\.id)
        #expect(Set(claimed) == [rows.failed, rows.waiting, rows.due])
    }

    @Test("--failed takes only failed rows, --ticket every row of the ticket; an ended claim is no hold", arguments: StoreBackend.all)
    func retryBySelection(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let rows = try Self.seed(store)
        let later = Self.now.addingTimeInterval(10)

        #expect(try store.retryOutbox(.failed, now: later).retried == [rows.failed])
        #expect(try store.retryOutbox(.failed, now: later) == OutboxRetryResult(), "nothing failed any more")

        let sentTicket = try #require(try Self.row(store, rows.sent).ticketId)
        let bySent = try store.retryOutbox(.ticket(sentTicket), now: later)
        #expect(bySent.sent == [rows.sent] && bySent.retried.isEmpty)

        let claimedTicket = try #require(try Self.row(store, rows.claimed).ticketId)
        #expect(try store.retryOutbox(.ticket(claimedTicket), now: later).beingSent == [rows.claimed])
        // After b's lease (300 s) the row is free again, and due: nothing to change.
        #expect(try store.retryOutbox(.ticket(claimedTicket), now: Self.now.addingTimeInterval(301)).alreadyDue == [rows.claimed])
    }

    @Test("the listing names each row's ticket and subject, by status", arguments: StoreBackend.all)
    func listingNamesTheTicket(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let rows = try Self.seed(store)
        let all = try store.outboxListing(status: nil)
        #expect(all.map(\.row.id) == [rows.failed, rows.sent, rows.waiting, rows.claimed, rows.due])
        #expect(all.map(\.ticketKey) == ["SUPP-1", "SUPP-2", "SUPP-3", "SUPP-4", "SUPP-5"])
        #expect(all.map(\.ticketSubject) == ["Question 1", "Question 2", "Question 3", "Question 4", "Question 5"])
        #expect(try store.outboxListing(status: .failed).map(\.row.id) == [rows.failed])
        #expect(try store.outboxListing(status: .failed).first?.row == store.outbox(status: .failed).first, "the same row as outbox(status:)")
    }
}
