import ArgumentParser
import Foundation
import Gateway
import Logging
import Monitoring

/// `helpdesk run`: the daemon.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Poll every mailbox and send the outbox until SIGINT or SIGTERM; SIGHUP reloads mailboxes/ and templates/.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Seconds between polls.")
    var interval: Double = 5

    @Option(name: .customLong("sla-interval"), help: "Seconds between SLA clock checks.")
    var slaInterval: Double = 30

    @Option(help: "Seconds between heartbeat log lines (polls, messages, mail sent).")
    var heartbeat: Double = 300

    @Flag(name: .customLong("no-idle"), help: "Poll every --interval instead of waiting for new mail in IMAP IDLE.")
    var noIdle = false

    @Option(name: .customLong("full-poll-interval"), help: "Seconds between full polls of a mailbox waiting in IMAP IDLE (a safety net).")
    var fullPoll: Double = 300

    @Option(name: .customLong("lease-seconds"), help: ArgumentHelp(
        "How long a mailbox's lease holds without renewal: with several instances on one PostgreSQL database, the longest a dead instance keeps its mailboxes from the others.",
        valueName: "seconds"))
    var leaseSeconds: Double = 30

    @Option(help: ArgumentHelp(
        "Serve /metrics, /healthz and /readyz over HTTP at HOST:PORT (a bare PORT means 127.0.0.1:PORT). Off unless given.",
        valueName: "address"))
    var listen: String?

    func validate() throws {
        guard interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1 seconds") }
        guard slaInterval >= 0.1 else { throw ValidationError("--sla-interval must be at least 0.1 seconds") }
        guard heartbeat >= 1 else { throw ValidationError("--heartbeat must be at least 1 second") }
        // Servers end an IDLE after 30 minutes (RFC 2177 says to renew before 29).
        guard (1...1500).contains(fullPoll) else { throw ValidationError("--full-poll-interval must be 1 to 1500 seconds (IDLE is renewed before 29 minutes)") }
        guard (3...3600).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be 3 to 3600 seconds") }
        if let listen, ListenAddress(parsing: listen) == nil {
            throw ValidationError("--listen '\(listen)' is not HOST:PORT or PORT (e.g. 127.0.0.1:9464)")
        }
    }

    func run() throws {
        let logger = options.makeLogger()
        // Signals first: a `systemctl reload` during the start must not end the process (SIGHUP's
        // default), and SIGTERM must wait for the message in hand.
        let shutdown = ShutdownSignal()
        shutdown.installSignalHandlers()
        let reload = ReloadSignal(waking: shutdown)
        reload.installSignalHandler()
        // The files, then the lock, then the database: a bad config opens nothing, and a second
        // gateway on the same database (which would poll and send everything twice) touches
        // nothing of the first's.
        try HelpdeskGateway.check(settings: options.settings)
        let lock: InstanceLock
        if options.storeLocation.isShared {
            // The lock lives in the data directory, which a first start has not made yet.
            do {
                try FileManager.default.createDirectory(atPath: options.dataPath, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure("cannot create the data directory \(options.dataPath): \(error); check --data-dir and its permissions")
            }
        }
        do {
            lock = try InstanceLock(database: options.instanceLockBase)
        } catch let held as InstanceLock.Held {
            throw CommandFailure(held.description)
        }
        let gateway = try HelpdeskGateway(settings: options.settings, logger: logger)
        var server: MonitoringServer?
        if let address = listen.flatMap(ListenAddress.init(parsing:)) {
            let registry = MetricsRegistry.bootstrap()
            do {
                server = try blocking { try await MonitoringServer.start(address: address, registry: registry, readiness: gateway.readiness, logger: logger) }
            } catch {
                throw CommandFailure("\(error); pick a free port, or leave out --listen")
            }
            if !address.isLoopback {
                logger.warning("metrics are served beyond this machine; they name mailboxes", metadata: ["listen": "\(address)"])
            }
            logger.info("serving /metrics, /healthz, /readyz", metadata: ["listen": "\(address.host):\(server?.port ?? address.port)"])
        }
        let schedule = RunSchedule(
            interval: interval, slaInterval: slaInterval, heartbeat: heartbeat, idle: !noIdle, fullPoll: fullPoll, lease: leaseSeconds)
        gateway.run(schedule, shutdown: shutdown, reload: reload)
        if let server { try? blocking { await server.stop() } }
        withExtendedLifetime(lock) {}
    }
}

/// `helpdesk poll --once`: one cycle, for cron and tests.
struct Poll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Poll every mailbox once, send what is due in the outbox, then exit.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Poll once and exit (the only mode; `helpdesk run` polls continuously).")
    var once = false

    @Option(help: "Poll only this mailbox (its file name without .yaml).")
    var mailbox: String?

    @Flag(help: "Record new mail only: replies stay queued in the outbox for `helpdesk run` or `helpdesk outbox flush`.")
    var noSend = false

    func run() throws {
        // On a terminal a progress line; elsewhere a log line every few seconds.
        let terminal = PollProgressDisplay.standardErrorTerminal()
        var beforeEachLine: (@Sendable () -> Void)?
        if let terminal { beforeEachLine = { terminal.clear() } }
        let logger = options.makeLogger(beforeEachLine: beforeEachLine)
        let progress = terminal ?? PollProgressDisplay.log(logger)
        let gateway = try HelpdeskGateway(settings: options.settings, logger: logger, loggingInEarly: { [mailbox] in mailbox == nil || $0 == mailbox })
        let shutdown = ShutdownSignal()
        shutdown.installSignalHandlers()
        let summaries = try gateway.pollOnce(mailbox: mailbox, shutdown: shutdown, progress: progress)
        progress.clear()
        for summary in summaries { print(summary) }
        if !noSend { print(try gateway.dispatchOutbox()) }
        if let failed = summaries.first(where: { $0.error != nil }) {
            throw CommandFailure("mailbox \(failed.mailbox): poll stopped: \(failed.error ?? ""); messages not yet recorded stay on the server and are read again on the next poll")
        }
    }
}
