import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME

/// A gateway installation on private mail servers, with the moves of a conversation: people send
/// mail through the MTA, the gateway polls and sends, and everyone's inbox can be read back.
final class HelpDesk {
    let servers: MailServers
    let fixture: GatewayFixture
    private var gatewayValue: HelpdeskGateway?
    /// What the gateway takes for now; tests move it forward.
    let clock = TestClock()
    /// Messages expected in each support user's INBOX, so a send waits until it has arrived.
    private var expected: [String: Int] = [:]

    /// `extra` goes into support.yaml; `configure` may add more mailboxes before the first poll.
    /// `store`: the backend, when a test needs one in particular.
    init(
        extra: String = "", maximumMessageSize: String = "25MB", agents: [String] = ["bob"], store: TestStoreKind = .selected,
        configure: (GatewayFixture) throws -> Void = { _ in }
    ) throws {
        servers = try MailServers()
        do {
            fixture = try GatewayFixture(servers: servers, maximumMessageSize: maximumMessageSize, agents: agents, extra: extra, store: store)
            try configure(fixture)
        } catch {
            servers.stop()
            throw error
        }
    }

    func stop() { servers.stop() }

    // The gateway's connections close before the fixture drops its database.
    deinit { gatewayValue = nil }

    var gateway: HelpdeskGateway {
        get throws {
            if let gatewayValue { return gatewayValue }
            let made = try fixture.gateway(now: clock.now)
            gatewayValue = made
            return made
        }
    }

    /// The gateway's store, on whichever backend the tests run.
    var database: any TicketStore {
        get throws { try gateway.database }
    }

    /// Forgets the gateway object, as a restart of the process would.
    func restart() { gatewayValue = nil }

    /// Sends `message` as is to the envelope recipient `rcpt`, which delivers into `user`'s INBOX.
    func sendRaw(from: String, rcpt: String, user: String, _ message: String) throws {
        try servers.send(from: "\(from)@example.test", to: [rcpt], message)
        let count = (expected[user] ?? 0) + 1
        expected[user] = count
        try servers.waitForMessages(user: user, count: count)
    }

    /// Waits for one more message in `user`'s INBOX that nobody in the test sent (a bounce the
    /// MTA returns), so later sends count it.
    func expectArrival(user: String, timeout: Double = 20) throws {
        let count = (expected[user] ?? 0) + 1
        expected[user] = count
        try servers.waitForMessages(user: user, count: count, timeout: timeout)
    }

    /// Sends a message from `from@example.test`; `to` and `cc` are user names. Returns its Message-ID.
    @discardableResult
    func send(
        from: String, to: [String] = ["support"], cc: [String] = [], subject: String, body: String = "Hello.\n",
        inReplyTo: String? = nil, references: [String] = [], headers: [String] = [], mime: String? = nil
    ) throws -> String {
        let id = "\(UUID().uuidString.lowercased())@client.example.test"
        var lines = [
            "From: \(from.capitalized) <\(from)@example.test>",
            "To: \(to.map { "\($0)@example.test" }.joined(separator: ", "))",
        ]
        if !cc.isEmpty { lines.append("Cc: \(cc.map { "\($0)@example.test" }.joined(separator: ", "))") }
        lines += ["Subject: \(subject)", "Message-ID: <\(id)>", "Date: Tue, 24 Nov 2026 09:12:00 +0100"]
        if let inReplyTo { lines.append("In-Reply-To: <\(inReplyTo)>") }
        if !references.isEmpty { lines.append("References: \(references.map { "<\($0)>" }.joined(separator: " "))") }
        lines += headers
        let message = lines.joined(separator: "\n") + "\n" + (mime ?? "Content-Type: text/plain; charset=utf-8\n\n\(body)")
        let recipients = to + cc
        try servers.send(from: "\(from)@example.test", to: recipients.map { "\($0)@example.test" }, message)
        // One at a time: the UIDs then follow the order a person would have sent them in.
        for user in Set(recipients) {
            let count = (expected[user] ?? 0) + 1
            expected[user] = count
            try servers.waitForMessages(user: user, count: count)
        }
        return id
    }

    /// One poll of every mailbox and one outbox run, as `helpdesk poll --once` does.
    @discardableResult
    func cycle() throws -> [PollSummary] {
        let summaries = try gateway.pollOnce()
        let errors = summaries.compactMap(\.error)
        guard errors.isEmpty else { throw HarnessError("poll failed: \(errors)") }
        let sent = try gateway.dispatchOutbox()
        guard sent.retrying == 0 && sent.failed == 0 else { throw HarnessError("outbox: \(sent)") }
        return summaries
    }

    func ticket(_ key: String) throws -> TicketRecord {
        guard let ticket = try database.ticket(key: key) else { throw HarnessError("no ticket \(key)") }
        return ticket
    }

    func comments(_ key: String) throws -> [CommentRecord] {
        try database.comments(ticketId: try ticket(key).id ?? 0)
    }

    func participants(_ key: String) throws -> [String] {
        try database.participants(ticketId: try ticket(key).id ?? 0).map(\.address)
    }

    func setStatus(_ key: String, _ status: String) throws {
        try database.rawSQL("UPDATE ticket SET status = '\(status)' WHERE key = '\(key)'")
    }

    /// The messages in `user`'s INBOX once there are `count` of them, parsed.
    func inbox(_ user: String, count: Int) throws -> [Message] {
        try servers.waitForMessages(user: user, count: count)
        return try servers.messages(user: user).map(Message.parse)
    }

    /// The Message-ID of the last message the gateway sent to `user`.
    func lastSent(to user: String) throws -> String {
        guard let row = try database.outbox().last(where: { $0.recipientList.contains("\(user)@example.test") }) else {
            throw HarnessError("nothing was sent to \(user)")
        }
        return row.messageId
    }
}
