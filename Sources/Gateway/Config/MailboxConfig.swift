import Foundation
public import MailTransport
public import HelpdeskCore
import Yams

/// One support address: where its mail comes from, how replies leave, and who works on it.
public struct MailboxConfig: Sendable, Equatable {
    /// Server settings for IMAP or SMTP, with the password still unresolved.
    public struct Server: Sendable, Equatable {
        public var endpoint: ServerEndpoint
        public var password: SecretReference?
    }

    /// An agent who works this mailbox.
    public struct Agent: Sendable, Equatable {
        public var email: String
        public var name: String?
        /// Skills for skill-based assignment (lower-cased).
        public var skills: Set<String> = []
        /// Away agents get no new tickets by automatic assignment.
        public var away = false
    }

    /// The file's name without `.yaml`: how the CLI and the database refer to the mailbox.
    public var name: String
    public var file: String
    public var address: String
    public var displayName: String?
    public var keyPrefix: String
    /// nil for a mailbox fed only by the MTA pipe (`helpdesk ingest`): nothing to poll.
    public var imap: Server?
    public var smtp: Server
    public var agents: [Agent]
    /// Larger messages are not downloaded; they are recorded and kept aside on the server.
    public var maximumMessageSize: Int
    /// A message with a larger attachment is kept aside like an oversize one.
    public var maximumAttachmentSize: Int
    /// Days the raw bytes of recorded messages are kept in the data directory; nil keeps them
    /// for ever, 0 not at all (messages kept aside are always stored).
    public var rawMessageRetentionDays: Int?
    /// What a follow-up from someone who is neither participant nor agent becomes.
    public var strangers: StrangerPolicy
    /// How new tickets get an assignee.
    public var assignment: AssignmentStrategy = .manual
    /// Keywords and tags that make a ticket need a skill.
    public var skillRules: [SkillRule] = []
    /// The secret for signed reply addresses; nil turns them off (then only DMARC proves agents).
    public var replyTokenSecret: SecretReference?
    /// How long a signed reply address in a notification stays valid.
    public var replyTokenDays = 30
    /// The authserv-id of our own MTA's Authentication-Results header; nil trusts none.
    public var authservID: String?
    /// Service levels; nil when the mailbox has none.
    public var sla: SLAPolicy?

    public static let defaultMaximumMessageSize = 25 << 20
    public static let defaultMaximumAttachmentSize = 20 << 20
    public static let defaultRawMessageRetentionDays = 90

    /// Whether `address` is one of this mailbox's agents.
    public func isAgent(_ address: String) -> Bool {
        agents.contains { $0.email == address.lowercased() }
    }

    /// The domain of the support address, used in our Message-IDs.
    public var domain: String { String(address.split(separator: "@").last ?? "localhost") }
}

extension MailboxConfig {
    static let knownFields = [
        "address", "name", "key", "imap", "smtp", "agents", "max_message_size", "max_attachment_size",
        "keep_raw_messages", "stranger_follow_ups", "assignment", "skills", "reply_token_secret_env",
        "reply_token_secret_file", "reply_token_days", "authserv_id", "sla",
    ]

    /// Parses one `mailboxes/<name>.yaml`; every problem names the file and the field.
    public static func parse(yaml: String, file: String) throws(ConfigError) -> MailboxConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigError(file: file, field: "", problem: "the file is empty; see mailboxes/support.yaml for an example")
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw ConfigError(file: file, field: "", problem: "not valid YAML: \(error)")
        } catch {
            throw ConfigError(file: file, field: "", problem: "not valid YAML: \(error)")
        }
        let fields = try YAMLFields(file: file, path: "", node: root)
        try fields.rejectUnknown(knownFields)

        let address = try fields.string("address", hint: "set it to the support address, e.g. support@example.com")
        guard isPlausibleAddress(address) else { throw fields.error("address", "'\(address)' is not an email address") }
        let key = try fields.string("key", hint: "set the ticket key prefix, e.g. SUPP").uppercased()
        guard TicketKey.isValidPrefix(key) else {
            throw fields.error("key", "'\(key)' must be 2 to 16 letters or digits, starting with a letter")
        }
        // Without an imap section the mailbox is fed by `helpdesk ingest` from the MTA only.
        let imap = try fields.has("imap") ? server(fields.fields("imap", hint: "add url, username and password_env under 'imap:'"),
                              schemes: ("imap", "imaps"), example: "imap://mail.example.com:143/INBOX", requireCredentials: true) : nil
        let smtp = try server(fields.fields("smtp", hint: "add an 'smtp:' section with the submission url"),
                              schemes: ("smtp", "smtps"), example: "smtp://mail.example.com:587", requireCredentials: false)
        var agents: [Agent] = []
        for entry in try fields.list("agents") {
            try entry.rejectUnknown(["email", "name", "skills", "away"])
            let email = try entry.string("email", hint: "give the agent's email address")
            guard isPlausibleAddress(email) else { throw entry.error("email", "'\(email)' is not an email address") }
            var away = false
            if let text = try entry.optionalString("away") {
                guard let value = Bool(text.lowercased()) else { throw entry.error("away", "expected true or false") }
                away = value
            }
            agents.append(Agent(
                email: email.lowercased(), name: try entry.optionalString("name"),
                skills: Set(try entry.stringList("skills").map { $0.lowercased() }), away: away))
        }
        let maximum = try size(fields, "max_message_size") ?? defaultMaximumMessageSize
        let attachmentMaximum = try size(fields, "max_attachment_size") ?? defaultMaximumAttachmentSize
        var retention: Int? = defaultRawMessageRetentionDays
        if let text = try fields.optionalString("keep_raw_messages") {
            guard let parsed = RetentionPeriod.parse(text) else {
                throw fields.error("keep_raw_messages", "'\(text)' is not a period; write e.g. 90d, 0 (not kept) or forever")
            }
            retention = parsed
        }
        var strangers = StrangerPolicy.newTicket
        if let text = try fields.optionalString("stranger_follow_ups") {
            guard let policy = StrangerPolicy(rawValue: text.lowercased()) else {
                throw fields.error("stranger_follow_ups", "'\(text)' is not one of \(StrangerPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            strangers = policy
        }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var config = MailboxConfig(
            name: name, file: file, address: address.lowercased(), displayName: try fields.optionalString("name"),
            keyPrefix: key, imap: imap, smtp: smtp, agents: agents, maximumMessageSize: maximum,
            maximumAttachmentSize: attachmentMaximum, rawMessageRetentionDays: retention, strangers: strangers)
        try parseAgentSettings(fields, into: &config)
        return config
    }

    /// Assignment, skills, signed reply addresses and the trusted authserv-id.
    private static func parseAgentSettings(_ fields: YAMLFields, into config: inout MailboxConfig) throws(ConfigError) {
        if let text = try fields.optionalString("assignment") {
            guard let strategy = AssignmentStrategy(rawValue: text.lowercased()) else {
                throw fields.error("assignment", "'\(text)' is not one of \(AssignmentStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            config.assignment = strategy
        }
        for entry in try fields.list("skills") {
            try entry.rejectUnknown(["skill", "keywords", "tags"])
            let skill = try entry.string("skill", hint: "name the skill, e.g. billing").lowercased()
            config.skillRules.append(SkillRule(
                skill: skill, keywords: try entry.stringList("keywords").map { $0.lowercased() },
                tags: try entry.stringList("tags").map { $0.lowercased() }))
        }
        let env = try fields.optionalString("reply_token_secret_env")
        let file = try fields.optionalString("reply_token_secret_file")
        if env != nil && file != nil {
            throw fields.error("reply_token_secret_file", "give either reply_token_secret_env or reply_token_secret_file, not both")
        }
        config.replyTokenSecret = env.map(SecretReference.environment) ?? file.map(SecretReference.file)
        if let days = try fields.optionalInt("reply_token_days") {
            guard (1...365).contains(days) else { throw fields.error("reply_token_days", "expected 1 to 365 days") }
            config.replyTokenDays = days
        }
        config.authservID = try fields.optionalString("authserv_id")?.lowercased()
        config.sla = try fields.optionalFields("sla").map { fields throws(ConfigError) in try SLAPolicy.parse(fields) }
    }

    /// The agents as assignment sees them.
    public var assignableAgents: [AssignableAgent] {
        agents.map { AssignableAgent(address: $0.email, away: $0.away, skills: $0.skills) }
    }

    /// The configured agent with this address, or one without a name (an agent since removed
    /// from the file still gets their mail).
    public func agent(address: String) -> Agent {
        let wanted = address.lowercased()
        return agents.first { $0.email == wanted } ?? Agent(email: wanted, name: nil)
    }

    /// The agent `reference` names: an address, a local part (`dana`) or a name (`Dana`).
    public func agent(named reference: String) -> Agent? {
        let wanted = reference.lowercased()
        return agents.first { $0.email == wanted }
            ?? agents.first { $0.email.split(separator: "@").first.map(String.init) == wanted }
            ?? agents.first { $0.name?.lowercased() == wanted }
    }

    private static func size(_ fields: YAMLFields, _ name: String) throws(ConfigError) -> Int? {
        guard let text = try fields.optionalString(name) else { return nil }
        guard let bytes = ByteSize.parse(text), bytes > 0 else {
            throw fields.error(name, "'\(text)' is not a size; write e.g. 25MB or 512KB")
        }
        return bytes
    }

    private static func server(
        _ fields: YAMLFields, schemes: (plain: String, tls: String), example: String, requireCredentials: Bool
    ) throws(ConfigError) -> Server {
        try fields.rejectUnknown(["url", "username", "password_env", "password_file", "starttls", "verify_certificate", "timeout"])
        let url = try fields.string("url", hint: "set it, e.g. \(example)")
        guard var endpoint = ServerEndpoint.parse(url, expecting: schemes) else {
            throw fields.error("url", "'\(url)' is not a \(schemes.plain):// or \(schemes.tls):// URL with a host, e.g. \(example); put credentials in username/password_env, not in the URL")
        }
        endpoint.username = try fields.optionalString("username")
        let env = try fields.optionalString("password_env")
        let file = try fields.optionalString("password_file")
        if env != nil && file != nil {
            throw fields.error("password_file", "give either password_env or password_file, not both")
        }
        if fields.has("password") {
            throw fields.error("password", "passwords are never written in the config; use password_env or password_file")
        }
        let secret: SecretReference? = env.map(SecretReference.environment) ?? file.map(SecretReference.file)
        if requireCredentials {
            if endpoint.username == nil { throw fields.error("username", "missing; set the login name of the mailbox") }
            if secret == nil { throw fields.error("password_env", "missing; name the environment variable holding the password (or use password_file)") }
        }
        if let starttls = try fields.optionalString("starttls") {
            guard let on = Bool(starttls.lowercased()) else { throw fields.error("starttls", "expected true or false") }
            if endpoint.security != .implicitTLS { endpoint.security = on ? .startTLS : .none }
        }
        if let verify = try fields.optionalString("verify_certificate") {
            guard let on = Bool(verify.lowercased()) else { throw fields.error("verify_certificate", "expected true or false") }
            endpoint.verifyPeer = on
        }
        if let timeout = try fields.optionalInt("timeout") {
            guard timeout > 0 else { throw fields.error("timeout", "expected seconds greater than 0") }
            endpoint.transferTimeout = timeout
        }
        return Server(endpoint: endpoint, password: secret)
    }

    /// One `@`, something before it, and a domain with a dot (or `localhost`); no spaces.
    static func isPlausibleAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1]
        return domain == "localhost" || (domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix("."))
    }

    /// The IMAP and SMTP endpoints with their passwords read from the environment or files.
    public func resolvedEndpoints(environment: [String: String]) throws(ConfigError) -> (imap: ServerEndpoint?, smtp: ServerEndpoint) {
        var imapEndpoint = imap?.endpoint
        var smtpEndpoint = smtp.endpoint
        if let secret = imap?.password {
            imapEndpoint?.password = try secret.resolve(environment: environment, configFile: file, field: "imap.password_env")
        }
        if let secret = smtp.password {
            smtpEndpoint.password = try secret.resolve(environment: environment, configFile: file, field: "smtp.password_env")
        }
        return (imapEndpoint, smtpEndpoint)
    }
}

/// Sizes written like `25MB`, `512KB` or a plain number of bytes.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let upper = text.uppercased().replacingOccurrences(of: " ", with: "")
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            guard let number = Int(upper.dropLast(suffix.count)) else { return nil }
            let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
            return overflow ? nil : bytes
        }
        return Int(upper)
    }
}

/// Retention periods written like `90d`, `12w`, `0` (keep nothing) or `forever` (nil).
enum RetentionPeriod {
    static func parse(_ text: String) -> Int?? {
        let lower = text.lowercased().replacingOccurrences(of: " ", with: "")
        if lower == "forever" { return .some(nil) }
        if lower == "0" { return .some(0) }
        for (suffix, days) in [("d", 1), ("w", 7), ("y", 365)] where lower.hasSuffix(suffix) {
            guard let number = Int(lower.dropLast()), number >= 0, number <= 100_000 else { return nil }
            return .some(number * days)
        }
        return nil
    }
}
