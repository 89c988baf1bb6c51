import Foundation
import MailTransport

/// `auth: oauth2` on an `imap:` or `smtp:` section: which provider and client give the tokens.
public struct OAuth2Settings: Sendable, Equatable {
    public var tokenURL: String
    public var clientID: String
    public var clientSecret: SecretReference?
    /// The first refresh token; nil when `helpdesk oauth authorize` stores it in the database.
    public var refreshToken: SecretReference?
    public var scope: String?
    /// The provider's device authorization endpoint, for `oauth authorize` without a browser here.
    public var deviceURL: String?
    /// The provider's authorization endpoint, for `oauth authorize` with a pasted code.
    public var authorizeURL: String?
    public var redirectURI: String
    /// `XOAUTH2` or `OAUTHBEARER` to insist on one; nil takes OAUTHBEARER where offered, else XOAUTH2.
    public var mechanism: String?

    public static let defaultRedirectURI = "http://localhost"

    /// The fields an `auth: oauth2` server section may have besides url and username.
    static let fields = [
        "token_url", "client_id", "client_secret_env", "client_secret_file", "refresh_token_env", "refresh_token_file",
        "scope", "device_url", "authorize_url", "redirect_uri", "sasl_mechanism",
    ]

    /// Reads the OAuth2 fields of a server section whose `auth` is `oauth2`.
    static func read(_ fields: YAMLFields, problems: inout ConfigProblemList) -> OAuth2Settings? {
        let before = problems.count
        let tokenURL = problems.attempt { () throws(ConfigError) -> String in
            let url = try fields.string("token_url", hint: "set the provider's token endpoint, e.g. https://oauth2.googleapis.com/token")
            try checkWebURL(url, field: "token_url", in: fields)
            return url
        }
        let clientID = problems.attempt { () throws(ConfigError) -> String in
            try fields.string("client_id", hint: "set the application (client) ID you registered at the provider")
        }
        let clientSecret = problems.attempt { () throws(ConfigError) -> SecretReference? in
            try secret(fields, env: "client_secret_env", file: "client_secret_file")
        }
        let refreshToken = problems.attempt { () throws(ConfigError) -> SecretReference? in
            try secret(fields, env: "refresh_token_env", file: "refresh_token_file")
        }
        var scope: String?
        var deviceURL: String?
        var authorizeURL: String?
        var redirectURI = defaultRedirectURI
        var mechanism: String?
        problems.check { () throws(ConfigError) in
            guard let text = try fields.optionalString("sasl_mechanism") else { return }
            guard ["XOAUTH2", "OAUTHBEARER"].contains(text.uppercased()) else {
                throw fields.error("sasl_mechanism", "'\(text)' is not a token mechanism; use xoauth2 or oauthbearer (or leave it out)")
            }
            mechanism = text.uppercased()
        }
        problems.check { () throws(ConfigError) in scope = try fields.optionalString("scope") }
        problems.check { () throws(ConfigError) in
            deviceURL = try fields.optionalString("device_url")
            if let deviceURL { try checkWebURL(deviceURL, field: "device_url", in: fields) }
        }
        problems.check { () throws(ConfigError) in
            authorizeURL = try fields.optionalString("authorize_url")
            if let authorizeURL { try checkWebURL(authorizeURL, field: "authorize_url", in: fields) }
        }
        problems.check { () throws(ConfigError) in
            if let uri = try fields.optionalString("redirect_uri") {
                guard uri.hasPrefix("http://") || uri.hasPrefix("https://") else {
                    throw fields.error("redirect_uri", "'\(uri)' is not a web address; use the redirect URI registered at the provider, e.g. http://localhost")
                }
                redirectURI = uri
            }
        }
        guard problems.count == before, let tokenURL, let clientID, let clientSecret, let refreshToken else { return nil }
        return OAuth2Settings(
            tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, refreshToken: refreshToken, scope: scope,
            deviceURL: deviceURL, authorizeURL: authorizeURL, redirectURI: redirectURI, mechanism: mechanism)
    }

    private static func secret(_ fields: YAMLFields, env: String, file: String) throws(ConfigError) -> SecretReference? {
        let name = try fields.optionalString(env)
        let path = try fields.optionalString(file)
        if name != nil && path != nil { throw fields.error(file, "give either \(env) or \(file), not both") }
        return name.map(SecretReference.environment) ?? path.map(SecretReference.file)
    }

    /// Tokens travel to these addresses: HTTPS, or plain HTTP only to this machine (a test provider).
    private static func checkWebURL(_ url: String, field: String, in fields: YAMLFields) throws(ConfigError) {
        let lower = url.lowercased()
        if lower.hasPrefix("https://"), lower.count > 8 { return }
        if lower.hasPrefix("http://") {
            if ServerEndpoint.isLoopback(ServerEndpoint.hostName(of: ServerEndpoint.authority(of: url))) { return }
            throw fields.error(field, "'\(url)' is plain HTTP to another machine, which would send tokens in clear; use https://")
        }
        throw fields.error(field, "'\(url)' is not an https:// address")
    }

    /// The references resolved: the client as the token endpoint sees it.
    func client(environment: [String: String], file: String, field: String) throws(ConfigError) -> OAuth2Client {
        let secret = try clientSecret?.resolve(environment: environment, configFile: file, field: "\(field).client_secret_env")
        return OAuth2Client(tokenURL: tokenURL, clientID: clientID, clientSecret: secret, scope: scope)
    }
}
