import Foundation
@testable import Gateway
import HelpdeskStore
import Testing

/// A poll keeps its raw messages one file per batch, on real Dovecot; the database says where
/// each one is, and retention removes a pack with its last kept message.
@Suite("Raw messages in packs", .timeLimit(.minutes(5)))
struct RawMessagePackTests {
    @Test("a poll's raw messages go to one pack, each found at its place byte for byte; retention removes the pack")
    func pollPacksItsRawMessages() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        for n in 1...3 { try desk.send(from: "alice", subject: "Request \(n)", body: "Number \(n), please.\n") }
        let onServer = try desk.servers.messages(user: "support")
        try desk.cycle()

        let gateway = try desk.gateway
        let rows = try desk.database.inboundMessages(mailbox: nil)
        #expect(rows.count == 3)
        let packs = Set(rows.compactMap(\.rawPack))
        #expect(packs.count == 1, "one batch, one file")
        for (row, raw) in zip(rows, onServer) {
            let pack = try #require(row.rawPack)
            let offset = try #require(row.rawOffset)
            #expect(row.rawKept)
            #expect(try gateway.data.packs.read(pack: pack, offset: offset, size: row.size, sha256: row.sha256) == raw)
            #expect(!gateway.data.messages.contains(row.sha256), "no file of its own as well")
        }
        let pack = try #require(packs.first.flatMap(gateway.data.packs.path(for:)))
        #expect(FileManager.default.fileExists(atPath: pack))

        // The shipped retention is 90 days.
        desk.clock.advance(89 * 86_400)
        #expect(try gateway.pruneRawMessages() == PruneSummary())
        #expect(FileManager.default.fileExists(atPath: pack))
        desk.clock.advance(2 * 86_400)
        #expect(try gateway.pruneRawMessages() == PruneSummary(messages: 3, files: 1))
        #expect(!FileManager.default.fileExists(atPath: pack))
        #expect(try desk.database.inboundMessages(mailbox: nil).allSatisfy { !$0.rawKept })
    }
}
