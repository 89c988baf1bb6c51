import Foundation
import HelpdeskStore
import MailgateTestSupport
import Testing

/// Leases: who works which mailbox when several instances share a database.
@Suite("Store contract: leases", .timeLimit(.minutes(10)))
struct LeaseContractTests {
    typealias C = Contract

    @Test("a lease is taken when free, refused while another's runs, renewed by its holder, taken once lapsed", arguments: StoreBackend.all)
    func leaseLifecycle(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.leases().isEmpty)
        #expect(try store.acquireLease("mailbox:support", holder: "a", for: 30, at: C.t0))
        #expect(try !store.acquireLease("mailbox:support", holder: "b", for: 30, at: C.at(10)), "a's lease runs until t0+30")
        #expect(try store.acquireLease("mailbox:support", holder: "a", for: 30, at: C.at(20)), "a renews")
        #expect(try !store.acquireLease("mailbox:support", holder: "b", for: 30, at: C.at(40)), "the renewal runs until t0+50")
        #expect(try store.leases() == [Lease(name: "mailbox:support", holder: "a", acquiredAt: C.t0, expiresAt: C.at(50))])
        // Other names are separate.
        #expect(try store.acquireLease("mailbox:sales", holder: "b", for: 30, at: C.at(40)))
        #expect(try store.acquireLease("mailbox:support", holder: "b", for: 30, at: C.at(50)), "lapsed at t0+50: b takes it")
        #expect(try store.leases() == [
            Lease(name: "mailbox:sales", holder: "b", acquiredAt: C.at(40), expiresAt: C.at(70)),
            Lease(name: "mailbox:support", holder: "b", acquiredAt: C.at(50), expiresAt: C.at(80)),
        ])
        #expect(try !store.acquireLease("mailbox:support", holder: "a", for: 30, at: C.at(60)), "a lost it for good")
    }

    @Test("several leases are taken in one call, each with whom it was taken from; force takes running ones", arguments: StoreBackend.all)
    func batchAndForce(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.acquireLeases(["m:a", "m:b"], holder: "x", for: 30, at: C.t0, force: false)
            == [LeaseGrant(name: "m:a", previousHolder: nil), LeaseGrant(name: "m:b", previousHolder: nil)])
        // y gets only what is free or lapsed; a renewal by x names nobody.
        #expect(try store.acquireLeases(["m:a", "m:c"], holder: "y", for: 30, at: C.at(10), force: false) == [LeaseGrant(name: "m:c", previousHolder: nil)])
        #expect(try store.acquireLeases(["m:a"], holder: "x", for: 30, at: C.at(20), force: false) == [LeaseGrant(name: "m:a", previousHolder: nil)])
        #expect(try store.acquireLeases(["m:b"], holder: "y", for: 30, at: C.at(31), force: false) == [LeaseGrant(name: "m:b", previousHolder: "x")])
        // A store only one instance opens: the restarted instance takes its old self's leases at once.
        #expect(try store.acquireLeases(["m:a", "m:c"], holder: "z", for: 30, at: C.at(32), force: true)
            == [LeaseGrant(name: "m:a", previousHolder: "x"), LeaseGrant(name: "m:c", previousHolder: "y")])
        #expect(try store.leases().map(\.holder) == ["z", "y", "z"])
    }

    @Test("a released lease is free at once; only its holder releases it", arguments: StoreBackend.all)
    func release(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(try store.acquireLease("sla", holder: "a", for: 30, at: C.t0))
        try store.releaseLease("sla", holder: "b")
        #expect(try !store.acquireLease("sla", holder: "b", for: 30, at: C.at(1)), "b's release of a's lease does nothing")
        try store.releaseLease("sla", holder: "a")
        #expect(try store.leases().isEmpty)
        #expect(try store.acquireLease("sla", holder: "b", for: 30, at: C.at(2)))
    }

    @Test("of several instances racing for one lapsed lease, exactly one wins", arguments: StoreBackend.shared)
    func oneWinnerUnderRaces(backend: StoreBackend) throws {
        let (stores, cleanup) = try backend.make(instances: 2)
        defer { cleanup() }
        for round in 0..<20 {
            let now = C.at(Double(round) * 100)
            let wins = try onThreads(4) { worker in
                try stores[worker % 2].acquireLease("mailbox:support", holder: "w\(worker)-r\(round)", for: 30, at: now)
            }
            #expect(wins.filter { $0 }.count == 1, "round \(round)")
        }
    }
}
