import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Store contract: contacts")
struct ContactContractTests {
    typealias C = Contract

    /// A message from `sender` with a name and language of its own.
    static func content(from sender: String, name: String?, language: String?, subject: String = "Printer") -> InboundContent {
        var content = C.content(from: sender, subject: subject)
        content.requesterName = name
        content.language = language.flatMap(LanguageTag.init)
        return content
    }

    @Test("every sender of a recorded message is a contact: latest name and language, first and last seen", arguments: StoreBackend.all)
    func sendersBecomeContacts(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "a1@x.test", at: C.at(100)), Self.content(from: "Alice@X.test", name: "Alice A", language: "de"), ids: ids)
        // Later, without a name or language: what was known stays.
        try C.ingest(store, C.identity(2, messageID: "a2@x.test", at: C.at(200)), Self.content(from: "alice@x.test", name: nil, language: nil), ids: ids)
        // Read out of order (an older message recorded last): it widens first seen, and its older
        // name does not replace the newer one.
        try C.ingest(store, C.identity(3, messageID: "a0@x.test", at: C.at(50)), Self.content(from: "alice@x.test", name: "Old Name", language: "fr"), ids: ids)
        try C.ingest(store, C.identity(4, messageID: "c1@x.test", at: C.at(300)), Self.content(from: "carol@x.test", name: "Carol", language: nil), ids: ids)

        let alice = try #require(try store.contact(address: "ALICE@x.test"))
        #expect(alice.address == "alice@x.test")
        #expect(alice.name == "Alice A")
        #expect(alice.language == "de")
        #expect(alice.firstSeenAt == C.at(50))
        #expect(alice.lastSeenAt == C.at(200))
        #expect(alice.organization == nil && alice.manager == nil)
        #expect(try store.contacts().map(\.address) == ["alice@x.test", "carol@x.test"])
        #expect(try store.contact(address: "nobody@x.test") == nil)
    }

    @Test("a duplicate is not a sighting, and a message without a sender makes no contact", arguments: StoreBackend.all)
    func duplicatesAndSenderlessMessages(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "a1@x.test", at: C.at(100)), Self.content(from: "alice@x.test", name: "Alice", language: nil), ids: ids)
        // The same message again, later (another mailbox's copy): the contact does not move.
        try C.ingest(store, C.identity(2, mailbox: "sales", messageID: "a1@x.test", at: C.at(900)), Self.content(from: "alice@x.test", name: "Renamed", language: nil), ids: ids)
        try C.ingest(store, C.identity(3, messageID: "anon@x.test", at: C.at(300)), Self.content(from: "", name: nil, language: nil), ids: ids)
        let alice = try #require(try store.contact(address: "alice@x.test"))
        #expect(alice.lastSeenAt == C.at(100))
        #expect(alice.name == "Alice")
        #expect(try store.contacts().count == 1)
    }

    @Test("the admin's exceptions: set, kept by later mail, reset, and made for someone who never wrote", arguments: StoreBackend.all)
    func exceptions(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "a1@x.test", at: C.at(100)), Self.content(from: "alice@x.test", name: "Alice", language: nil), ids: ids)
        var alice = try store.setContact(address: "Alice@x.test", organization: .value("Acme"), manager: .value("Mia@Acme.test"), at: C.at(150))
        #expect(alice.organization == "Acme" && alice.manager == "mia@acme.test")
        #expect(alice.firstSeenAt == C.at(100), "setting exceptions is not a sighting")
        // One field at a time; the other stays.
        alice = try store.setContact(address: "alice@x.test", organization: .unchanged, manager: .none, at: C.at(160))
        #expect(alice.organization == "Acme" && alice.manager == "")
        // Mail after the change keeps the exceptions.
        try C.ingest(store, C.identity(2, messageID: "a2@x.test", at: C.at(200)), Self.content(from: "alice@x.test", name: "Alice B", language: nil), ids: ids)
        alice = try #require(try store.contact(address: "alice@x.test"))
        #expect(alice.organization == "Acme" && alice.manager == "" && alice.name == "Alice B")
        alice = try store.setContact(address: "alice@x.test", organization: .byDefault, manager: .byDefault, at: C.at(210))
        #expect(alice.organization == nil && alice.manager == nil)

        let dave = try store.setContact(address: "dave@y.test", organization: .none, manager: .unchanged, at: C.at(300))
        #expect(dave.firstSeenAt == C.at(300) && dave.lastSeenAt == C.at(300) && dave.organization == "" && dave.manager == nil)
        #expect(try store.contact(address: "dave@y.test") == dave)
    }

    @Test("a new ticket takes its requester's organisation and its default priority; tickets filter by it", arguments: StoreBackend.all)
    func ticketsTakeTheOrganization(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let organizations = OrganizationDirectory([
            Organization(name: "Acme", domains: ["acme.test"], managers: ["mia@acme.test"], defaultPriority: .high),
            Organization(name: "Globex", domains: ["globex.test"]),
        ])
        let rules = InboundRules(receiving: C.support, mailboxes: [C.support], organizations: organizations) { "\($0)-\(UUID().uuidString)@test" }
        func ingest(_ uid: UInt32, from sender: String) throws {
            let identity = C.identity(uid, messageID: "m\(uid)@x.test")
            let content = C.content(from: sender, subject: "Request \(uid)")
            _ = try store.record(identity, content, lookup: InboundLookup(keyPrefix: "SUPP")) { rules.decide(content, snapshot: $0, at: identity.receivedAt) }
        }
        try ingest(1, from: "ann@eu.acme.test")
        try ingest(2, from: "bo@globex.test")
        try ingest(3, from: "cy@elsewhere.test")
        // The admin puts cy in Globex: the next ticket is Globex's, the earlier one stays as it was.
        _ = try store.setContact(address: "cy@elsewhere.test", organization: .value("globex"), manager: .unchanged, at: C.t0)
        try ingest(4, from: "cy@elsewhere.test")
        // And takes ann out of Acme.
        _ = try store.setContact(address: "ann@eu.acme.test", organization: .none, manager: .unchanged, at: C.t0)
        try ingest(5, from: "ann@eu.acme.test")

        let tickets = try store.tickets(status: nil, mailbox: nil)
        #expect(tickets.map(\.organization) == ["Acme", "Globex", nil, "Globex", nil])
        #expect(tickets.map(\.priority) == [.high, .normal, .normal, .normal, .normal])
        #expect(try store.tickets(matching: TicketFilter(organization: "GLOBEX")).map(\.key) == ["SUPP-2", "SUPP-4"])
        #expect(try store.tickets(matching: TicketFilter(organization: "acme")).map(\.key) == ["SUPP-1"])
        #expect(try store.tickets(matching: TicketFilter(organization: "Initech")).isEmpty)
    }
}
