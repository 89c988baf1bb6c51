import Foundation
import PostgresNIO

/// A PostgreSQL failure told as what happened and what to do; `sqlState` for code that must tell
/// a unique violation from a lost connection.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The server's SQLSTATE (`23505` unique violation …), nil when the server said nothing.
    public var sqlState: String?

    init(_ description: String, sqlState: String? = nil) {
        self.description = description
        self.sqlState = sqlState
    }

    /// The server refused a statement: a constraint, a trigger, a serialization failure.
    var isServerError: Bool { sqlState != nil }

    /// PSQLError's own text is deliberately vague ("Database error"): the server's message and
    /// SQLSTATE are what an admin needs. The query text is left out (it may hold addresses).
    static func from(_ error: any Error, settings: PostgresSettings) -> PostgresStoreError {
        if let known = error as? PostgresStoreError { return known }
        guard let psql = error as? PSQLError else {
            return PostgresStoreError("PostgreSQL at \(settings.host):\(settings.port): \(error)")
        }
        if let info = psql.serverInfo, let message = info[.message] {
            let state = info[.sqlState]
            let detail = info[.detail].map { " (\($0))" } ?? ""
            return PostgresStoreError("PostgreSQL refused: \(message)\(detail) [SQLSTATE \(state ?? "?")]", sqlState: state)
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return PostgresStoreError(
                "lost the connection to PostgreSQL at \(settings.host):\(settings.port)\(psql.underlying.map { ": \($0)" } ?? ""); check that the server runs and is reachable")
        case .authMechanismRequiresPassword:
            return PostgresStoreError(
                "PostgreSQL at \(settings.host):\(settings.port) asks for a password for \(settings.user); set MAILGATE_DATABASE_PASSWORD or MAILGATE_DATABASE_PASSWORD_FILE")
        case .sslUnsupported:
            return PostgresStoreError("PostgreSQL at \(settings.host):\(settings.port) does not offer TLS, and the URL asks for it (sslmode)")
        default:
            return PostgresStoreError("PostgreSQL at \(settings.host):\(settings.port): \(psql.code)\(psql.underlying.map { ": \($0)" } ?? "")")
        }
    }
}
