import Foundation
import HelpdeskCore
import HelpdeskPostgres
import HelpdeskStore
import MailgateTestSupport
import Testing

/// `helpdesk migrate-store`'s copy: an SQLite installation in PostgreSQL, read back the same.
@Suite(.timeLimit(.minutes(10)))
struct PostgresCopyTests {
    typealias C = Contract

    /// An SQLite store with a bit of everything: tickets in two mailboxes, a follow-up, an SLA
    /// notice, mail sent with its bytes, a poll state, a refresh token.
    static func seeded(_ sqlite: HelpdeskDatabase) throws {
        let ids = TestMessageIDs(domain: "copy.test")
        _ = try SLAContractTests.seeded(sqlite)
        for n in 2...4 { try C.ingest(sqlite, C.identity(UInt32(n), messageID: "m\(n)@x.test"), C.content(subject: "Case \(n)"), ids: ids) }
        try C.ingest(sqlite, C.identity(1, mailbox: "sales", messageID: "s1@x.test"), C.content(from: "carol@x.test"), ids: ids)
        try C.ingest(sqlite, C.identity(5, messageID: "m5@x.test"), C.content(subject: "Re: [SUPP-2] Case 2"), ids: ids)
        let breach = try #require(try sqlite.dueSLANotices(now: C.at(61 * 60)).first)
        _ = try sqlite.recordSLANotice(breach, at: C.at(61 * 60), policies: ["support": SLAContractTests.policy]) { ticket, clock in
            SLANoticeRules.decide(.breach, ticket: ticket, clock: clock, at: C.at(61 * 60), rules: SLAContractTests.support) { _ in "breach@x.test" }
        }
        let claimed = try sqlite.claimDueOutbox(mailbox: nil, owner: "o", now: C.at(7200), lease: 60, limit: 2)
        for row in claimed {
            try sqlite.markSent(outboxId: try #require(row.id), owner: "o", at: C.at(7201),
                                rendered: RenderedMessage(envelopeFrom: "bounce@x.test", bytes: Array("bytes of \(row.messageId)\r\n".utf8)))
        }
        try sqlite.recordPoll(PollReport(mailbox: "support", at: C.at(7300), duration: 1.5, error: nil, unrecorded: 0, interval: 60))
        try sqlite.keep(KeptRefreshToken(key: "support/imap", token: "rt-1", seed: "abc", keptAt: C.at(10)))
    }

    /// Everything the store protocols show, for comparing two stores.
    static func everything(_ store: any TicketStore) throws -> String {
        var lines: [String] = []
        for ticket in try store.tickets() {
            let id = try #require(ticket.id)
            lines.append("\(ticket)")
            lines.append("\(try store.comments(ticketId: id))")
            lines.append("\(try store.history(ticketId: id))")
            lines.append("\(try store.participants(ticketId: id, includingRemoved: true))")
            lines.append("\(try store.tags(ticketId: id)) \(try store.sla(ticketId: id)) \(try store.slaNotices(ticketId: id))")
            lines.append("\(try store.attachments(ticketId: id))")
        }
        lines.append("\(try store.outbox())")
        lines.append("\(try store.inboundMessages())")
        lines.append("\(try store.cursor(mailbox: "support").map { "\($0)" } ?? "-") \(try store.cursor(mailbox: "sales").map { "\($0)" } ?? "-")")
        lines.append("\(try store.pollStates())")
        lines.append("\(try store.refreshToken(key: "support/imap").map { "\($0.token) \($0.seed) \($0.keptAt)" } ?? "-")")
        return lines.joined(separator: "\n")
    }

    @Test func aCopyReadsBackAsTheOriginalAndWorksOn() throws {
        let directory = try TemporaryDirectory(prefix: "mailgate-copy")
        let sqlite = try HelpdeskDatabase(path: directory.path("helpdesk.sqlite"))
        try Self.seeded(sqlite)
        let database = try PostgresTestServer.shared().makeDatabase()
        defer { database.drop() }
        let postgres = try PostgresStore(settings: database.settings)
        defer { postgres.close() }
        // A poll state an instance wrote on start is replaced by the copy's.
        try postgres.recordPoll(PollReport(mailbox: "support", at: C.at(1), duration: 9, error: "old", unrecorded: nil, interval: nil))

        let copied = try postgres.copy(from: sqlite)
        #expect(copied.map(\.table) == HelpdeskDatabase.exportedTables)
        #expect(copied.allSatisfy { $0.source == $0.copied })
        #expect(copied.first { $0.table == "ticket" }?.copied == 5)
        #expect(try Self.everything(postgres) == Self.everything(sqlite))

        // It works on: numbers and ids continue after the copied ones.
        let next = try C.ingest(postgres, C.identity(9, messageID: "m9@x.test"), C.content(subject: "New"), ids: TestMessageIDs(domain: "after-copy.test"))
        guard case .ticketCreated(let ticket, let comment) = next else { Issue.record("\(next)"); return }
        #expect(ticket.key == "SUPP-5")
        let highestComment = try sqlite.tickets().flatMap { try sqlite.comments(ticketId: $0.id ?? 0) }.compactMap(\.id).max() ?? 0
        #expect(ticket.id == 6)
        #expect((comment.id ?? 0) > highestComment)

        // Into a database that holds tickets: refused, and nothing changes.
        let before = try Self.everything(postgres)
        let refused = #expect(throws: PostgresStoreError.self) { try postgres.copy(from: sqlite) }
        #expect(refused?.description.contains("already holds") == true, "\(refused?.description ?? "")")
        #expect(try Self.everything(postgres) == before)
    }
}
