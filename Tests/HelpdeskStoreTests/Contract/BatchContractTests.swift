import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Store contract: a batch keeps each message's outcome apart")
struct BatchContractTests {
    typealias C = Contract

    /// Fails after its ticket and comment are written: its attachment's size breaks a CHECK.
    static func failingMidway() -> InboundContent {
        var content = C.content(from: "bob@x.test", subject: "Scanner")
        content.attachments = [AttachmentDraft(sha256: "ab", filename: "a.txt", contentType: "text/plain", size: -1, isInline: false, contentID: nil)]
        return content
    }

    @Test("a message that fails half-written is undone alone; the group's messages before it are kept", arguments: StoreBackend.all)
    func aFailingMessageIsUndoneAlone(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        let messages = [
            (C.identity(1, messageID: "a@x.test"), C.content()),
            (C.identity(2, messageID: "b@x.test"), Self.failingMidway()),
            (C.identity(3, messageID: "c@x.test"), C.content(from: "carol@x.test", subject: "Fax")),
        ]
        var passes = 0
        let (results, failure) = try store.recordingBatch { recorder in
            try recorder.recordingGroup({ recorder -> ([IngestResult], (any Error)?) in
                passes += 1
                var results: [IngestResult] = []
                for (identity, content) in messages {
                    do {
                        results.append(try recorder.ingest(identity, content: content, rules: C.support, messageIDs: ids))
                    } catch {
                        // As the poller does: the poll stops at the first message that fails.
                        return (results, error)
                    }
                }
                return (results, nil)
            }, failed: { $0.1 != nil })
        }
        #expect(failure != nil)
        #expect(results.map(\.ticket?.key) == ["SUPP-1"])
        // SQLite records the group under one savepoint first, then again message by message;
        // PostgreSQL isolates each message from the start.
        #expect(passes == (backend.name == "PostgreSQL" ? 1 : 2))
        // The first message whole, nothing of the second: no ticket, comment, mail or record.
        #expect(try store.tickets(status: nil, mailbox: nil).map(\.key) == ["SUPP-1"])
        #expect(try store.comments(ticketId: try C.ticketID(store, "SUPP-1")).count == 1)
        #expect(try store.inboundMessages(mailbox: nil).map(\.uid) == [1])
        #expect(try store.outbox(status: nil).count == 1)
        #expect(try store.cursor(mailbox: "support")?.lastUid == 1)
        // The next poll records the rest as if the failure had never been.
        #expect(try C.ingest(store, messages[2].0, messages[2].1, ids: ids).ticket?.key == "SUPP-2")
    }

    @Test("a group with no failure is recorded once, whole", arguments: StoreBackend.all)
    func aGroupWithoutFailureRunsOnce(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        var passes = 0
        let keys = try store.recordingBatch { recorder in
            try recorder.recordingGroup({ recorder -> [String?] in
                passes += 1
                return try (1...3 as ClosedRange<UInt32>).map { uid in
                    try recorder.ingest(C.identity(uid, messageID: "m\(uid)@x.test"), content: C.content(subject: "Printer \(uid)"),
                                        rules: C.support, messageIDs: ids).ticket?.key
                }
            }, failed: { _ in false })
        }
        #expect(passes == 1)
        #expect(keys == ["SUPP-1", "SUPP-2", "SUPP-3"])
        #expect(try store.inboundMessages(mailbox: nil).count == 3)
    }

    @Test("a group that throws keeps nothing of the transaction", arguments: StoreBackend.all)
    func aThrowingGroupKeepsNothing(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        #expect(throws: Contract.Unexpected.self) {
            try store.recordingBatch { recorder in
                try recorder.recordingGroup({ recorder in
                    _ = try recorder.ingest(C.identity(1, messageID: "a@x.test"), content: C.content(), rules: C.support)
                    throw Contract.Unexpected()
                }, failed: { _ in false })
            }
        }
        #expect(try store.tickets(status: nil, mailbox: nil).isEmpty)
        #expect(try store.inboundMessages(mailbox: nil).isEmpty)
    }
}
