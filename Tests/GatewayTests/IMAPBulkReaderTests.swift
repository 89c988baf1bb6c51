import Foundation
import MailgateTestSupport
import MailTransport
import Testing

/// Many messages per FETCH against the real Dovecot: the same bytes as one fetch per message,
/// whatever the bodies hold, and no flag changed.
@Suite("IMAP bulk reader", .serialized, .timeLimit(.minutes(5)))
struct IMAPBulkReaderTests {
    /// Bodies that would confuse a line reader: a line like the reader's own tagged answer, a
    /// literal announcement, a lone ")" and 8-bit text; and one large message.
    static let bodies = [
        "Hello.\r\n",
        "i2 OK UID FETCH completed\r\ni3 OK\r\n* 1 FETCH (UID 99 BODY[] {3}\r\n)\r\n",
        "Grüße aus Köln, \u{1F5A8}\r\n{12}\r\n",
        String(repeating: "A line of a long message, to span many reads.\r\n", count: 12_000),
    ]

    @Test func readsTheSameBytesAsSingleFetchesAndChangesNoFlag() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        for (index, body) in Self.bodies.enumerated() {
            try servers.send(from: "alice@example.test", to: ["support@example.test"],
                             "From: alice@example.test\nTo: support@example.test\nSubject: bulk \(index)\nMessage-ID: <bulk-\(index)@example.test>\n\n\(body)")
        }
        let status = try servers.waitForMessages(user: "support", count: Self.bodies.count)
        let single = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        let uids = try single.uids(after: 0, below: status.uidNext)
        #expect(uids.count == Self.bodies.count)

        let reader = try IMAPBulkReader(endpoint: servers.imapEndpoint(user: "support"))
        #expect(reader.uidValidity == status.uidValidity)
        let missing = status.uidNext + 5
        let sizes = try reader.sizes(of: uids + [missing])
        let messages = try reader.messages(uids + [missing])
        #expect(Set(messages.keys) == Set(uids), "a UID the folder does not hold is absent")
        for uid in uids {
            let expected = try single.fetch(uid: uid)
            #expect(messages[uid] == expected, "UID \(uid)")
            #expect(sizes[uid] == expected.count, "UID \(uid)")
        }
        // Twice over the same connection: the first answer was read to its end.
        #expect(try reader.messages(Array(uids.prefix(2))).count == 2)

        // EXAMINE and BODY.PEEK: the messages are still unseen (the single fetches above set \Seen
        // on theirs, so ask a fresh message).
        try servers.send(from: "alice@example.test", to: ["support@example.test"], "Subject: unseen\n\nx\n")
        let later = try servers.waitForMessages(user: "support", count: Self.bodies.count + 1)
        let check = try IMAPClient(endpoint: servers.imapEndpoint(user: "support"))
        let fresh = try #require(try check.uids(after: uids.last ?? 0, below: later.uidNext).first)
        #expect(try IMAPBulkReader(endpoint: servers.imapEndpoint(user: "support")).messages([fresh]).count == 1)
        #expect(try check.search("UID \(fresh) UNSEEN") == [fresh])
    }
}
