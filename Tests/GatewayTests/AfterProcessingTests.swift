import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import MailTransport
import Testing

/// `after_processing:` on the real Dovecot: recorded mail is moved or deleted, only after the
/// commit, and never a message that was not recorded.
@Suite("After processing on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct AfterProcessingTests {
    func folder(_ desk: HelpDesk, _ name: String) throws -> (count: Int, flagged: Int) {
        let client = try IMAPClient(endpoint: desk.servers.imapEndpoint(user: "support", folder: name))
        let status = try client.status()
        let flagged = status.messages == 0 ? 0 : try client.search("ALL KEYWORD $Helpdesk-Processed").count
        return (Int(status.messages), flagged)
    }

    @Test func recordedMailIsMovedToAFolderThatIsCreatedWhenMissing() throws {
        let desk = try HelpDesk(extra: "after_processing:\n  move: Processed")
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Printer jammed")
        try desk.send(from: "erin", subject: "VPN down")
        try desk.cycle()
        #expect(try desk.ticket("SUPP-2").subject == "VPN down")
        #expect(try folder(desk, "INBOX").count == 0, "moved out of the inbox")
        #expect(try folder(desk, "Processed") == (2, 2), "in the folder, with the keyword")

        // The harness counts what it sent into the inbox; the inbox is empty now, so send by hand.
        try desk.servers.send(from: "carol@example.test", to: ["support@example.test"],
                              "From: carol@example.test\r\nSubject: Invoice\r\nMessage-ID: <invoice-1@example.test>\r\n\r\nHi.\r\n")
        _ = try desk.servers.waitForMessages(user: "support", count: 1)
        try desk.cycle()
        #expect(try folder(desk, "Processed").count == 3)
        #expect(try desk.database.tickets().count == 3, "no message was recorded twice")
    }

    @Test func messagesLeftFlaggedInTheInboxAreMovedOnTheNextPoll() throws {
        // As after a crash between flagging and moving: flagged, recorded, still in the inbox.
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Printer jammed")
        try desk.cycle()
        #expect(try folder(desk, "INBOX") == (1, 1))

        try desk.fixture.addMailbox("support", key: "SUPP", agents: ["bob"], extra: "after_processing:\n  move: Done")
        desk.restart()
        try desk.cycle()
        #expect(try folder(desk, "INBOX").count == 0)
        #expect(try folder(desk, "Done").count == 1)
        #expect(try desk.database.tickets().count == 1)
    }

    @Test func recordedMailIsDeletedOnceOlderThanDeleteAfter() throws {
        let desk = try HelpDesk(extra: "after_processing:\n  delete_after: 7d")
        defer { desk.stop() }
        // One message that arrived 10 days ago (APPEND with its date), one today.
        let append = try ChildProcess("/usr/bin/python3", ["-c", """
            import imaplib, sys, time
            m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.login("support@example.test", open(sys.argv[2]).read().strip())
            msg = b"From: alice@example.test\\r\\nSubject: Old request\\r\\nMessage-ID: <old-1@example.test>\\r\\n\\r\\nOld.\\r\\n"
            typ, _ = m.append("INBOX", None, time.time() - 10 * 86400, msg); assert typ == "OK"
            """, "\(desk.servers.imapPort)", desk.servers.passwordFile])
        #expect(try append.finish(seconds: 30) == 0, "\(append.stderr)")
        try desk.send(from: "erin", subject: "New request")
        try desk.cycle()
        #expect(try desk.database.tickets().count == 2, "both recorded first")
        #expect(try folder(desk, "INBOX") == (2, 2), "deletion comes after the commit, on a later poll")

        try desk.cycle()
        #expect(try folder(desk, "INBOX") == (1, 1), "the old one is gone, the new one stays")
        #expect(try desk.database.tickets().count == 2)
    }

    @Test(arguments: [
        ("after_processing: flag", AfterProcessing.flag),
        ("after_processing:\n  move: Archive/Help", AfterProcessing.move(folder: "Archive/Help")),
        ("after_processing:\n  delete_after: 30d", AfterProcessing.deleteAfter(days: 30)),
    ])
    func parses(yaml: String, expected: AfterProcessing) throws {
        #expect(try MailboxConfig.parse(yaml: Self.base + yaml, file: "support.yaml").afterProcessing == expected)
    }

    @Test(arguments: ["after_processing: archive", "after_processing:\n  delete_after: soon", "after_processing:\n  delete_after: 0d",
                      "after_processing:\n  other: x"])
    func refuses(yaml: String) {
        #expect(throws: (any Error).self) { try MailboxConfig.parse(yaml: Self.base + yaml, file: "support.yaml") }
    }

    static let base = """
        address: support@example.test
        key: SUPP
        smtp:
          url: smtp://127.0.0.1:10025

        """
}
