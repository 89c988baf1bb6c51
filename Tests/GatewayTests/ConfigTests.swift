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
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://127.0.0.1:99999"), "imap.url", "port '99999' in 'imap://127.0.0.1:99999' is out of range; a port is a number from 1 to 65535"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://127.0.0.1:0/INBOX"), "imap.url", "from 1 to 65535"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://127.0.0.1:143x/INBOX"), "imap.url", "port '143x'"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://127.0.0.1:/INBOX"), "imap.url", "':' but no port"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://:10143/INBOX"), "imap.url", "has no host"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap:///INBOX"), "imap.url", "has no host"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap//127.0.0.1:10143"), "imap.url", "is not a URL"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://mail example.test/INBOX"), "imap.url", "contains a space"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://mail!.example.test/INBOX"), "imap.url", "not a host name"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://[::1/INBOX"), "imap.url", "never closes it"),
        (valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "smtp://127.0.0.1:10025"), "imap.url", "scheme 'smtp'"),
        (valid.replacingOccurrences(of: "smtp://127.0.0.1:10025", with: "imap://127.0.0.1:10143"), "smtp.url", "not a smtp:// or smtps:// URL"),
        (valid.replacingOccurrences(of: "smtp://127.0.0.1:10025", with: "smtps://127.0.0.1:70000"), "smtp.url", "1 to 65535"),
        (valid.replacingOccurrences(of: "password_env: SUPPORT_IMAP_PASSWORD", with: "password: hunter2"), "imap.password", "use password_env or password_file"),
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

    @Test(arguments: [
        ("imap://127.0.0.1:10143/INBOX", "imap://127.0.0.1:10143"), ("imaps://mail.example.test/INBOX", "imaps://mail.example.test"),
        ("imap://mail.example.test:65535", "imap://mail.example.test:65535"), ("imap://[::1]:143/INBOX", "imap://[::1]:143"),
        ("IMAPS://Mail.Example.test:993/Support%20Inbox", "imaps://Mail.Example.test:993"), ("imap://mail_1.example.test:1", "imap://mail_1.example.test:1"),
    ])
    func usableServerURLsAreTaken(url: String, base: String) throws {
        let config = try MailboxConfig.parse(yaml: Self.valid.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: url), file: "s.yaml")
        #expect(config.imap?.endpoint.baseURL == base)
    }

    /// `files` written into a fresh directory.
    static func directory(_ files: [String: String]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(prefix: "mailgate-config")
        for (name, text) in files {
            try text.write(toFile: directory.path(name), atomically: false, encoding: .utf8)
        }
        return directory
    }

    /// The problems `ConfigDirectory.load` throws for `directory`; none when it loads.
    static func problems(_ directory: TemporaryDirectory) -> [ConfigError] {
        do {
            _ = try ConfigDirectory.load(path: directory.url.path)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func everyProblemOfEveryFileIsReportedInOnePass() throws {
        let directory = try Self.directory([
            "a.yaml": Self.valid.replacingOccurrences(of: "address: support@example.test", with: "address: support")
                .replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: "imap://127.0.0.1:99999")
                .replacingOccurrences(of: "    name: Bob", with: "    name: Bob\n    away: maybe")
                + "\ncolour: blue\nmax_message_size: lots\nreply_token_days: 0",
            "b.yaml": Self.valid.replacingOccurrences(of: "key: supp", with: "key: S")
                .replacingOccurrences(of: "smtp://127.0.0.1:10025", with: "http://127.0.0.1:10025")
                .replacingOccurrences(of: "address: support@example.test", with: "address: b@example.test"),
            "c.yaml": Self.valid.replacingOccurrences(of: "key: supp", with: "key: ok")
                .replacingOccurrences(of: "address: support@example.test", with: "address: c@example.test"),
            "d.yaml": "address: [unclosed",
        ])
        let problems = Self.problems(directory)
        let found = problems.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent) \($0.field)" }
        // Files in name order, each file's problems in the order the parser meets them.
        #expect(found == [
            "a.yaml colour", "a.yaml address", "a.yaml imap.url", "a.yaml agents[0].away", "a.yaml max_message_size",
            "a.yaml reply_token_days", "b.yaml key", "b.yaml smtp.url", "d.yaml ",
        ], "\(problems)")
        // One line per problem, each naming its file and field.
        let lines = ConfigProblems(problems).description.split(separator: "\n")
        #expect(lines.count == problems.count)
        #expect(lines.contains { $0.contains("a.yaml:") && $0.contains("field 'imap.url': port '99999'") })
        #expect(lines.contains { $0.contains("b.yaml:") && $0.contains("field 'smtp.url'") && $0.contains("smtp:// or smtps://") })
    }

    @Test func aBrokenFieldDoesNotCascade() throws {
        // A section that is not a mapping is one problem, not one per field it should have had.
        let smtp = Self.valid.replacingOccurrences(of: "smtp:\n  url: smtp://127.0.0.1:10025", with: "smtp: 5")
        #expect(MailboxConfig.read(yaml: smtp, file: "s.yaml").problems.map(\.field) == ["smtp"])
        // A password in the file is one problem; password_env is not also "missing".
        let password = Self.valid.replacingOccurrences(of: "password_env: SUPPORT_IMAP_PASSWORD", with: "password: hunter2")
        #expect(MailboxConfig.read(yaml: password, file: "s.yaml").problems.map(\.field) == ["imap.password"])
        // An unreadable username is reported as such, not also as missing.
        let username = Self.valid.replacingOccurrences(of: "username: support@example.test", with: "username: [a, b]")
        #expect(MailboxConfig.read(yaml: username, file: "s.yaml").problems.map(\.field) == ["imap.username"])
    }

    /// Which file is blamed for a clash, and whom it names: the later one in name order.
    static let clashes: [(files: [String: String], blamed: String, field: String, says: String)] = [
        (["a.yaml": valid, "b.yaml": valid.replacingOccurrences(of: "address: support@example.test", with: "address: sales@example.test")],
         "b.yaml", "key", "ticket key prefix 'SUPP' is also used by {dir}/a.yaml"),
        // Name order, not the order the files were made or listed in.
        (["zeta.yaml": valid, "alpha.yaml": valid.replacingOccurrences(of: "key: supp", with: "key: alpha")],
         "zeta.yaml", "address", "support address 'support@example.test' is also used by {dir}/alpha.yaml"),
        // A prefix differing only in case is the same prefix.
        (["a.yaml": valid, "b.yaml": valid.replacingOccurrences(of: "key: supp", with: "key: SUPP").replacingOccurrences(of: "address: support@", with: "address: b@")],
         "b.yaml", "key", "'SUPP' is also used by {dir}/a.yaml"),
        // The earlier file's own problems do not hide the clash.
        (["a.yaml": valid.replacingOccurrences(of: "smtp://127.0.0.1:10025", with: "smtp://x:0"),
          "b.yaml": valid.replacingOccurrences(of: "address: support@example.test", with: "address: b@example.test")],
         "b.yaml", "key", "'SUPP' is also used by {dir}/a.yaml"),
        (["support.yaml": valid, "support.yml": valid.replacingOccurrences(of: "key: supp", with: "key: other").replacingOccurrences(of: "address: support@", with: "address: o@")],
         "support.yml", "", "mailbox name 'support' is also used by {dir}/support.yaml"),
    ]

    @Test(arguments: clashes)
    func aClashIsBlamedOnTheLaterFile(files: [String: String], blamed: String, field: String, says: String) throws {
        let directory = try Self.directory(files)
        let clash = Self.problems(directory).filter { $0.problem.contains("is also used by") }
        #expect(clash.count == 1, "\(clash)")
        #expect(clash.first?.file == directory.path(blamed))
        #expect(clash.first?.field == field)
        #expect(clash.first?.problem.contains(says.replacingOccurrences(of: "{dir}", with: directory.url.path)) == true, "\(clash)")
    }

    @Test func aClashNamesTheLineOfTheField() throws {
        let directory = try Self.directory(["a.yaml": Self.valid, "b.yaml": "# sales\n" + Self.valid.replacingOccurrences(of: "address: support@", with: "address: b@")])
        let clash = try #require(Self.problems(directory).first)
        #expect(clash.description == "\(directory.path("b.yaml")):3: field 'key': ticket key prefix 'SUPP' is also used by \(directory.path("a.yaml")), which comes first; each mailbox needs its own")
    }

    @Test func loadingTwiceGivesTheSameAnswer() throws {
        // A reload calls load again on the same directory: it must read only the directory.
        let good = try Self.directory(["a.yaml": Self.valid])
        #expect(try ConfigDirectory.load(path: good.url.path).mailboxes == ConfigDirectory.load(path: good.url.path).mailboxes)
        let bad = try Self.directory(["a.yaml": Self.valid + "\ncolour: blue", "b.yaml": Self.valid])
        #expect(Self.problems(bad) == Self.problems(bad))
        #expect(Self.problems(bad).map(\.field) == ["colour", "key", "address"])
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
