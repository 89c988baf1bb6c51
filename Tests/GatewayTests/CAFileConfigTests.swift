import Foundation
@testable import Gateway
import MailTransport
import MailgateTestSupport
import Testing

/// `ca_file:` in a mailbox's `imap:` and `smtp:` sections: read into the endpoint, and checked
/// when the config is read, so a wrong path is not first noticed at a connection.
@Suite("ca_file config")
struct CAFileConfigTests {
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    static func yaml(imapCAFile: String?, smtpCAFile: String? = nil) -> String {
        """
        address: support@example.test
        key: SUPP
        imap:
          url: imaps://mail.example.test:993/INBOX
          username: support@example.test
          password_env: SUPPORT_IMAP_PASSWORD
        \(imapCAFile.map { "  ca_file: \($0)" } ?? "")
        smtp:
          url: smtps://mail.example.test:465
        \(smtpCAFile.map { "  ca_file: \($0)" } ?? "")
        agents:
          - email: bob@example.test
        """
    }

    @Test func isReadIntoBothEndpoints() throws {
        let directory = try TemporaryDirectory()
        let imapCA = directory.path("imap-ca.pem"), smtpCA = directory.path("smtp-ca.pem")
        try Self.pem.write(toFile: imapCA, atomically: true, encoding: .utf8)
        try Self.pem.write(toFile: smtpCA, atomically: true, encoding: .utf8)
        let config = try MailboxConfig.parse(yaml: Self.yaml(imapCAFile: imapCA, smtpCAFile: smtpCA), file: "mailboxes/support.yaml")
        #expect(config.imap?.endpoint.caFile == imapCA)
        #expect(config.smtp.endpoint.caFile == smtpCA)
        // Certificates are still checked: ca_file adds a CA, it does not turn checking off.
        #expect(config.imap?.endpoint.verifyPeer == true)
        let (imap, smtp) = try config.resolvedEndpoints(environment: ["SUPPORT_IMAP_PASSWORD": "x"])
        #expect(imap?.caFile == imapCA)
        #expect(smtp.caFile == smtpCA)
    }

    @Test func isOptional() throws {
        let config = try MailboxConfig.parse(yaml: Self.yaml(imapCAFile: nil), file: "mailboxes/support.yaml")
        #expect(config.imap?.endpoint.caFile == nil)
        #expect(config.smtp.endpoint.caFile == nil)
    }

    @Test func aMissingFileIsNamedWithItsField() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path("no-such-ca.pem")
        let error = try #require(throws: ConfigError.self) {
            try MailboxConfig.parse(yaml: Self.yaml(imapCAFile: nil, smtpCAFile: missing), file: "mailboxes/support.yaml")
        }
        #expect(error.field == "smtp.ca_file")
        #expect(error.description.contains("\(missing) does not exist"), "\(error)")
        #expect(error.description.contains("PEM file"), "\(error)")
    }

    @Test func aFolderIsRefused() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: ConfigError.self) {
            try MailboxConfig.parse(yaml: Self.yaml(imapCAFile: directory.url.path), file: "mailboxes/support.yaml")
        }
        #expect(error.field == "imap.ca_file")
        #expect(error.description.contains("is a folder"), "\(error)")
    }

    @Test func aFileWithoutAPEMCertificateIsRefused() throws {
        let directory = try TemporaryDirectory()
        let der = directory.path("ca.der")
        try Data([0x30, 0x82, 0x01, 0x0a]).write(to: URL(fileURLWithPath: der))
        let error = try #require(throws: ConfigError.self) {
            try MailboxConfig.parse(yaml: Self.yaml(imapCAFile: der), file: "mailboxes/support.yaml")
        }
        #expect(error.field == "imap.ca_file")
        #expect(error.description.contains("holds no PEM certificate"), "\(error)")
        #expect(error.description.contains("openssl x509 -inform der"), "\(error)")
    }

    // A file that exists and that even root cannot read (its first byte is unmapped memory):
    // permissions alone would not stop the root user the tests run as.
    @Test func anUnreadableFileIsRefused() throws {
        let unreadable = "/proc/self/mem"
        let error = try #require(throws: ConfigError.self) {
            try MailboxConfig.parse(yaml: Self.yaml(imapCAFile: unreadable), file: "mailboxes/support.yaml")
        }
        #expect(error.description.contains("cannot read \(unreadable)"), "\(error)")
    }

    @Test func everyProblemIsReportedTogether() throws {
        // A ca_file problem does not hide the section's other problems (ConfigDirectory lists all).
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
        let yaml = Self.yaml(imapCAFile: directory.path("nope.pem")).replacingOccurrences(of: "  url: smtps://mail.example.test:465", with: "  url: ftp://x")
        try yaml.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
        let problems: [ConfigError]
        do {
            _ = try ConfigDirectory.load(path: directory.path("mailboxes"))
            problems = []
        } catch {
            problems = error.problems
        }
        #expect(problems.map(\.field).contains("imap.ca_file"), "\(problems)")
        #expect(problems.map(\.field).contains("smtp.url"), "\(problems)")
    }
}
