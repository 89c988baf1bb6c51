import Foundation

/// Where and how to reach a mail server: URL, credentials and transport security.
public struct ServerEndpoint: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable {
        /// `imaps://` or `smtps://`: TLS from the first byte.
        case implicitTLS
        /// Plain connection upgraded with STARTTLS; refused when the server does not offer it.
        case startTLS
        /// No TLS at all: only sensible on loopback.
        case none
    }

    /// Scheme, host and port, e.g. `imap://127.0.0.1:10143` (no path).
    public var baseURL: String
    /// The path part of the configured URL, without the leading slash (IMAP: the folder).
    public var path: String
    public var username: String?
    public var password: String?
    /// Set for `auth: oauth2`: logins use SASL XOAUTH2/OAUTHBEARER with its access tokens.
    public var oauth2: OAuth2Credential?
    /// The SASL mechanism to log in with (`XOAUTH2`); nil lets libcurl choose among those the
    /// server offers (OAUTHBEARER before XOAUTH2 for tokens).
    public var saslMechanism: String?
    public var security: Security
    /// Seconds allowed to connect, and for one whole transfer.
    public var connectTimeout: Int
    public var transferTimeout: Int
    /// Whether to check the server's certificate; off only for test servers with self-signed ones.
    public var verifyPeer: Bool
    /// A PEM file with the CA certificate(s) that signed the server's certificate (a private CA),
    /// trusted besides the system's CAs; nil trusts the system's only.
    public var caFile: String?

    public init(
        baseURL: String, path: String = "", username: String? = nil, password: String? = nil,
        security: Security, connectTimeout: Int = 15, transferTimeout: Int = 120, verifyPeer: Bool = true,
        caFile: String? = nil
    ) {
        self.baseURL = baseURL
        self.path = path
        self.username = username
        self.password = password
        self.security = security
        self.connectTimeout = connectTimeout
        self.transferTimeout = transferTimeout
        self.verifyPeer = verifyPeer
        self.caFile = caFile
    }

    /// `host:port` (or just the host) of `baseURL`: how error messages name the server.
    var authority: String { Self.authority(of: baseURL) }

    /// `host:port` of any URL: after the scheme, before the path, query or fragment, without a
    /// `user@` part; the whole text when it has no scheme.
    public static func authority(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority)
    }

    /// Splits `imap://host:port/INBOX` into base and path and chooses the security from the scheme:
    /// `imaps`/`smtps` are implicit TLS; plain schemes use STARTTLS except to loopback hosts.
    public static func parse(_ url: String, expecting schemes: (plain: String, tls: String)) -> ServerEndpoint? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == schemes.plain || scheme == schemes.tls else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var path = String(rest.dropFirst(authority.count))
        if path.hasPrefix("/") { path.removeFirst() }
        let host = hostName(of: String(authority))
        let security: Security = scheme == schemes.tls ? .implicitTLS : (isLoopback(host) ? .none : .startTLS)
        return ServerEndpoint(baseURL: "\(scheme)://\(authority)", path: path, security: security)
    }

    /// The host of an authority (`[::1]:8080` → `::1`), lower-cased.
    public static func hostName(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// `localhost`, `::1` or an address in 127/8, written as an address: a name such as
    /// `127.example.com` can point anywhere.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        var address = in_addr()
        return host.hasPrefix("127.") && inet_pton(AF_INET, host, &address) == 1
    }
}

// Printing an endpoint (logs, error messages, test failures) must never show the password.
extension ServerEndpoint: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(baseURL)/\(path) (user: \(username ?? "-"), password: \(password == nil ? "none" : "set"), \(oauth2.map { "\($0), " } ?? "")security: \(security.rawValue))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "path": path, "username": username as Any, "security": security])
    }
}
