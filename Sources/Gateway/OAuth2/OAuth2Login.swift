import Crypto
import Foundation
import HelpdeskStore
import Logging
import MailTransport

/// One server's `auth: oauth2` as read from a mailbox file, before the store that keeps its
/// refresh token is open.
struct OAuth2Login: Sendable {
    /// Where its refresh token is kept: `support/imap`, or `support/smtp` when SMTP has its own.
    let key: String
    let mailbox: String
    let settings: OAuth2Settings
    let client: OAuth2Client
    /// The refresh token from the config (`refresh_token_env|_file`), nil when only authorized ones count.
    let configured: String?
    /// IMAP's login used for SMTP too.
    private(set) var sharedBySMTP = false

    /// The logins of a mailbox's servers; SMTP with the same settings as IMAP shares its login,
    /// so a token one of them rotates is the token both use.
    static func logins(of mailbox: MailboxConfig, environment: [String: String]) throws(ConfigError) -> (imap: OAuth2Login?, smtp: OAuth2Login?) {
        let imap = try mailbox.imap?.oauth2.map { settings throws(ConfigError) in
            try OAuth2Login(mailbox: mailbox, server: "imap", settings: settings, environment: environment)
        }
        guard let settings = mailbox.smtp.oauth2 else { return (imap, nil) }
        if var imap, imap.settings == settings {
            imap.sharedBySMTP = true
            return (imap, imap)
        }
        return (imap, try OAuth2Login(mailbox: mailbox, server: "smtp", settings: settings, environment: environment))
    }

    private init(mailbox: MailboxConfig, server: String, settings: OAuth2Settings, environment: [String: String]) throws(ConfigError) {
        key = "\(mailbox.name)/\(server)"
        self.mailbox = mailbox.name
        self.settings = settings
        client = try settings.client(environment: environment, file: mailbox.file, field: server)
        configured = try settings.refreshToken?.resolve(environment: environment, configFile: mailbox.file, field: "\(server).refresh_token_env")
    }

    /// What tells a kept token apart from the configured one it replaced: a short hash, so the
    /// database never holds the configured token itself.
    var seed: String { configured.map { String(SHA256.hex(of: Array($0.utf8)).prefix(16)) } ?? "" }

    /// Makes `endpoint` log in with this login's tokens.
    func apply(_ credential: OAuth2Credential, to endpoint: inout ServerEndpoint) {
        endpoint.oauth2 = credential
        endpoint.saslMechanism = settings.mechanism
    }

    /// The access-token source for the servers that use this login.
    func credential(store: any CredentialStore, logger: Logger, now: @escaping @Sendable () -> Date) -> OAuth2Credential {
        OAuth2Credential(
            client: client, label: "mailbox \(mailbox) (\(sharedBySMTP ? "imap and smtp" : String(key.split(separator: "/").last ?? "")))",
            renewalHint: "run `helpdesk oauth authorize --mailbox \(mailbox)` to sign in (again)",
            keeper: KeptRefreshTokens(login: self, store: store, logger: logger, now: now), clock: now)
    }
}

// The configured refresh token must not reach a log or a failed test's output.
extension OAuth2Login: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "oauth2 login \(key): \(client)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["key": key, "client": client]) }
}
