import GRDB
@testable import HelpdeskStore
import Testing

/// Queries that run for every message or mail of a backlog find their rows along an index, not by
/// reading a table whose size grows with the backlog.
@Suite("Query plans")
struct QueryPlanTests {
    func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
        let store = try HelpdeskDatabase.inMemory()
        return try store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "; ")
        }
    }

    @Test(arguments: [
        ("SELECT COUNT(*) FROM outbox WHERE status = 'withheld' AND recipients = ? AND next_attempt_at > ?",
         ["a@x.test", "2026-01-01"] as StatementArguments, "outbox_withheld_by_recipient"),
        ("SELECT number FROM ticket INDEXED BY ticket_number WHERE key LIKE ? ORDER BY number DESC LIMIT 1",
         ["SUPP-%"] as StatementArguments, "ticket_number"),
        ("SELECT EXISTS (SELECT 1 FROM inbound_message WHERE mailbox = ? AND uid_validity = ? AND uid = ?)",
         ["support", 1, 2] as StatementArguments, "USING"),
        // A reply's References, looked up for every follow-up: our mail, then the messages received.
        (HelpdeskDatabase.ticketByMessageIDSQL, ["ack@x.test"] as StatementArguments, "SEARCH outbox USING INDEX sqlite_autoindex_outbox"),
        ("SELECT id FROM outbox WHERE claimed_by = ?", ["pid 1 abc"] as StatementArguments, "outbox_claimed_by"),
    ] as [(String, StatementArguments, String)])
    func usesItsIndex(sql: String, arguments: StatementArguments, index: String) throws {
        let detail = try plan(sql, arguments)
        #expect(detail.contains(index), "\(detail)")
        #expect(!["outbox", "inbound_message", "ticket_message"].contains { detail.contains("SCAN \($0)") }, "\(detail)")
    }
}
