public import Foundation
public import HelpdeskStore
import Crypto
public import Logging
public import MailTransport

/// Getting a mailbox's first refresh token from its provider, as `helpdesk oauth authorize`
/// does: a device code (Microsoft) or a pasted authorization code with PKCE (Google, Microsoft).
public struct OAuth2SignIn: Sendable {
    public let mailbox: String
    /// `imap` or `smtp`: the server whose settings are used (both, when they share them).
    public let server: String
    /// Every server of the mailbox that uses this login: what the new token is checked against.
    public let endpoints: [ServerEndpoint]
    let login: OAuth2Login

    public var settings: OAuth2Settings { login.settings }
    /// Where the token is kept in the database.
    public var key: String { login.key }
    public var username: String? { endpoints.first?.username }

    /// Finds the mailbox's `auth: oauth2` server; `server` picks one when IMAP and SMTP have
    /// different settings.
    public init(settings gateway: GatewaySettings, mailbox name: String, server wanted: String?) throws {
        let config = try ConfigDirectory.load(path: gateway.configDirectory)
        guard let mailbox = config.mailbox(named: name) else {
            let known = config.mailboxes.map(\.name).joined(separator: ", ")
            throw OAuth2SignInError("no mailbox named '\(name)' in \(gateway.configDirectory) (configured: \(known.isEmpty ? "none" : known))")
        }
        let logins = try OAuth2Login.logins(of: mailbox, environment: gateway.environment)
        let candidates = [("imap", logins.imap, mailbox.imap?.endpoint), ("smtp", logins.smtp, mailbox.smtp.endpoint)]
            .compactMap { entry in entry.1.map { (server: entry.0, login: $0, endpoint: entry.2) } }
        guard !candidates.isEmpty else {
            throw OAuth2SignInError("mailbox \(name) has no server with auth: oauth2 in \(mailbox.file); add it under imap: or smtp: (see the README, \"OAuth2\")")
        }
        let chosen: (server: String, login: OAuth2Login, endpoint: ServerEndpoint?)
        if let wanted {
            guard let match = candidates.first(where: { $0.server == wanted }) else {
                throw OAuth2SignInError("the \(wanted) server of mailbox \(name) does not use auth: oauth2")
            }
            chosen = match
        } else {
            let distinct = Set(candidates.map(\.login.key))
            guard distinct.count == 1 else {
                throw OAuth2SignInError("mailbox \(name) has different oauth2 settings for imap and smtp; say which with --server imap or --server smtp")
            }
            chosen = candidates[0]
        }
        self.mailbox = name
        server = chosen.server
        login = chosen.login
        endpoints = candidates.filter { $0.login.key == chosen.login.key }.compactMap(\.endpoint)
    }

    // MARK: Device code (RFC 8628)

    /// Asks the provider for a code the admin enters on any device with a browser.
    public func startDeviceCode() throws -> OAuth2Client.DeviceAuthorization {
        guard let url = settings.deviceURL else {
            throw OAuth2SignInError("mailbox \(mailbox) has no device_url; set it (Microsoft: https://login.microsoftonline.com/<tenant>/oauth2/v2.0/devicecode), or sign in with a pasted code (--paste-code, needs authorize_url)")
        }
        return try login.client.startDeviceAuthorization(at: url)
    }

    /// Asks until the admin has approved the code, it expires, or `shouldStop()`.
    public func waitForApproval(
        of device: OAuth2Client.DeviceAuthorization, now: () -> Date = Date.init, sleep: (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
        shouldStop: () -> Bool = { false }
    ) throws -> OAuth2Client.Grant {
        let deadline = now().addingTimeInterval(device.expiresIn)
        var device = device
        while now() < deadline, !shouldStop() {
            switch try login.client.poll(device) {
            case .granted(let grant): return grant
            case .pending(let interval):
                device.interval = interval
                sleep(interval)
            }
        }
        throw OAuth2SignInError("the code \(device.userCode) was not approved in time; run the command again")
    }

    // MARK: Authorization code with PKCE (RFC 7636)

    /// A PKCE pair: the verifier stays here, the challenge goes to the provider.
    public static func pkcePair() -> (verifier: String, challenge: String) {
        let verifier = randomURLSafe(bytes: 32)
        return (verifier, base64URL(Array(SHA256.hash(data: Array(verifier.utf8)))))
    }

    /// A value that ties the provider's redirect to this sign-in.
    public static func newState() -> String { randomURLSafe(bytes: 16) }

    /// The address the admin opens in a browser to sign in and consent.
    public func authorizationURL(challenge: String, state: String) throws -> String {
        guard let base = settings.authorizeURL else {
            throw OAuth2SignInError("mailbox \(mailbox) has no authorize_url; set it (Google: https://accounts.google.com/o/oauth2/v2/auth), or use the device code (needs device_url)")
        }
        var fields = [("response_type", "code"), ("client_id", login.client.clientID), ("redirect_uri", settings.redirectURI),
                      ("code_challenge", challenge), ("code_challenge_method", "S256"), ("state", state)]
        // Google gives a refresh token only with offline access and a fresh consent; at Microsoft
        // a forced consent fails for users who may not consent themselves, so only for Google.
        if ServerEndpoint.hostName(of: ServerEndpoint.authority(of: base)) == "accounts.google.com" {
            fields += [("access_type", "offline"), ("prompt", "consent")]
        }
        if let scope = settings.scope { fields.append(("scope", scope)) }
        if let username { fields.append(("login_hint", username)) }
        let query = fields.map { "\(FormEncoding.escape($0.0))=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
        return base + (base.contains("?") ? "&" : "?") + query
    }

    /// The code from what the admin pasted: the whole address the browser was sent to, or the
    /// code alone. A redirect for another sign-in (wrong `state`) or a refusal is an error.
    public static func code(fromPasted text: String, state expected: String) throws -> String {
        let pasted = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !pasted.isEmpty else { throw OAuth2SignInError("nothing was pasted; paste the address the browser was sent to") }
        guard pasted.contains("?") || pasted.contains("code=") || pasted.contains("error=") else { return pasted }
        let query = pasted.split(separator: "?", maxSplits: 1).last.map(String.init) ?? pasted
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let key = parts.first else { continue }
            let value = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            fields[String(key)] = value.removingPercentEncoding ?? value
        }
        if let error = fields["error"] {
            throw OAuth2SignInError("the provider refused the sign-in: \(error)\(fields["error_description"].map { " (\($0))" } ?? "")")
        }
        guard let code = fields["code"], !code.isEmpty else {
            throw OAuth2SignInError("the pasted address has no code= in it; paste the whole address from the browser's address bar")
        }
        guard fields["state"] == expected else {
            throw OAuth2SignInError("the pasted address belongs to another sign-in (its state does not match); open the address printed above and paste the one it leads to")
        }
        return code
    }

    /// Trades the pasted code for tokens.
    public func exchange(code: String, verifier: String) throws -> OAuth2Client.Grant {
        try login.client.exchange(code: code, verifier: verifier, redirectURI: settings.redirectURI)
    }

    // MARK: Keeping and checking

    /// Keeps the new refresh token in the database, then logs in to every server that uses it.
    /// The token is kept first: a server that is down right now must not cost the admin a sign-in.
    public func keep(_ grant: OAuth2Client.Grant, in store: any CredentialStore, logger: Logger, now: @escaping @Sendable () -> Date) throws {
        guard let refreshToken = grant.refreshToken, !refreshToken.isEmpty else {
            throw OAuth2SignInError("the provider gave an access token but no refresh token; include offline_access in scope (Microsoft), or remove the app's earlier access at https://myaccount.google.com/permissions and sign in again (Google)")
        }
        try store.keep(KeptRefreshToken(key: login.key, token: refreshToken, seed: login.seed, keptAt: now()))
        let credential = login.credential(store: store, logger: logger, now: now)
        credential.prime(with: grant)
        for var endpoint in endpoints {
            login.apply(credential, to: &endpoint)
            try ServerLoginCheck.check(endpoint)
        }
    }

    private static func randomURLSafe(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension OAuth2SignIn: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: ["mailbox": mailbox, "server": server, "key": key]) }
}

/// A sign-in that cannot go on, in words for the admin.
public struct OAuth2SignInError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
