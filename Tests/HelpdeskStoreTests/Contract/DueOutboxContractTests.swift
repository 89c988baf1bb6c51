import Foundation
import HelpdeskStore
import Testing

@Suite("Store contract: which mailboxes have mail due")
struct DueOutboxContractTests {
    typealias C = Contract

    @Test("only mailboxes with an unclaimed row due now are named", arguments: StoreBackend.all)
    func dueMailboxes(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.mailboxesWithDueOutbox(at: C.at(100)).isEmpty)
        let filler = OutboxFiller(store)
        _ = try filler.add("support", dueAt: C.at(10))
        _ = try filler.add("sales", dueAt: C.at(50))
        #expect(try store.mailboxesWithDueOutbox(at: C.at(20)) == ["support"])
        #expect(try store.mailboxesWithDueOutbox(at: C.at(60)) == ["support", "sales"])
        // A claimed row is someone's work already; a sent one is done.
        let claimed = try store.claimDueOutbox(mailbox: "support", owner: "a", now: C.at(60), lease: 60, limit: 10)
        #expect(claimed.count == 1)
        #expect(try store.mailboxesWithDueOutbox(at: C.at(70)) == ["sales"])
        let id = try #require(claimed.first?.id)
        #expect(try store.markSent(outboxId: id, owner: "a", at: C.at(71)))
        #expect(try store.mailboxesWithDueOutbox(at: C.at(200)) == ["sales"])
    }
}
