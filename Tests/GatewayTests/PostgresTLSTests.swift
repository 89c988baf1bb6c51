import Foundation
import HelpdeskPostgres
import MailgateTestSupport
import Testing

/// TLS to the database, as the URL asks: verified against the CA file, or refused.
@Suite(.timeLimit(.minutes(10)))
struct PostgresTLSTests {
    @Test func verifiedTLSConnectsAndAnythingLessIsRefused() throws {
        let certificates = try TestCertificates()
        let server = try PostgresTestServer.withTLS(certificates: certificates.directory.url.path)
        let password = try String(contentsOfFile: server.passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let base = "postgres://mailgate@127.0.0.1:\(server.port)/mailgate"
        func open(_ url: String) throws -> PostgresStore {
            try PostgresStore(settings: try PostgresSettings(url: url, environment: ["MAILGATE_DATABASE_PASSWORD": password]))
        }

        let verified = try open("\(base)?sslmode=verify-full&sslrootcert=\(certificates.caFile)")
        #expect(try verified.appliedMigrations() == PostgresStore.migrationNames)
        verified.close()

        // The server takes TCP only with TLS: a URL without sslmode is refused, saying why.
        let plain = #expect(throws: PostgresStoreError.self) { try open(base) }
        #expect(plain?.description.contains("no pg_hba.conf entry") == true, "\(plain?.description ?? "")")
        // A certificate from a CA the URL does not trust: no connection.
        let untrusted = #expect(throws: PostgresStoreError.self) { try open("\(base)?sslmode=verify-full&sslrootcert=\(certificates.otherCAFile)") }
        #expect(untrusted?.description.contains("127.0.0.1:\(server.port)") == true, "\(untrusted?.description ?? "")")
        #expect(untrusted?.description.contains(password) == false)
    }
}
