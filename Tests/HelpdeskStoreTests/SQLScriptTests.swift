@testable import HelpdeskPostgres
import Testing

/// Splitting a migration into statements at the semicolons that end them.
struct SQLScriptTests {
    @Test(arguments: [
        ("SELECT 1; SELECT 2;", ["SELECT 1", "SELECT 2"]),
        ("SELECT 'a;b'; SELECT \"x;y\" FROM t", ["SELECT 'a;b'", "SELECT \"x;y\" FROM t"]),
        ("SELECT 'it''s; fine'; SELECT 3", ["SELECT 'it''s; fine'", "SELECT 3"]),
        ("-- a comment; not a statement\nSELECT 1;", ["SELECT 1"]),
        ("CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql; SELECT f()",
         ["CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql", "SELECT f()"]),
        ("DO $body$ BEGIN PERFORM 1; END $body$; SELECT $1", ["DO $body$ BEGIN PERFORM 1; END $body$", "SELECT $1"]),
        ("  ;  ; ", []),
    ])
    func splits(_ script: String, _ expected: [String]) {
        #expect(SQLScript.statements(script) == expected)
    }
}
