import GRDB
@testable import HelpdeskStore
import Testing

/// The lookups a recorded message makes step their statement themselves: rows, no rows, NULL,
/// arguments in order, text cut at a NUL as everywhere else, and SQLite's errors all come back
/// as they would through GRDB.
@Suite("Integer lookups stepped directly")
struct FirstIntegerTests {
    @Test func rowsNoRowsNullAndArgumentsInOrder() throws {
        let database = try HelpdeskDatabase.inMemory()
        try database.writer.write { (db: Database) throws -> Void in
            try db.execute(sql: "CREATE TABLE pair (a TEXT, b TEXT, n INTEGER)")
            try db.execute(sql: "INSERT INTO pair VALUES ('x', 'y', 7), ('y', 'x', 8), ('z', 'z', NULL)")
            #expect(try db.firstInteger("SELECT n FROM pair WHERE a = ? AND b = ?", "x", "y") == 7)
            #expect(try db.firstInteger("SELECT n FROM pair WHERE a = ? AND b = ?", "y", "x") == 8)
            #expect(try db.firstInteger("SELECT n FROM pair WHERE a = ? AND b = ?", "x", "x") == nil)
            #expect(try db.firstInteger("SELECT n FROM pair WHERE a = ? AND b = ?", "z", "z") == nil)
            // The same cached statement again, after a row was left unread.
            #expect(try db.firstInteger("SELECT n FROM pair WHERE a = ? AND b = ?", "x", "y") == 7)
            // Cut at the NUL, as GRDB binds text: "x\0tail" is looked up as "x".
            #expect(try db.firstInteger("SELECT n FROM pair WHERE a = ?1 AND b = 'y'", "x\u{0}tail") == 7)
        }
    }

    @Test func anErrorWhileSteppingIsThrown() throws {
        let database = try HelpdeskDatabase.inMemory()
        try database.writer.write { (db: Database) throws -> Void in
            #expect(throws: DatabaseError.self) {
                _ = try db.firstInteger("SELECT abs(-9223372036854775807 - 1) WHERE ?1 = ?1", "a")
            }
            // The statement is usable again afterwards.
            #expect(try db.firstInteger("SELECT length(?1)", "abc") == 3)
        }
    }
}
