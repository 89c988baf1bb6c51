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

    @Option(name: .customLong("database"), help: "SQLite database file (default: $HELPDESK_DATABASE or helpdesk.sqlite).")
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

    func openDatabase() throws -> HelpdeskDatabase {
        try requireDatabase()
        return try HelpdeskDatabase(path: databasePath)
    }

    /// For commands that work on existing tickets: a mistyped --database must not leave an empty
    /// database behind (only `run`, `poll` and `ingest` start one).
    func requireDatabase() throws {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CommandFailure("database \(databasePath) does not exist; run `helpdesk poll --once` first, or pass --database")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// How log lines are written.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
