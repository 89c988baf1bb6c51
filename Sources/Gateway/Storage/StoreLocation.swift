import Foundation
public import HelpdeskStore
import HelpdeskPostgres
public import Logging

/// Where the store is: an SQLite file (the default), or a PostgreSQL database that several
/// instances share, named by a `postgres://` URL in `--database` or `HELPDESK_DATABASE`.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String) {
        self = PostgresSettings.isPostgresURL(text) ? .postgres(url: text) : .sqlite(path: text)
    }

    /// Whether several instances may work on it at once.
    public var isShared: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// The location as it may be shown: a URL without any password.
    public var display: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): (try? PostgresSettings(url: url, environment: [:]).displayURL) ?? "a postgres:// URL"
        }
    }

    /// Opens the store (creating an SQLite file, migrating either). `environment` holds the
    /// PostgreSQL password (`MAILGATE_DATABASE_PASSWORD` or `…_FILE`).
    public func open(environment: [String: String], logger: Logger) throws -> any TicketStore {
        switch self {
        case .sqlite(let path):
            return try HelpdeskDatabase(path: path)
        case .postgres(let url):
            do {
                return try PostgresStore(settings: try PostgresSettings(url: url, environment: environment), logger: logger)
            } catch let error as PostgresSettingsError {
                throw StoreLocationError(description: "database: \(error)")
            }
        }
    }
}

/// A store location that cannot be used, with what to do about it.
public struct StoreLocationError: Error, CustomStringConvertible {
    public var description: String
}
