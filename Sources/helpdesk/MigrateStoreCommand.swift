import ArgumentParser
import Foundation
import Gateway
import HelpdeskPostgres
import HelpdeskStore
import Logging

/// `helpdesk migrate-store --to postgres://…`: the SQLite database copied into an empty
/// PostgreSQL one, for moving an installation to several instances.
struct MigrateStore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy the SQLite database (--database) into an empty PostgreSQL database, for several instances.",
        discussion: """
            Stop the gateway first (the copy refuses while a `helpdesk run` uses the database). \
            Everything is copied in one transaction: tickets, history, comments, participants, tags, \
            the outbox, SLA clocks and notices, cursors, suppressions, poll states, OAuth refresh \
            tokens and the attachments' records; each table's count is checked. The password comes \
            from MAILGATE_DATABASE_PASSWORD or MAILGATE_DATABASE_PASSWORD_FILE.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The empty PostgreSQL database to copy into.", valueName: "postgres://USER@HOST:PORT/DB"))
    var to: String

    func run() throws {
        guard case let .sqlite(path) = options.storeLocation else {
            throw CommandFailure("--database must name the SQLite file to copy from; --to names the PostgreSQL database")
        }
        guard case .postgres = StoreLocation(to) else {
            throw CommandFailure("--to '\(to)' is not a postgres:// URL; write postgres://USER@HOST:PORT/DB")
        }
        try options.requireDatabase()
        // Nothing may change the source while it is copied.
        let lock: InstanceLock
        do {
            lock = try InstanceLock(database: path)
        } catch let held as InstanceLock.Held {
            throw CommandFailure("\(held.description.replacingOccurrences(of: "; stop it first, or give this one its own --database", with: "")); stop it first (`systemctl stop mailgate`), then copy")
        }
        defer { withExtendedLifetime(lock) {} }
        let source = try HelpdeskDatabase(path: path)
        let settings: PostgresSettings
        do {
            settings = try PostgresSettings(url: to)
        } catch {
            throw CommandFailure("--to: \(error)")
        }
        let target = try PostgresStore(settings: settings, logger: Logger(label: "mailgate"))
        defer { target.close() }
        let copied: [CopiedTable]
        do {
            copied = try target.copy(from: source) { table in
                print("  \(table.table): \(table.copied) row\(table.copied == 1 ? "" : "s")")
            }
        } catch let error as PostgresStoreError {
            throw CommandFailure("\(error); nothing was copied")
        }
        let rows = copied.reduce(0) { $0 + $1.copied }
        print("""
            Copied \(path) into \(settings.displayURL): \(rows) rows in \(copied.count) tables, every count checked.

            Next: point every instance at it (HELPDESK_DATABASE=\(settings.displayURL) and the password in \
            MAILGATE_DATABASE_PASSWORD_FILE), make \(options.dataPath) reachable by all of them (shared storage), \
            start them, and check `helpdesk status`. Keep \(path) until you are sure: the copy does not change it.
            """)
    }
}
