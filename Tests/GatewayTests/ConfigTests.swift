import Foundation
@testable import Gateway
import HelpdeskCore
import MailTransport
import Testing
import MailgateTestSupport

@Suite("Mailbox config")
struct ConfigTests {
    static let valid = """
        address: support@example.test
        key: supp
        imap:
          url: imap://127.0.0.1:10143/INBOX
          username: support@example.test
          password_env: SUPPORT_IMAP_PASSWORD
        smtp:
          url: smtp://127.0.0.1:10025
        agents:
          - email: Bob@Example.test
            name: Bob
        """

    @Test func readsTheShippedShape() throws {
        let config = try MailboxConfig.parse(yaml: Self.valid, file: "mailboxes/support.yaml")
        #expect(config.name == "support")
        #expect(config.keyPrefix == "SUPP")
        #expect(config.imap?.endpoint.baseURL == "imap://127.0.0.1:10143")
        #expect(config.imap?.endpoint.path == "INBOX")
        #expect(config.imap?.password == .environment("SUPPORT_IMAP_PASSWORD"))
        #expect(config.smtp.endpoint.security == .none)
        #expect(config.agents == [.init(email: "bob@example.test", name: "Bob")])
        #expect(config.maximumMessageSize == MailboxConfig.defaultMaximumMessageSize)
    }

    @Test func theShippedFileLoads() throws {
        let directory = try ConfigDirectory.load(path: RepoPaths.root.appendingPathComponent("mailboxes").path)
        #expect(directory.mailboxes.map(\.name) == ["support"])
    }

    @Test func conversationSettingsHaveDefaultsAndAreRead() throws {
        let defaults = try MailboxConfig.parse(yaml: Self.valid, file: "support.yaml")
        #expect(defaults.maximumAttachmentSize == MailboxConfig.defaultMaximumAttachmentSize)
        #expect(defaults.rawMessageRetentionDays == 90)
        #expect(defaults.strangers == .newTicket)
        let set = try MailboxConfig.parse(
            yaml: Self.valid + "\nmax_attachment_size: 512KB\nkeep_raw_messages: 2w\nstranger_follow_ups: internal_note", file: "support.yaml")
        #expect(set.maximumAttachmentSize == 512 << 10)
        #expect(set.rawMessageRetentionDays == 14)
        #expect(set.strangers == .internalNote)
        #expect(try MailboxConfig.parse(yaml: Self.valid + "\nkeep_raw_messages: forever", file: "s.yaml").rawMessageRetentionDays == nil)
        #expect(try MailboxConfig.parse(yaml: Self.valid + "\nkeep_raw_messages: 0", file: "s.yaml").rawMessageRetentionDays == 0)
    }

    @Test func agentSettingsAreRead() throws {
        let yaml = Self.valid.replacingOccurrences(of: "    name: Bob", with: "    name: Bob\n    skills: [Billing, vpn]\n    away: true")
            + "\nassignment: least_open\nreply_token_secret_env: SECRET\nreply_token_days: 7\nauthserv_id: MX.Example.test"
            + "\nskills:\n  - skill: billing\n    keywords: [invoice, refund]\n    tags: billing"
        let config = try MailboxConfig.parse(yaml: yaml, file: "support.yaml")
        #expect(config.assignment == .leastOpen)
        #expect(config.agents.first?.skills == ["billing", "vpn"] && config.agents.first?.away == true)
        #expect(config.replyTokenSecret == .environment("SECRET") && config.replyTokenDays == 7)
        #expect(config.authservID == "mx.example.test")
        #expect(config.skillRules == [SkillRule(skill: "billing", keywords: ["invoice", "refund"], tags: ["billing"])])
        #expect(config.agent(named: "Bob")?.email == "bob@example.test")
        #expect(config.agent(named: "bob")?.email == "bob@example.test")
        #expect(config.agent(named: "zed") == nil)
        let short = try MailboxConfig.parse(yaml: Self.valid + "\nreply_token_secret_env: SECRET", file: "support.yaml")
        #expect(throws: ConfigError.self) { try ReplySecrets.load([short], environment: ["SECRET": "too-short"]) }
        #expect(try ReplySecrets.load([short], environment: ["SECRET": String(repeating: "k", count: 32)])["support"]?.count == 32)
    }

    @Test func aMailboxFedOnlyByTheMTANeedsNoIMAP() throws {
        let yaml = Self.valid.replacingOccurrences(of: "imap:\n  url: imap://127.0.0.1:10143/INBOX\n  username: support@example.test\n  password_env: SUPPORT_IMAP_PASSWORD\n", with: "")
        let config = try MailboxConfig.parse(yaml: yaml, file: "pipe.yaml")
        #expect(config.imap == nil)
        #expect(try config.resolvedEndpoints(environment: [:]).imap == nil)
    }

    /// Each broken file must name the field and say what to do.
    static let broken: [(yaml: String, field: String, says: String)] = [
        (valid.replacingOccurrences(of: "address: support@example.test\n", with: ""), "address", "missing"),
        (valid.replacingOccurrences(of: "address: support@example.test", with: "address: support"), "address", "not an email address"),
        (valid.replacingOccurrences(of: "key: supp", with: "key: S"), "key", "2 to 16 letters"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "http://x/"), "imap.url", "imap:// or imaps://"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://u:p@x/INBOX"), "imap.url", "not in the URL"),
        (valid.replacingOccurrences(of: "password_env: SUPPORT_IMAP_PASSWORD", with: "password: hunter2"), "imap.password", "unknown field"),
        (valid.replacingOccurrences(of: "password_env: SUPPORT_IMAP_PASSWORD", with: "pasword_env: X"), "imap.pasword_env", "unknown field"),
        (valid.replacingOccurrences(of: "  password_env: SUPPORT_IMAP_PASSWORD\n", with: ""), "imap.password_env", "missing"),
        (valid.replacingOccurrences(of: "  username: support@example.test\n", with: ""), "imap.username", "missing"),
        (valid.replacingOccurrences(of: "smtp:\n  url: smtp://127.0.0.1:10025", with: "smtp: 5"), "smtp", "mapping"),
        (valid.replacingOccurrences(of: "  - email: Bob@Example.test", with: "  - mail: bob@example.test"), "agents[0].mail", "unknown field"),
        (valid + "\nmax_message_size: lots", "max_message_size", "not a size"),
        (valid + "\ncolour: blue", "colour", "unknown field"),
        (valid + "\nmax_attachment_size: -3", "max_attachment_size", "not a size"),
        (valid + "\nkeep_raw_messages: a while", "keep_raw_messages", "not a period"),
        (valid + "\nstranger_follow_ups: ignore", "stranger_follow_ups", "new_ticket, internal_note"),
        (valid + "\nassignment: random", "assignment", "manual, round_robin, least_open"),
        (valid + "\nreply_token_days: 0", "reply_token_days", "1 to 365"),
        (valid + "\nreply_token_secret_env: A\nreply_token_secret_file: /b", "reply_token_secret_file", "not both"),
        (valid + "\nskills:\n  - keywords: [invoice]", "skills[0].skill", "missing"),
        (valid.replacingOccurrences(of: "    name: Bob", with: "    name: Bob\n    away: maybe"), "agents[0].away", "true or false"),
        ("address: [unclosed", "", "not valid YAML"),
        ("", "", "empty"),
    ]

    @Test(arguments: broken)
    func brokenFilesSayWhere(yaml: String, field: String, says: String) {
        do {
            _ = try MailboxConfig.parse(yaml: yaml, file: "mailboxes/support.yaml")
            Issue.record("accepted a broken file")
        } catch {
            #expect(error.field == field)
            #expect(error.description.contains(says), "\(error)")
            #expect(error.description.hasPrefix("mailboxes/support.yaml"))
        }
    }

    @Test func unsetPasswordVariableIsNamed() throws {
        let config = try MailboxConfig.parse(yaml: Self.valid, file: "mailboxes/support.yaml")
        #expect {
            _ = try config.resolvedEndpoints(environment: [:])
        } throws: { error in
            "\(error)".contains("SUPPORT_IMAP_PASSWORD is not set")
        }
        let resolved = try config.resolvedEndpoints(environment: ["SUPPORT_IMAP_PASSWORD": "pw"])
        #expect(resolved.imap?.password == "pw")
    }

    @Test func passwordFileIsReadWithoutTrailingNewline() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mailgate-pw-\(UUID().uuidString)")
        try Data("s3cret\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let yaml = Self.valid.replacingOccurrences(of: "password_env: SUPPORT_IMAP_PASSWORD", with: "password_file: \(file.path)")
        let config = try MailboxConfig.parse(yaml: yaml, file: "m.yaml")
        #expect(try config.resolvedEndpoints(environment: [:]).imap?.password == "s3cret")
        let missing = Self.valid.replacingOccurrences(of: "password_env: SUPPORT_IMAP_PASSWORD", with: "password_file: /nonexistent/pw")
        #expect(throws: ConfigError.self) { try MailboxConfig.parse(yaml: missing, file: "m.yaml").resolvedEndpoints(environment: [:]) }
    }

    @Test func duplicatePrefixesAcrossFilesAreRefused() throws {
        let directory = try TemporaryDirectory()
        try Self.valid.write(toFile: directory.path("a.yaml"), atomically: true, encoding: .utf8)
        try Self.valid.replacingOccurrences(of: "support@example.test", with: "sales@example.test")
            .write(toFile: directory.path("b.yaml"), atomically: true, encoding: .utf8)
        #expect {
            _ = try ConfigDirectory.load(path: directory.url.path)
        } throws: { error in
            "\(error)".contains("ticket key prefix 'SUPP' is also used")
        }
    }

    @Test(arguments: [("a@b.example", true), ("a@localhost", true), ("@b.example", false), ("a@b", false),
                      ("a b@c.example", false), ("a@.example", false), ("a@example.", false), ("a@b@c.example", false), ("", false)])
    func addressPlausibility(text: String, plausible: Bool) {
        #expect(MailboxConfig.isPlausibleAddress(text) == plausible)
    }

    @Test(arguments: [("25MB", 25 << 20), ("512KB", 512 << 10), ("1000", 1000), ("2 GB", 2 << 30), ("x", nil), ("99999999999GB", nil)])
    func sizes(text: String, bytes: Int?) {
        #expect(ByteSize.parse(text) == bytes)
    }
}
