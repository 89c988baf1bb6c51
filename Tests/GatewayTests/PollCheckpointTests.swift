import Foundation
@testable import Gateway
@testable import HelpdeskStore
import Testing

/// A poll that recorded mail has its SQLite log copied into the file right after its last batch,
/// beside its last flags, rather than when the store closes (`InboundStore.pollRecorded`).
@Suite("The end of a poll checkpoints the log", .timeLimit(.minutes(5)))
struct PollCheckpointTests {
    @Test func aPollThatRecordedMailAsksForACheckpointAndAQuietOneDoesNot() throws {
        let desk = try HelpDesk(store: .sqlite)
        defer { desk.stop() }
        let database = try #require(try desk.gateway.database as? HelpdeskDatabase)
        let checkpointer = try #require(database.checkpointer)
        try desk.send(from: "alice", subject: "One message, far fewer rows than a checkpoint's share")
        checkpointer.wait()
        let before = checkpointer.completed
        #expect(try desk.gateway.pollOnce().map(\.ticketsCreated) == [1])
        checkpointer.wait()
        #expect(checkpointer.completed == before + 1)
        #expect(checkpointer.rowsSinceRequest < WALCheckpointer.rowsPerCheckpoint)

        // Nothing new: nothing asked.
        #expect(try desk.gateway.pollOnce().map(\.ticketsCreated) == [0])
        checkpointer.wait()
        #expect(checkpointer.completed == before + 1)
    }
}
