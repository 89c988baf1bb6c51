public import Foundation

/// Where the PostgreSQL store is and how to reach it: parsed from `postgres://user@host:port/db`,
/// with the password from an environment variable or a file, never from the URL.
public struct PostgresSettings: Sendable, Equatable {
    /// How the connection is protected, from the URL's `sslmode`.
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP (loopback, or a network the admin trusts).
        case disable
        /// TLS, the server's certificate checked against the CA file (or the system's) and its name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// PEM file of the CAs the server's certificate is checked against (`sslrootcert`); the
    /// system's when nil.
    public var caFile: String?
    public var password: String?

    /// The URL as the admin can be shown it: no password, ever.
    public var displayURL: String { "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .disable ? "" : "?sslmode=\(tls.rawValue)") }

    public init(host: String, port: Int = 5432, user: String, database: String, tls: TLSMode = .disable, caFile: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.caFile = caFile
        self.password = password
    }

    /// Whether `text` names a PostgreSQL database rather than an SQLite file.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `postgres://user@host[:port]/database[?sslmode=…&sslrootcert=…]`. The password
    /// comes from `MAILGATE_DATABASE_PASSWORD`, or from the file `MAILGATE_DATABASE_PASSWORD_FILE`
    /// names, in `environment`.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresSettingsError) {
        guard Self.isPostgresURL(text), let url = URLComponents(string: text) else {
            throw PostgresSettingsError("'\(Self.redacted(text))' is not a PostgreSQL URL; write postgres://USER@HOST:PORT/DATABASE")
        }
        guard url.password == nil else {
            throw PostgresSettingsError(
                "the database URL holds a password; remove it and set MAILGATE_DATABASE_PASSWORD or MAILGATE_DATABASE_PASSWORD_FILE instead, so it stays out of config files and logs")
        }
        guard let host = url.host, !host.isEmpty else { throw PostgresSettingsError("the database URL names no host: write postgres://USER@HOST:PORT/DATABASE") }
        guard let user = url.user, !user.isEmpty else { throw PostgresSettingsError("the database URL names no user: write postgres://USER@\(host)/DATABASE") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresSettingsError("the database URL names no database: write postgres://\(user)@\(host)/DATABASE")
        }
        var tls = TLSMode.disable
        var caFile: String?
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": tls = .disable
                case "verify-full", "require", "verify-ca":
                    // Encryption without checking whom it is with protects against nothing an
                    // attacker on the path cannot undo: every mode that asks for TLS checks fully.
                    tls = .verifyFull
                default:
                    throw PostgresSettingsError("sslmode '\(item.value ?? "")' is not known; use disable or verify-full")
                }
            case "sslrootcert": caFile = item.value
            default:
                throw PostgresSettingsError("the database URL's parameter '\(item.name)' is not known; only sslmode and sslrootcert are")
            }
        }
        var password = environment["MAILGATE_DATABASE_PASSWORD"]
        if password == nil, let file = environment["MAILGATE_DATABASE_PASSWORD_FILE"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw PostgresSettingsError("cannot read the database password file \(file) (MAILGATE_DATABASE_PASSWORD_FILE)")
            }
            password = text.trimmingCharacters(in: .newlines)
        }
        self.init(host: host, port: url.port ?? 5432, user: user, database: database, tls: tls, caFile: caFile, password: password)
    }

    /// `text` with anything between `://` and `@` hidden: a password typed into the URL by
    /// mistake must not reach a log through an error message.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        return text[..<scheme.upperBound] + "…" + text[at...]
    }
}

/// A database URL or password that cannot be used, with what to do about it.
public struct PostgresSettingsError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ description: String) { self.description = description }
}
