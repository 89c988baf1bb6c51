import ArgumentParser
import Foundation
import Gateway

/// `helpdesk run`: the daemon.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll every mailbox and send the outbox until SIGINT or SIGTERM.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Seconds between polls.")
    var interval: Double = 5

    @Option(name: .customLong("sla-interval"), help: "Seconds between SLA clock checks.")
    var slaInterval: Double = 30

    func validate() throws {
        guard interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1 seconds") }
        guard slaInterval >= 0.1 else { throw ValidationError("--sla-interval must be at least 0.1 seconds") }
    }

    func run() throws {
        let logger = options.makeLogger()
        let gateway = try HelpdeskGateway(settings: options.settings, logger: logger)
        let shutdown = ShutdownSignal()
        shutdown.installSignalHandlers()
        gateway.run(interval: interval, slaInterval: slaInterval, shutdown: shutdown)
    }
}

/// `helpdesk poll --once`: one cycle, for cron and tests.
struct Poll: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll every mailbox once, send what is due in the outbox, then exit.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Poll once and exit (the only mode; `helpdesk run` polls continuously).")
    var once = false

    @Option(help: "Poll only this mailbox (its file name without .yaml).")
    var mailbox: String?

    func run() throws {
        let logger = options.makeLogger()
        let gateway = try HelpdeskGateway(settings: options.settings, logger: logger)
        let shutdown = ShutdownSignal()
        shutdown.installSignalHandlers()
        let summaries = try gateway.pollOnce(mailbox: mailbox, shutdown: shutdown)
        for summary in summaries { print(summary) }
        print(try gateway.dispatchOutbox())
        if let failed = summaries.first(where: { $0.error != nil }) {
            throw CommandFailure("mailbox \(failed.mailbox): poll stopped: \(failed.error ?? ""); messages not yet recorded stay on the server and are read again on the next poll")
        }
    }
}
