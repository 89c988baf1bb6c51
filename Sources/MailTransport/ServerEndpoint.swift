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
    public var security: Security
    /// Seconds allowed to connect, and for one whole transfer.
    public var connectTimeout: Int
    public var transferTimeout: Int
    /// Whether to check the server's certificate; off only for test servers with self-signed ones.
    public var verifyPeer: Bool

    public init(
        baseURL: String, path: String = "", username: String? = nil, password: String? = nil,
        security: Security, connectTimeout: Int = 15, transferTimeout: Int = 120, verifyPeer: Bool = true
    ) {
        self.baseURL = baseURL
        self.path = path
        self.username = username
        self.password = password
        self.security = security
        self.connectTimeout = connectTimeout
        self.transferTimeout = transferTimeout
        self.verifyPeer = verifyPeer
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

    static func hostName(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.prefix { $0 != ":" })
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

// Printing an endpoint (logs, error messages, test failures) must never show the password.
extension ServerEndpoint: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(baseURL)/\(path) (user: \(username ?? "-"), password: \(password == nil ? "none" : "set"), security: \(security.rawValue))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "path": path, "username": username as Any, "security": security])
    }
}
