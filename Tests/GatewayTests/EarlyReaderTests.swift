import Foundation
@testable import Gateway
import HelpdeskStore
import Synchronization
import Testing

/// The reading connection logs in beside the first one when a poll expects mail, and only once
/// there is mail when the last poll found none; either way every message is read.
@Suite("Reading connection opened early or late", .timeLimit(.minutes(5)))
struct EarlyReaderTests {
    @Test func aQuietMailboxOpensItsReaderOnlyForMail() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        let gateway = try desk.gateway
        func quiet() -> Bool { gateway.quietMailboxes.withLock { $0.contains("support") } }

        #expect(!quiet(), "the first poll of a process expects mail")
        try desk.cycle()
        #expect(quiet(), "nothing was there")
        try desk.cycle()
        #expect(quiet())

        // Found by a poll that opened its reader only after the search.
        try desk.send(from: "alice", subject: "After a quiet spell")
        let late = try desk.cycle()
        #expect(late.map(\.ticketsCreated) == [1])
        #expect(!quiet())

        // And by one that opened it early, beside the first login.
        try desk.send(from: "carol", subject: "Right after")
        let early = try desk.cycle()
        #expect(early.map(\.ticketsCreated) == [1])
        #expect(try desk.database.tickets(status: nil, mailbox: nil).map(\.subject).sorted() == ["After a quiet spell", "Right after"])
    }
}
