import Foundation
import HelpdeskPostgres
import Testing

/// Reading `database: postgres://…` and the password's environment variable or file.
struct PostgresSettingsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var url: String
        var expected: PostgresSettings?
        /// A part of the message when `expected` is nil.
        var error: String = ""
        var testDescription: String { url }
    }

    static let cases: [Case] = [
        Case(url: "postgres://mailgate@db.example.test/helpdesk",
             expected: PostgresSettings(host: "db.example.test", user: "mailgate", database: "helpdesk")),
        Case(url: "postgresql://gw@10.0.0.5:6543/hd?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem",
             expected: PostgresSettings(host: "10.0.0.5", port: 6543, user: "gw", database: "hd", tls: .verifyFull, caFile: "/etc/ssl/db-ca.pem")),
        // Every mode that asks for TLS checks the certificate and the name.
        Case(url: "postgres://gw@db/hd?sslmode=require", expected: PostgresSettings(host: "db", user: "gw", database: "hd", tls: .verifyFull)),
        Case(url: "postgres://gw@db/hd?sslmode=disable", expected: PostgresSettings(host: "db", user: "gw", database: "hd")),
        Case(url: "postgres://gw:secret@db/hd", error: "holds a password"),
        Case(url: "postgres://db/hd", error: "names no user"),
        Case(url: "postgres://gw@db", error: "names no database"),
        Case(url: "postgres://gw@db/hd?sslmode=allow", error: "sslmode 'allow' is not known"),
        Case(url: "postgres://gw@db/hd?application_name=x", error: "'application_name' is not known"),
        Case(url: "mysql://gw@db/hd", error: "is not a PostgreSQL URL"),
    ]

    @Test(arguments: cases) func parses(_ c: Case) {
        do {
            let settings = try PostgresSettings(url: c.url, environment: [:])
            #expect(settings == c.expected)
        } catch {
            #expect(c.expected == nil, "\(error)")
            #expect(error.description.contains(c.error), "\(error)")
            #expect(!error.description.contains("secret"))
        }
    }

    @Test func passwordComesFromTheEnvironmentOrAFile() throws {
        let url = "postgres://gw@db/hd"
        #expect(try PostgresSettings(url: url, environment: ["MAILGATE_DATABASE_PASSWORD": "pw1"]).password == "pw1")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pg-pw-\(UUID().uuidString)")
        try "pw2\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try PostgresSettings(url: url, environment: ["MAILGATE_DATABASE_PASSWORD_FILE": file.path]).password == "pw2")
        // The variable wins over the file.
        #expect(try PostgresSettings(url: url, environment: ["MAILGATE_DATABASE_PASSWORD": "pw1", "MAILGATE_DATABASE_PASSWORD_FILE": file.path]).password == "pw1")
        #expect(throws: PostgresSettingsError.self) { try PostgresSettings(url: url, environment: ["MAILGATE_DATABASE_PASSWORD_FILE": "/nonexistent/pw"]) }
        #expect(try PostgresSettings(url: url, environment: ["MAILGATE_DATABASE_PASSWORD": "pw1"]).displayURL == "postgres://gw@db:5432/hd")
    }
}
