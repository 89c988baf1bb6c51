import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Store contract: listing tickets")
struct TicketFilterContractTests {
    typealias C = Contract

    /// One filter and the keys it must find, in order.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var filter: TicketFilter
        var keys: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "everything, oldest first across mailboxes", filter: TicketFilter(), keys: ["SUPP-2", "SALES-1", "SUPP-1"]),
        Case(name: "one mailbox", filter: TicketFilter(mailbox: "support"), keys: ["SUPP-2", "SUPP-1"]),
        Case(name: "status and mailbox together", filter: TicketFilter(status: .new, mailbox: "sales"), keys: ["SALES-1"]),
        Case(name: "a status nobody has", filter: TicketFilter(status: .closed), keys: []),
        Case(name: "priority", filter: TicketFilter(priority: .high), keys: ["SUPP-1"]),
        Case(name: "one tag", filter: TicketFilter(tags: ["billing"]), keys: ["SUPP-2", "SUPP-1"]),
        Case(name: "every tag given, any case", filter: TicketFilter(tags: ["BILLING", "vip"]), keys: ["SUPP-2"]),
        Case(name: "assignee by local part", filter: TicketFilter(assignee: .agent("Dana")), keys: ["SUPP-1"]),
        Case(name: "assignee by address", filter: TicketFilter(assignee: .agent("BOB@x.test")), keys: ["SUPP-2"]),
        Case(name: "a local part is not a prefix", filter: TicketFilter(assignee: .agent("da")), keys: []),
        Case(name: "unassigned", filter: TicketFilter(assignee: .nobody), keys: ["SALES-1"]),
    ]

    static let agents = MailboxRules(
        name: "support", keyPrefix: "SUPP", agents: [Correspondent(address: "bob@x.test"), Correspondent(address: "dana@x.test")])

    /// SUPP-1 (newest; high, billing, dana), SUPP-2 (oldest; billing and vip, bob), SALES-1 (between; untouched).
    static func seed(_ store: any TicketStore) throws {
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "a@x.test", at: C.at(30)), C.content(subject: "Newest"), ids: ids)
        try C.ingest(store, C.identity(2, messageID: "b@x.test", at: C.at(10)), C.content(subject: "Oldest"), ids: ids)
        try C.ingest(store, C.identity(1, mailbox: "sales", messageID: "c@x.test", at: C.at(20)), C.content(subject: "Quote"), ids: ids)
        let admin = TicketActor(address: "admin", role: .admin)
        try store.update(ticketKey: "SUPP-1", change: TicketChange(assignee: .agent("dana@x.test"), priority: .high, addTags: ["billing"]),
                         actor: admin, rules: agents, at: C.at(40))
        try store.update(ticketKey: "SUPP-2", change: TicketChange(assignee: .agent("bob@x.test"), addTags: ["billing", "vip"]),
                         actor: admin, rules: agents, at: C.at(40))
    }

    @Test("a filter finds exactly its tickets, oldest first", arguments: StoreBackend.all, cases)
    func filterFindsItsTickets(backend: StoreBackend, example: Case) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        try Self.seed(store)
        #expect(try store.tickets(matching: example.filter).map(\.key) == example.keys)
    }

    @Test("tags of many tickets at once, and the mailboxes that have tickets", arguments: StoreBackend.all)
    func tagsAndMailboxes(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.ticketMailboxes().isEmpty)
        try Self.seed(store)
        let first = try C.ticketID(store, "SUPP-1"), second = try C.ticketID(store, "SUPP-2"), sales = try C.ticketID(store, "SALES-1")
        #expect(try store.tags(ticketIds: [first, second, sales]) == [first: ["billing"], second: ["billing", "vip"]])
        #expect(try store.tags(ticketIds: [second]) == [second: ["billing", "vip"]], "only the tickets asked for")
        #expect(try store.tags(ticketIds: []).isEmpty)
        #expect(try store.ticketMailboxes() == ["sales", "support"])
    }
}
