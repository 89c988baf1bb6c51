import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

/// Several processes on one database, each with its own store, recording at the same moment:
/// what two gateways sharing a database (or a gateway and the command line) must never break.
@Suite("Store contract: instances recording at once", .timeLimit(.minutes(10)))
struct ConcurrentInstancesContractTests {
    typealias C = Contract

    @Test("new tickets from several instances at once are numbered without a duplicate or a gap", arguments: StoreBackend.shared)
    func ticketNumbersHaveNoGapsUnderRaces(backend: StoreBackend) throws {
        let (stores, cleanup) = try backend.make(instances: 2)
        defer { cleanup() }
        let ids = TestMessageIDs()
        let perWorker = 15
        // Four workers, two per instance, each recording its own messages (own UIDs, Message-IDs).
        _ = try onThreads(4) { worker in
            let store = stores[worker % 2]
            for n in 0..<perWorker {
                let uid = UInt32(worker * 1000 + n + 1)
                try C.ingest(store, C.identity(uid, messageID: "w\(worker)-\(n)@x.test"), C.content(from: "r\(worker)@x.test"), ids: ids)
            }
        }
        let keys = try stores[0].tickets(status: nil, mailbox: nil).map(\.key)
        #expect(keys.count == 4 * perWorker)
        #expect(Set(keys) == Set((1...(4 * perWorker)).map { "SUPP-\($0)" }))
        #expect(try stores[1].outbox(status: nil).count == 4 * perWorker, "each new ticket queued its acknowledgement")
    }

    @Test("one message read from two mailboxes by two instances at once becomes one ticket", arguments: StoreBackend.shared)
    func oneMessageReadTwiceAtOnceIsOneTicket(backend: StoreBackend) throws {
        let (stores, cleanup) = try backend.make(instances: 2)
        defer { cleanup() }
        let ids = TestMessageIDs()
        for round in 0..<10 {
            let messageID = "cc-\(round)@x.test"
            _ = try onThreads(2) { index in
                let mailbox = ["support", "sales"][index]
                try C.ingest(stores[index], C.identity(UInt32(round + 1), mailbox: mailbox, messageID: messageID), C.content(), ids: ids)
            }
        }
        let rows = try stores[0].inboundMessages(mailbox: nil)
        #expect(rows.count == 20)
        #expect(rows.filter { $0.outcome == .ticketCreated }.count == 10)
        #expect(rows.filter { $0.outcome == .duplicate }.count == 10)
        #expect(try stores[0].tickets(status: nil, mailbox: nil).count == 10)
    }

    @Test("an SLA notice recorded by several instances at once is recorded and mailed once", arguments: StoreBackend.shared)
    func anSLANoticeIsRecordedOnceUnderRaces(backend: StoreBackend) throws {
        let (stores, cleanup) = try backend.make(instances: 2)
        defer { cleanup() }
        let id = try SLAContractTests.seeded(stores[0])
        let now = C.at(61 * 60)
        let breach = try #require(try stores[0].dueSLANotices(now: now).first { $0.target == .firstResponse })
        let recorded = try onThreads(4) { worker in
            try stores[worker % 2].recordSLANotice(breach, at: now, policies: ["support": SLAContractTests.policy]) { ticket, clock in
                SLANoticeRules.decide(.breach, ticket: ticket, clock: clock, at: now, rules: SLAContractTests.support) { _ in "breach-\(worker)@x.test" }
            }
        }
        #expect(recorded.filter { $0 }.count == 1)
        #expect(try SLAContractTests.slaMail(stores[1]).count == 1)
        #expect(try stores[1].history(ticketId: id).filter { $0.kind == .sla }.count == 1)
    }
}
