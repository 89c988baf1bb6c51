import Foundation
import HelpdeskCore
import HelpdeskStore
import Testing

/// The step a batch waits for before its commit (the flush of the files its records name).
@Suite("Store contract: a batch's step before its commit")
struct BatchCommitContractTests {
    typealias C = Contract

    private struct FlushFailed: Error {}

    private final class Calls: @unchecked Sendable {
        var count = 0
    }

    private func recordTwo(_ recorder: any InboundRecorder) throws {
        for uid in [UInt32(1), 2] {
            _ = try recorder.record(
                C.identity(uid, messageID: "m\(uid)@x.test"), C.content(subject: "Printer \(uid)"), lookup: InboundLookup(keyPrefix: "SUPP")
            ) { snapshot in
                var plan = RecordingContractTests.handMadePlan()
                plan.ticket.ticket.number = snapshot.nextNumber
                plan.ticket.ticket.key = "SUPP-\(snapshot.nextNumber)"
                plan.ticket.mail = []
                return plan
            }
        }
    }

    @Test("when it fails, nothing the batch recorded is kept", arguments: StoreBackend.all)
    func failingStepKeepsNothing(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let calls = Calls()
        #expect(throws: FlushFailed.self) {
            try store.recordingBatch(beforeCommit: {
                calls.count += 1
                throw FlushFailed()
            }) { recorder in try recordTwo(recorder) }
        }
        #expect(calls.count == 1)
        #expect(try store.inboundMessages(mailbox: nil).isEmpty)
        #expect(try store.tickets(status: nil, mailbox: nil).isEmpty)
        #expect(try store.cursor(mailbox: "support") == nil, "the cursor did not move either")
    }

    @Test("when it succeeds, the batch is kept, and it ran once", arguments: StoreBackend.all)
    func succeedingStepKeepsTheBatch(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let calls = Calls()
        try store.recordingBatch(beforeCommit: { calls.count += 1 }) { recorder in try recordTwo(recorder) }
        #expect(calls.count == 1)
        #expect(try store.inboundMessages(mailbox: nil).count == 2)
        #expect(try store.tickets(status: nil, mailbox: nil).map(\.key).sorted() == ["SUPP-1", "SUPP-2"])
    }
}
