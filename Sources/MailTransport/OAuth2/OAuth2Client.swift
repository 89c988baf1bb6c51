public import Foundation

/// A registered OAuth2 client at one provider: turns grants into tokens at its token endpoint
/// (RFC 6749 refresh and authorization-code grants with PKCE, RFC 8628 device grant).
public struct OAuth2Client: Sendable, Equatable {
    public var tokenURL: String
    public var clientID: String
    /// Confidential clients (Google's) have one; Microsoft's public clients do not.
    public var clientSecret: String?
    /// Space-separated scopes, e.g. `https://mail.google.com/`.
    public var scope: String?
    /// A private CA for the token endpoint's certificate (tests; company proxies).
    public var caFile: String?

    public init(tokenURL: String, clientID: String, clientSecret: String? = nil, scope: String? = nil, caFile: String? = nil) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.caFile = caFile
    }

    /// What the token endpoint granted.
    public struct Grant: Sendable, Equatable {
        public var accessToken: String
        /// Seconds the access token is valid; an hour when the provider does not say.
        public var expiresIn: TimeInterval
        /// A new refresh token: the first one, or a rotated one that replaces the old.
        public var refreshToken: String?

        public init(accessToken: String, expiresIn: TimeInterval, refreshToken: String?) {
            self.accessToken = accessToken
            self.expiresIn = expiresIn
            self.refreshToken = refreshToken
        }
    }

    /// Gets a fresh access token with a refresh token.
    public func refresh(_ refreshToken: String) throws(TransportError) -> Grant {
        var fields = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        if let scope { fields.append(("scope", scope)) }
        return try grant(fields, what: "the refresh token")
    }

    /// Exchanges the code from the provider's redirect (with the PKCE verifier that made its challenge).
    public func exchange(code: String, verifier: String, redirectURI: String) throws(TransportError) -> Grant {
        try grant([("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("redirect_uri", redirectURI)],
                  what: "the authorization code")
    }

    /// A device-code sign-in under way (RFC 8628): the user enters `userCode` at `verificationURI`.
    public struct DeviceAuthorization: Sendable, Equatable {
        public var deviceCode: String
        public var userCode: String
        public var verificationURI: String
        public var expiresIn: TimeInterval
        public var interval: TimeInterval

        public init(deviceCode: String, userCode: String, verificationURI: String, expiresIn: TimeInterval, interval: TimeInterval) {
            self.deviceCode = deviceCode
            self.userCode = userCode
            self.verificationURI = verificationURI
            self.expiresIn = expiresIn
            self.interval = interval
        }
    }

    /// Starts a device-code sign-in at the provider's device authorization endpoint.
    public func startDeviceAuthorization(at url: String) throws(TransportError) -> DeviceAuthorization {
        var fields = [("client_id", clientID)]
        if let scope { fields.append(("scope", scope)) }
        let response = try HTTPFormPost(url: url, caFile: caFile).send(fields)
        guard response.status == 200, let json = response.json,
              let device = json["device_code"] as? String, let user = json["user_code"] as? String,
              let uri = (json["verification_uri"] ?? json["verification_url"]) as? String
        else { throw refusal(response, at: url, what: "a device code") }
        return DeviceAuthorization(
            deviceCode: device, userCode: user, verificationURI: uri, expiresIn: Self.seconds(json["expires_in"]) ?? 900,
            interval: Self.seconds(json["interval"]) ?? 5)
    }

    /// Where a device-code sign-in stands.
    public enum DevicePoll: Sendable, Equatable {
        case granted(Grant)
        /// Not yet approved; ask again after `interval` seconds (longer after `slow_down`).
        case pending(interval: TimeInterval)
    }

    /// Asks once whether the user has approved the device code.
    public func poll(_ device: DeviceAuthorization) throws(TransportError) -> DevicePoll {
        let fields = [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device.deviceCode)]
        let response = try HTTPFormPost(url: tokenURL, caFile: caFile).send(withClient(fields))
        switch response.json?["error"] as? String {
        case "authorization_pending": return .pending(interval: device.interval)
        case "slow_down": return .pending(interval: device.interval + 5)
        case "access_denied", "authorization_declined":
            throw TransportError(kind: .authentication, message: "the sign-in was declined at the provider; run the command again to retry")
        case "expired_token", "code_expired":
            throw TransportError(kind: .authentication, message: "the code \(device.userCode) expired before it was approved; run the command again")
        default: return .granted(try parseGrant(response, what: "the device code"))
        }
    }

    private func grant(_ fields: [(String, String)], what: String) throws(TransportError) -> Grant {
        try parseGrant(HTTPFormPost(url: tokenURL, caFile: caFile).send(withClient(fields)), what: what)
    }

    private func withClient(_ fields: [(String, String)]) -> [(String, String)] {
        var all = fields + [("client_id", clientID)]
        if let clientSecret { all.append(("client_secret", clientSecret)) }
        return all
    }

    private func parseGrant(_ response: HTTPFormPost.Response, what: String) throws(TransportError) -> Grant {
        guard response.status == 200, let json = response.json, let access = json["access_token"] as? String, !access.isEmpty else {
            throw refusal(response, at: tokenURL, what: what)
        }
        return Grant(accessToken: access, expiresIn: Self.seconds(json["expires_in"]) ?? 3600, refreshToken: json["refresh_token"] as? String)
    }

    /// The provider's `error` and `error_description` (RFC 6749 §5.2) in plain words.
    private func refusal(_ response: HTTPFormPost.Response, at url: String, what: String) -> TransportError {
        let json = response.json
        let code = json?["error"] as? String
        let description = (json?["error_description"] as? String).map { " (\($0.prefix(300)))" } ?? ""
        let kind: TransportError.Kind
        switch response.status {
        case 200..<300: kind = .protocolError
        case 429, 500..<600: kind = .connection
        case 400, 401, 403:
            // Only a refused grant or client is about credentials; a malformed request is ours.
            kind = ["invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope", "access_denied"].contains(code ?? "")
                ? .authentication : .protocolError
        default: kind = .protocolError
        }
        // A body that is not a JSON error is not quoted: it may hold the tokens themselves.
        let said = code.map { "\($0)\(description)" } ?? "HTTP \(response.status) with no OAuth2 error in the answer"
        let verb = response.status == 200 ? "gave no usable answer for" : "refused"
        return TransportError(kind: kind, responseCode: response.status, message: "\(url) \(verb) \(what): \(said)", serverReply: code)
    }

    /// `expires_in` and `interval` arrive as numbers, or from some providers as strings.
    static func seconds(_ value: Any?) -> TimeInterval? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return TimeInterval(text) }
        return nil
    }
}
