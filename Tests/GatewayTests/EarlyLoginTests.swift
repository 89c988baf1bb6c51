import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import Logging
import MailgateTestSupport
import Synchronization
import Testing

/// `helpdesk poll` logs its IMAP connections in while the gateway reads its templates and opens
/// the store; the first poll takes them. Nothing may be lost to that head start, a failed
/// set-up must not leave them behind, and a failed login reads as it did before.
@Suite("IMAP logins started while the gateway is set up", .timeLimit(.minutes(5)))
struct EarlyLoginTests {
    private static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func theFirstPollTakesTheConnectionsAndLosesNothingThatArrivesMeanwhile() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Waiting in the backlog")
        let log = DovecotLog(desk.servers)
        // The harness logs in too, to see mail arrive; its lines may reach the log late.
        let before = try log.settledLogins()
        let gateway = try HelpdeskGateway(settings: desk.fixture.settings, logger: Self.quiet, loggingInEarly: { $0 == "support" })
        #expect(gateway.earlyLogins.withLock { Set($0.keys) } == ["support"])
        // Both connections log in with no poll asking.
        try log.wait("two early logins") { try $0.logins() >= before + 2 }
        #expect(try log.settledLogins() == before + 2)

        // Sent after the first connection may have asked for the folder's STATUS: this poll or
        // the next one records it, once.
        try desk.send(from: "carol", subject: "Arrived after the logins")
        let sent = try log.settledLogins()
        let first = try gateway.pollOnce()
        #expect(first.map(\.error) == [nil])
        #expect(try log.settledLogins() == sent, "the poll took both connections and opened none of its own")
        let second = try gateway.pollOnce()
        #expect(second.map(\.error) == [nil])
        #expect(first[0].ticketsCreated + second[0].ticketsCreated == 2)
        let subjects = try gateway.database.tickets(status: nil, mailbox: nil).map(\.subject).sorted()
        #expect(subjects == ["Arrived after the logins", "Waiting in the backlog"])
    }

    @Test func onlyTheMailboxesAboutToBePolledLogInEarly() throws {
        let desk = try HelpDesk(configure: { try $0.addMailbox("sales", key: "SALE", agents: ["dana"]) })
        defer { desk.stop() }
        let gateway = try HelpdeskGateway(settings: desk.fixture.settings, logger: Self.quiet, loggingInEarly: { $0 == "sales" })
        #expect(gateway.earlyLogins.withLock { Set($0.keys) } == ["sales"])
        let summaries = try gateway.pollOnce(mailbox: "sales")
        #expect(summaries.map(\.mailbox) == ["sales"])
        #expect(summaries.map(\.error) == [nil])

        // Other commands log in nowhere.
        let other = try HelpdeskGateway(settings: desk.fixture.settings, logger: Self.quiet)
        #expect(other.earlyLogins.withLock { $0.isEmpty })
    }

    @Test func brokenTemplatesStopTheStartAndTheLoginsAreDropped() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        let log = DovecotLog(desk.servers)
        let before = try log.settledLogins()
        let leftBefore = try log.disconnects()
        let empty = try TemporaryDirectory(prefix: "mailgate-no-templates")
        var settings = desk.fixture.settings
        settings.templatesDirectory = empty.url.path
        #expect(throws: TemplateProblems.self) {
            _ = try HelpdeskGateway(settings: settings, logger: Self.quiet, loggingInEarly: { _ in true })
        }
        // Each connection that logged in goes away again: the server sees both leave.
        try log.wait("the early connections to leave") { log in
            let logins = try log.logins() - before
            return try logins == 2 && log.disconnects() - leftBefore >= logins
        }
    }

    @Test func aRefusedLoginReadsAsItDidWithoutTheHeadStart() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        let wrong = desk.fixture.directory.path("wrong-password")
        try "not the password\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let path = desk.fixture.directory.path("mailboxes/support.yaml")
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        try yaml.replacingOccurrences(of: desk.servers.passwordFile, with: wrong).write(toFile: path, atomically: true, encoding: .utf8)

        let early = try HelpdeskGateway(settings: desk.fixture.settings, logger: Self.quiet, loggingInEarly: { _ in true })
        let late = try HelpdeskGateway(settings: desk.fixture.settings, logger: Self.quiet)
        let earlyError = try #require(early.pollOnce().first?.error)
        let lateError = try #require(late.pollOnce().first?.error)
        #expect(earlyError == lateError)
        #expect(earlyError.lowercased().contains("login") || earlyError.lowercased().contains("auth"), "\(earlyError)")
    }
}

/// Counts what the test Dovecot logged about IMAP sessions.
private struct DovecotLog {
    let path: String

    init(_ servers: MailServers) {
        path = servers.directory.path("dovecot.log")
    }

    func logins() throws -> Int { try count("imap-login: Info: Login: ") }

    func disconnects() throws -> Int { try count("Info: Disconnected") }

    private func count(_ marker: String) throws -> Int {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { $0.contains(marker) && !$0.contains("imap-login: Info: Disconnected") }.count
    }

    /// The logins once no new one has been logged for 300 ms.
    func settledLogins() throws -> Int {
        var last = try logins()
        try wait("the log to settle") { log in
            Thread.sleep(forTimeInterval: 0.3)
            let now = try log.logins()
            defer { last = now }
            return now == last
        }
        return last
    }

    /// Waits up to 20 s for `done`; throws naming `what` when it never comes.
    func wait(_ what: String, until done: (DovecotLog) throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while try !done(self) {
            guard Date() < deadline else { throw HarnessError("no \(what) in \(path) after 20 s") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
