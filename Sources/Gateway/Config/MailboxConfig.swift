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
        /// Set for `auth: oauth2`: tokens from this provider instead of a password.
        public var oauth2: OAuth2Settings?
    }

    /// An agent who works this mailbox.
    public struct Agent: Sendable, Equatable {
        public var email: String
        public var name: String?
        /// Skills for skill-based assignment (lower-cased).
        public var skills: Set<String> = []
        /// Away agents get no new tickets by automatic assignment.
        public var away = false
        /// The language of their notifications; nil uses the mailbox's.
        public var language: LanguageTag?
    }

    /// The file's name without `.yaml`: how the CLI and the database refer to the mailbox.
    public var name: String
    public var file: String
    public var address: String
    public var displayName: String?
    public var keyPrefix: String
    /// nil for a mailbox fed only by the MTA pipe (`helpdesk ingest`): nothing to poll.
    public var imap: Server?
    /// What happens on the server to a recorded message.
    public var afterProcessing = AfterProcessing.flag
    public var smtp: Server
    public var agents: [Agent]
    /// Larger messages are not downloaded; they are recorded and kept aside on the server.
    public var maximumMessageSize: Int
    /// A message with a larger attachment is kept aside like an oversize one.
    public var maximumAttachmentSize: Int
    /// The most an agent's public reply carries to the requester in files, together.
    public var outgoingAttachmentLimit = MailboxRules.defaultOutgoingAttachmentLimit
    /// How long a hard bounce pauses automatic mail, and the loop caps.
    var delivery = DeliverySettings()
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
    /// Which new tickets wait for a manager's yes (`approvals:`); nil when none do.
    public var approvals: ApprovalPolicy?
    /// The language of mail to people whose own is unknown or has no templates; nil is the
    /// root templates' (English as shipped).
    public var language: LanguageTag?

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
        "keep_raw_messages", "stranger_follow_ups", "after_processing", "assignment", "skills", "reply_token_secret_env",
        "reply_token_secret_file", "reply_token_days", "authserv_id", "sla", "language", "max_outgoing_attachments", "approvals",
    ] + DeliverySettings.fields

    /// Parses one `mailboxes/<name>.yaml`; the first problem is thrown with its file and field
    /// (`ConfigDirectory.load` reports them all).
    public static func parse(yaml: String, file: String) throws(ConfigError) -> MailboxConfig {
        switch read(yaml: yaml, file: file).outcome {
        case .success(let config): return config
        case .failure(let problems): throw problems.problems.first ?? ConfigError(file: file, field: "", problem: "cannot be read")
        }
    }

    /// Reads one mailbox file, noting every problem a field has on its own: a broken field is
    /// reported and the next one is still read, but nothing that depends on a broken one.
    static func read(yaml: String, file: String) -> MailboxFile {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var problems = ConfigProblemList()
        let root = problems.attempt { () throws(ConfigError) -> YAMLFields in
            guard let node = try YAMLFields.compose(yaml: yaml, file: file) else { throw ConfigError(file: file, field: "", problem: "the file is empty; see mailboxes/support.yaml for an example") }
            return try YAMLFields(file: file, path: "", node: node)
        }
        guard let fields = root else { return MailboxFile(file: file, name: name, problems: problems.problems) }
        problems.note(fields.unknownFields(knownFields))

        var address: String?
        problems.check { () throws(ConfigError) in
            let text = try fields.string("address", hint: "set it to the support address, e.g. support@example.com")
            guard isPlausibleAddress(text) else { throw fields.error("address", "'\(text)' is not an email address") }
            address = text.lowercased()
        }
        var key: String?
        problems.check { () throws(ConfigError) in
            let text = try fields.string("key", hint: "set the ticket key prefix, e.g. SUPP").uppercased()
            guard TicketKey.isValidPrefix(text) else { throw fields.error("key", "'\(text)' must be 2 to 16 letters or digits, starting with a letter") }
            key = text
        }
        var displayName: String?
        problems.check { () throws(ConfigError) in displayName = try fields.optionalString("name") }
        // Without an imap section the mailbox is fed by `helpdesk ingest` from the MTA only.
        var imap: Server?
        if fields.has("imap") {
            imap = server(problems.attempt { () throws(ConfigError) in try fields.fields("imap", hint: "add url, username and password_env under 'imap:'") },
                          schemes: ("imap", "imaps"), example: "imap://mail.example.com:143/INBOX", requireCredentials: true, problems: &problems)
        }
        let smtp = server(problems.attempt { () throws(ConfigError) in try fields.fields("smtp", hint: "add an 'smtp:' section with the submission url") },
                          schemes: ("smtp", "smtps"), example: "smtp://mail.example.com:587", requireCredentials: false, problems: &problems)
        var agents: [Agent] = []
        for entry in problems.attempt({ () throws(ConfigError) in try fields.list("agents") }) ?? [] {
            problems.note(entry.unknownFields(["email", "name", "skills", "away", "language"]))
            problems.check { () throws(ConfigError) in agents.append(try agent(entry)) }
        }
        var maximum = defaultMaximumMessageSize
        problems.check { () throws(ConfigError) in maximum = try size(fields, "max_message_size") ?? maximum }
        var attachmentMaximum = defaultMaximumAttachmentSize
        problems.check { () throws(ConfigError) in attachmentMaximum = try size(fields, "max_attachment_size") ?? attachmentMaximum }
        var retention: Int? = defaultRawMessageRetentionDays
        problems.check { () throws(ConfigError) in
            guard let text = try fields.optionalString("keep_raw_messages") else { return }
            guard let parsed = RetentionPeriod.parse(text) else {
                throw fields.error("keep_raw_messages", "'\(text)' is not a period; write e.g. 90d, 0 (not kept) or forever")
            }
            retention = parsed
        }
        var strangers = StrangerPolicy.newTicket
        problems.check { () throws(ConfigError) in
            guard let text = try fields.optionalString("stranger_follow_ups") else { return }
            guard let policy = StrangerPolicy(rawValue: text.lowercased()) else {
                throw fields.error("stranger_follow_ups", "'\(text)' is not one of \(StrangerPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            strangers = policy
        }
        var afterProcessing = AfterProcessing.flag
        problems.check { () throws(ConfigError) in afterProcessing = try AfterProcessing.parse(fields) }
        let settings = agentSettings(fields, problems: &problems)
        var language: LanguageTag?
        problems.check { () throws(ConfigError) in language = try Self.language(fields) }
        var outgoingLimit = MailboxRules.defaultOutgoingAttachmentLimit
        problems.check { () throws(ConfigError) in outgoingLimit = try size(fields, "max_outgoing_attachments") ?? outgoingLimit }
        let delivery = DeliverySettings.read(fields, problems: &problems)
        var approvals: ApprovalPolicy?
        problems.check { () throws(ConfigError) in
            approvals = try fields.optionalFields("approvals").map { fields throws(ConfigError) in try ApprovalPolicy.parse(fields) }
            // Approvers decide by answering their signed address: without the secret nobody could.
            if approvals != nil, settings.replyTokenSecret == nil {
                throw fields.error("approvals", "approvers answer at a signed reply address: set reply_token_secret_env or reply_token_secret_file too")
            }
        }
        let identity = (keyPrefix: key, keyLine: fields.line("key"), address: address, addressLine: fields.line("address"))
        guard problems.isEmpty, let address, let key, let smtp else {
            return MailboxFile(file: file, name: name, problems: problems.problems, identity: identity)
        }
        var config = MailboxConfig(
            name: name, file: file, address: address, displayName: displayName,
            keyPrefix: key, imap: imap, smtp: smtp, agents: agents, maximumMessageSize: maximum,
            maximumAttachmentSize: attachmentMaximum, rawMessageRetentionDays: retention, strangers: strangers)
        config.afterProcessing = afterProcessing
        config.language = language
        config.outgoingAttachmentLimit = outgoingLimit
        config.delivery = delivery
        config.approvals = approvals
        settings.apply(to: &config)
        return MailboxFile(config: config, identity: identity)
    }

    /// One `agents:` entry.
    private static func agent(_ entry: YAMLFields) throws(ConfigError) -> Agent {
        let email = try entry.string("email", hint: "give the agent's email address")
        guard isPlausibleAddress(email) else { throw entry.error("email", "'\(email)' is not an email address") }
        var away = false
        if let text = try entry.optionalString("away") {
            guard let value = Bool(text.lowercased()) else { throw entry.error("away", "expected true or false") }
            away = value
        }
        return Agent(
            email: email.lowercased(), name: try entry.optionalString("name"),
            skills: Set(try entry.stringList("skills").map { $0.lowercased() }), away: away, language: try language(entry))
    }

    /// Assignment, skills, signed reply addresses, the trusted authserv-id and service levels.
    private struct AgentSettings {
        var assignment = AssignmentStrategy.manual
        var skillRules: [SkillRule] = []
        var replyTokenSecret: SecretReference?
        var replyTokenDays = 30
        var authservID: String?
        var sla: SLAPolicy?

        func apply(to config: inout MailboxConfig) {
            config.assignment = assignment
            config.skillRules = skillRules
            config.replyTokenSecret = replyTokenSecret
            config.replyTokenDays = replyTokenDays
            config.authservID = authservID
            config.sla = sla
        }
    }

    private static func agentSettings(_ fields: YAMLFields, problems: inout ConfigProblemList) -> AgentSettings {
        var settings = AgentSettings()
        problems.check { () throws(ConfigError) in
            guard let text = try fields.optionalString("assignment") else { return }
            guard let strategy = AssignmentStrategy(rawValue: text.lowercased()) else {
                throw fields.error("assignment", "'\(text)' is not one of \(AssignmentStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.assignment = strategy
        }
        for entry in problems.attempt({ () throws(ConfigError) in try fields.list("skills") }) ?? [] {
            problems.note(entry.unknownFields(["skill", "keywords", "tags"]))
            problems.check { () throws(ConfigError) in
                let skill = try entry.string("skill", hint: "name the skill, e.g. billing").lowercased()
                settings.skillRules.append(SkillRule(
                    skill: skill, keywords: try entry.stringList("keywords").map { $0.lowercased() },
                    tags: try entry.stringList("tags").map { $0.lowercased() }))
            }
        }
        problems.check { () throws(ConfigError) in
            let env = try fields.optionalString("reply_token_secret_env")
            let file = try fields.optionalString("reply_token_secret_file")
            if env != nil && file != nil {
                throw fields.error("reply_token_secret_file", "give either reply_token_secret_env or reply_token_secret_file, not both")
            }
            settings.replyTokenSecret = env.map(SecretReference.environment) ?? file.map(SecretReference.file)
        }
        problems.check { () throws(ConfigError) in
            guard let days = try fields.optionalInt("reply_token_days") else { return }
            guard (1...365).contains(days) else { throw fields.error("reply_token_days", "expected 1 to 365 days") }
            settings.replyTokenDays = days
        }
        problems.check { () throws(ConfigError) in settings.authservID = try fields.optionalString("authserv_id")?.lowercased() }
        problems.check { () throws(ConfigError) in settings.sla = try fields.optionalFields("sla").map { fields throws(ConfigError) in try SLAPolicy.parse(fields) } }
        return settings
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

    /// An `imap:` or `smtp:` section, nil when it (or the section itself, `fields` nil) has a problem.
    private static func server(
        _ fields: YAMLFields?, schemes: (plain: String, tls: String), example: String, requireCredentials: Bool,
        problems: inout ConfigProblemList
    ) -> Server? {
        guard let fields else { return nil }
        let before = problems.count
        // A `password:` line gets its own advice below rather than "unknown field".
        problems.note(fields.unknownFields(
            ["url", "username", "password_env", "password_file", "starttls", "verify_certificate", "ca_file", "timeout", "password", "auth"]
                + OAuth2Settings.fields))
        if fields.has("password") {
            problems.note(fields.error("password", "passwords are never written in the config; use password_env or password_file"))
        }
        var endpoint: ServerEndpoint?
        problems.check { () throws(ConfigError) in
            let url = try fields.string("url", hint: "set it, e.g. \(example)")
            if let problem = ServerURLCheck.problem(in: url, schemes: schemes, example: example) { throw fields.error("url", problem) }
            guard let parsed = ServerEndpoint.parse(url, expecting: schemes) else {
                throw fields.error("url", "'\(url)' is not a \(schemes.plain):// or \(schemes.tls):// URL with a host, e.g. \(example)")
            }
            endpoint = parsed
        }
        var username: String?
        let usernameRead = problems.check { () throws(ConfigError) in username = try fields.optionalString("username") }
        var secret: SecretReference?
        let secretRead = problems.check { () throws(ConfigError) in
            let env = try fields.optionalString("password_env")
            let file = try fields.optionalString("password_file")
            if env != nil && file != nil {
                throw fields.error("password_file", "give either password_env or password_file, not both")
            }
            secret = env.map(SecretReference.environment) ?? file.map(SecretReference.file)
        }
        var oauth2: OAuth2Settings?
        let usesOAuth2 = readsOAuth2(fields, password: secret, into: &oauth2, problems: &problems)
        // Only a field that was read and is absent is missing; an unreadable one was reported.
        if (requireCredentials || usesOAuth2) && usernameRead && username == nil {
            problems.note(fields.error("username", "missing; set the login name of the mailbox"))
        }
        if requireCredentials && !usesOAuth2 && secretRead && secret == nil && !fields.has("password") {
            problems.note(fields.error("password_env", "missing; name the environment variable holding the password (or use password_file)"))
        }
        var startTLS: Bool?
        problems.check { () throws(ConfigError) in
            guard let text = try fields.optionalString("starttls") else { return }
            guard let on = Bool(text.lowercased()) else { throw fields.error("starttls", "expected true or false") }
            startTLS = on
        }
        var verifyPeer: Bool?
        problems.check { () throws(ConfigError) in
            guard let text = try fields.optionalString("verify_certificate") else { return }
            guard let on = Bool(text.lowercased()) else { throw fields.error("verify_certificate", "expected true or false") }
            verifyPeer = on
        }
        var timeout: Int?
        problems.check { () throws(ConfigError) in
            guard let seconds = try fields.optionalInt("timeout") else { return }
            guard seconds > 0 else { throw fields.error("timeout", "expected seconds greater than 0") }
            timeout = seconds
        }
        var caFile: String?
        problems.check { () throws(ConfigError) in caFile = try CAFileCheck.path(in: fields) }
        guard problems.count == before, var endpoint else { return nil }
        endpoint.username = username
        if let startTLS, endpoint.security != .implicitTLS { endpoint.security = startTLS ? .startTLS : .none }
        if let verifyPeer { endpoint.verifyPeer = verifyPeer }
        if let timeout { endpoint.transferTimeout = timeout }
        endpoint.caFile = caFile
        return Server(endpoint: endpoint, password: secret, oauth2: oauth2)
    }

    /// The `auth:` field and, for `oauth2`, its settings; true when the section uses OAuth2
    /// (even one with problems, so no password is asked for as well).
    private static func readsOAuth2(
        _ fields: YAMLFields, password: SecretReference?, into settings: inout OAuth2Settings?, problems: inout ConfigProblemList
    ) -> Bool {
        var method: String? = "password"
        problems.check { () throws(ConfigError) in
            method = nil
            let text = try fields.optionalString("auth")?.lowercased() ?? "password"
            guard text == "password" || text == "oauth2" else {
                throw fields.error("auth", "'\(text)' is not a login method; use password (the default) or oauth2")
            }
            method = text
        }
        // An unreadable method was reported; guessing one would only add problems that follow from it.
        guard let method else { return true }
        guard method == "oauth2" else {
            if let stray = OAuth2Settings.fields.first(where: fields.has) {
                problems.note(fields.error(stray, "only used with auth: oauth2; add that line or remove this one"))
            }
            return false
        }
        if password != nil {
            let field = fields.has("password_env") ? "password_env" : "password_file"
            problems.note(fields.error(field, "a server with auth: oauth2 logs in with tokens, not a password; remove this line"))
        }
        settings = OAuth2Settings.read(fields, problems: &problems)
        return true
    }

    /// One `@`, something before it, and a domain with a dot (or `localhost`); no spaces.
    public static func isPlausibleAddress(_ text: String) -> Bool {
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
