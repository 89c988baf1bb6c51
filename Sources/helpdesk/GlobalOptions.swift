public import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore
public import Logging

/// Options every subcommand shares: where the installation keeps its files.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("config-dir"), help: "Directory with one <mailbox>.yaml per support address.")
    var configDirectory = "mailboxes"

    @Option(name: .customLong("templates"), help: "Directory with the reply templates.")
    var templatesDirectory = "templates"

    @Option(
        name: .customLong("database"),
        help: "SQLite database file, or postgres://USER@HOST:PORT/DB shared by several instances (password from $MAILGATE_DATABASE_PASSWORD or $MAILGATE_DATABASE_PASSWORD_FILE; default: $HELPDESK_DATABASE or helpdesk.sqlite).")
    var database: String?

    @Option(name: .customLong("data-dir"), help: "Directory for attachments and raw messages (default: $HELPDESK_DATA_DIR or data).")
    var dataDirectory: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("log-format"), help: "text (one line per event) or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    var databasePath: String {
        database ?? ProcessInfo.processInfo.environment["HELPDESK_DATABASE"] ?? "helpdesk.sqlite"
    }

    var dataPath: String {
        dataDirectory ?? ProcessInfo.processInfo.environment["HELPDESK_DATA_DIR"] ?? "data"
    }

    var settings: GatewaySettings {
        GatewaySettings(configDirectory: configDirectory, templatesDirectory: templatesDirectory,
                        databasePath: databasePath, dataDirectory: dataPath, environment: ProcessInfo.processInfo.environment)
    }

    /// Logs go to stderr, one line per event; stdout stays for command output.
    /// `beforeEachLine`: called before every line is written (a progress line on the same
    /// terminal clears itself).
    func makeLogger(beforeEachLine: (@Sendable () -> Void)? = nil) -> Logger {
        let level = logLevel
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch format {
            case .text: handler = StreamLogHandler.standardError(label: label)
            case .json: handler = JSONLogHandler(label: label)
            }
            handler.logLevel = level
            if let beforeEachLine { handler = LineClearingLogHandler(wrapping: handler, beforeEachLine: beforeEachLine) }
            return handler
        }
        return Logger(label: "mailgate")
    }

    var storeLocation: StoreLocation { StoreLocation(databasePath) }

    /// The database as it may be shown: never a password.
    var databaseDisplay: String { storeLocation.display }

    /// The existing store (see `requireDatabase`).
    func openDatabase() throws -> any TicketStore {
        try requireDatabase()
        return try openOrCreateDatabase()
    }

    /// The store, an SQLite file created when missing.
    func openOrCreateDatabase() throws -> any TicketStore {
        do {
            return try storeLocation.open(environment: ProcessInfo.processInfo.environment, logger: Logger(label: "mailgate"))
        } catch let error as StoreLocationError {
            throw CommandFailure(error.description)
        }
    }

    /// For commands that work on existing tickets: a mistyped --database must not leave an empty
    /// database behind (only `run`, `poll` and `ingest` start one). A PostgreSQL database is
    /// never created by the gateway: its admin creates it empty.
    func requireDatabase() throws {
        guard case let .sqlite(path) = storeLocation else { return }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("database \(path) does not exist; run `helpdesk poll --once` first, or pass --database")
        }
    }

    /// What `helpdesk run` locks so only one runs per database (SQLite) or, with PostgreSQL
    /// where several instances are the point, per data directory and machine; and what
    /// `helpdesk reload` looks up to find the local one.
    var instanceLockBase: String {
        switch storeLocation {
        case let .sqlite(path): path
        case .postgres: "\(dataPath)/helpdesk-run-\(ProcessInfo.processInfo.hostName)"
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// How log lines are written.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
