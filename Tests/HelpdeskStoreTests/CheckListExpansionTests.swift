import GRDB
@testable import HelpdeskStore
import Testing

/// The CHECK lists rewritten by migration v17 accept what they accepted before and no longer
/// build a lookup table on every insert.
@Suite("CHECK lists spelt out")
struct CheckListExpansionTests {
    @Test(arguments: [
        ("CHECK (status IN ('new','open','closed'))", "CHECK ((status = 'new' OR status = 'open' OR status = 'closed'))"),
        ("CHECK (a IN ('x', 'y',  'z','w'))", "CHECK ((a = 'x' OR a = 'y' OR a = 'z' OR a = 'w'))"),
        // Two values: SQLite compares them directly, the text stays.
        ("CHECK (role IN ('requester','cc'))", "CHECK (role IN ('requester','cc'))"),
        ("CHECK (\"duration\" > 0)", "CHECK (\"duration\" > 0)"),
        ("x TEXT CHECK (k IN ('a','b','c')), y TEXT CHECK (m IN ('p','q','r'))",
         "x TEXT CHECK ((k = 'a' OR k = 'b' OR k = 'c')), y TEXT CHECK ((m = 'p' OR m = 'q' OR m = 'r'))"),
        ("CHECK (k IN ('a,b','c','d'))", "CHECK ((k = 'a,b' OR k = 'c' OR k = 'd'))"),
        // Left alone: a negated list, a qualified column, a quote inside a value.
        ("CHECK (k NOT IN ('a','b','c'))", "CHECK (k NOT IN ('a','b','c'))"),
        ("CHECK (t.k IN ('a','b','c'))", "CHECK (t.k IN ('a','b','c'))"),
        ("CHECK (k IN ('it''s','b','c'))", "CHECK (k IN ('it''s','b','c'))"),
    ])
    func listsOfThreeOrMoreAreSpeltOut(sql: String, expected: String) {
        #expect(CheckListExpansion.expanded(sql) == expected)
    }

    /// Each rewritten table accepts and refuses the same values as the original text, NULL included.
    @Test func theSpeltOutCheckAcceptsTheSameValues() throws {
        let original = "CREATE TABLE t (k TEXT CHECK (k IN ('new','open','on_hold','closed')))"
        let queues = try [original, CheckListExpansion.expanded(original)].map { sql in
            let queue = try DatabaseQueue()
            try queue.write { try $0.execute(sql: sql) }
            return queue
        }
        #expect(CheckListExpansion.expanded(original) != original)
        for value in ["new", "open", "on_hold", "closed", "NEW", "opened", "", " new", nil] as [String?] {
            let accepted = queues.map { queue in
                (try? queue.write { try $0.execute(sql: "INSERT INTO t VALUES (?)", arguments: [value]) }) != nil
            }
            #expect(accepted[0] == accepted[1], "value \(value ?? "NULL")")
            #expect(accepted[0] == (value == nil || ["new", "open", "on_hold", "closed"].contains(value!)))
        }
    }

    /// After the migrations no insert of the tables a new message writes builds a lookup table
    /// (SQLite's OpenEphemeral), and the stored schema has no IN list of three or more left.
    @Test func migratedTablesInsertWithoutLookupTables() throws {
        let store = try HelpdeskDatabase.inMemory()
        try store.writer.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'")
            #expect(tables.contains("ticket") && tables.contains("ticket_event") && tables.contains("outbox"))
            for table in tables {
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                let insert = "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES (\(columns.map { _ in "?" }.joined(separator: ",")))"
                let nulls = StatementArguments(columns.map { _ in nil as String? })
                let opcodes = try Row.fetchAll(db, sql: "EXPLAIN " + insert, arguments: nulls).map { $0["opcode"] as String }
                #expect(!opcodes.contains("OpenEphemeral"), "table \(table)")
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = ?", arguments: [table]) ?? ""
                #expect(CheckListExpansion.expanded(sql) == sql, "table \(table)")
            }
        }
    }
}
