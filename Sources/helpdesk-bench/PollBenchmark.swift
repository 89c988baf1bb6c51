import ArgumentParser
import Foundation
import HelpdeskStore
import MailTransport
#if canImport(Glibc)
import Glibc
#endif

/// Delivers N generated requests through the MTA, then times `helpdesk poll --once` against a
/// baseline: fetching the same messages over IMAP with no parsing and no database. Prints the
/// issue's targets as met or not; with a peer script, times a peer on the same messages too.
struct PollBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll", abstract: "Deliver N messages and time one poll cycle.")

    /// Ingest rate the poll must reach, messages per second.
    static let targetRate = 2000.0
    /// How many times the peer's rate the poll must reach.
    static let targetPeerRatio = 30.0
    /// Peak resident memory the poll may use, MB.
    static let targetPeakMB = 60.0

    @Option(help: "How many messages to deliver.") var count = 1000
    @OptionGroup var servers: BenchServers
    @Option(help: "Mailbox config directory for helpdesk.") var configDir: String
    @Option(help: "Log level for the measured helpdesk run (its log goes to stderr).") var logLevel = "warning"
    @Option(help: "A profiler command to run the measured poll under, e.g. \"perf record -g -o poll.perf\" (split on spaces).")
    var wrapper: String?
    @Flag(help: "Time recording only: the poll leaves the acknowledgements queued (`poll --no-send`).")
    var noSend = false
    @Option(help: "A peer's benchmark script (scripts/bench-peer-django.sh): run on the same messages, delivered again, after the poll.")
    var peerScript: String?
    @Option(help: "With --no-send: how many times the poll is timed, each from the same empty database and data directory; the targets are judged on the median.")
    var runs = 3
    @Option(help: "A PostgreSQL database (postgres://USER@HOST:PORT/DB, empty): the same messages are polled again into it, and both rates printed.")
    var postgres: String?

    func run() throws {
        let password = try servers.password()
        let imap = servers.supportInbox(password: password)
        // Each database is created and migrated before the clock starts, as an installation
        // meeting a backlog has one (the peer's `manage.py migrate` is not timed either): a poll
        // of the still empty INBOX, which leaves no cursor behind.
        for database in [servers.database] + (postgres.map { [$0] } ?? []) {
            try runPoll(password: password, database: database, wrapped: false)
        }
        var clock = ContinuousClock.now
        let bytes = try servers.deliver(count, password: password)
        let deliverSeconds = elapsedSeconds(since: clock)
        print(String(format: "deliver: %d messages, %.1f MB through OpenSMTPD+LMTP in %.2f s", count, Double(bytes) / 1e6, deliverSeconds))
        Self.settle()

        // Baseline: the same fetches, nothing else.
        clock = ContinuousClock.now
        let reader = try IMAPClient(endpoint: imap)
        let status = try reader.status()
        var fetched = 0
        for uid in try reader.uids(after: 0, below: status.uidNext) { fetched += try reader.fetch(uid: uid).count }
        let baselineSeconds = elapsedSeconds(since: clock)

        // The same messages polled again from the same start: the machine's speed drifts by a
        // quarter between runs, so one run says little. Sending happens once (the MTA's mail).
        // Under a profiler, once: its output is that run's.
        let timed = noSend && wrapper == nil ? max(1, runs) : 1
        // The data directory as the polls find it (`helpdesk`'s own default otherwise).
        let start = timed > 1
            ? try PollStart(database: servers.database, data: ProcessInfo.processInfo.environment["HELPDESK_DATA_DIR"] ?? "data") : nil
        defer { start?.finish() }
        var results: [(seconds: Double, cpu: Double)] = []
        for run in 1...timed {
            if let start, run > 1 {
                try start.restore()
                // As the first run found them: without the gateway's keywords, so its flags cost
                // the same each time.
                let client = try IMAPClient(endpoint: imap)
                try client.removeFlags(["$Helpdesk-Processed", "$Helpdesk-Quarantined"], from: try client.search("ALL"))
                Self.settle()
            }
            var before = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &before)
            clock = ContinuousClock.now
            try runPoll(password: password, database: servers.database)
            let seconds = elapsedSeconds(since: clock)
            var after = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &after)
            // CPU is steadier than the rate on a shared machine: what a change saves shows here first.
            results.append((seconds, Self.seconds(after.ru_utime) + Self.seconds(after.ru_stime) - Self.seconds(before.ru_utime) - Self.seconds(before.ru_stime)))
        }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)  // ru_maxrss of the largest child: the polls' highest
        let peakMB = Double(usage.ru_maxrss) / 1024
        let pollSeconds = Self.median(results.map(\.seconds))
        let cpuSeconds = Self.median(results.map(\.cpu))

        let total = status.messages
        let rate = Double(total) / pollSeconds
        print(String(format: "baseline: IMAP fetch only of %d messages (%.1f MB) in %.2f s = %.0f msg/s", total, Double(fetched) / 1e6, baselineSeconds, Double(total) / baselineSeconds))
        if timed > 1 {
            print("poll runs: " + results.map { String(format: "%.0f msg/s", Double(total) / $0.seconds) }.joined(separator: ", ") + " (median below)")
        }
        print(String(format: "poll%@: %d messages in %.2f s = %.0f msg/s (%.2fx the fetch-only time), peak RSS %.1f MB",
                     noSend ? " --no-send" : " (with sending)", total, pollSeconds, rate, pollSeconds / baselineSeconds, peakMB))
        print(String(format: "poll CPU: %.2f s user+system = %.2f ms per message, %.2f cores busy on average",
                     cpuSeconds, cpuSeconds * 1000 / Double(max(total, 1)), cpuSeconds / pollSeconds))
        if !noSend { try printMTARate() }
        if let postgres {
            // The same messages again: a new database has no cursor, so the poll reads them all.
            Self.settle()
            var before = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &before)
            clock = ContinuousClock.now
            try runPoll(password: password, database: postgres)
            let seconds = elapsedSeconds(since: clock)
            var after = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &after)
            let cpu = Self.seconds(after.ru_utime) + Self.seconds(after.ru_stime) - Self.seconds(before.ru_utime) - Self.seconds(before.ru_stime)
            print(String(format: "poll%@ on PostgreSQL: %d messages in %.2f s = %.0f msg/s (%.2fx SQLite's rate above); helpdesk CPU %.2f ms per message",
                         noSend ? " --no-send" : " (with sending)", total, seconds, Double(total) / seconds, (Double(total) / seconds) / rate,
                         cpu * 1000 / Double(max(total, 1))))
        }
        if noSend { target(String(format: "ingest ≥ %.0f msg/s", Self.targetRate), String(format: "%.0f msg/s", rate), met: rate >= Self.targetRate) }
        target(String(format: "peak RSS ≤ %.0f MB", Self.targetPeakMB), String(format: "%.1f MB", peakMB), met: peakMB <= Self.targetPeakMB)

        if let peerScript {
            // Same messages, delivered again to an emptied INBOX, so the peer reads exactly them.
            let left = try IMAPClient(endpoint: imap).search("ALL")
            // A connection per 200: libcurl refused a whole backlog's EXPUNGE answers on one
            // ("Too large response headers").
            for chunk in stride(from: 0, to: left.count, by: 200) {
                try IMAPClient(endpoint: imap).delete(Array(left[chunk..<min(chunk + 200, left.count)]))
            }
            try servers.deliver(count, password: password)
            Self.settle()
            let peerRate = try runPeer(peerScript)
            target(String(format: "≥ %.0f× the peer", Self.targetPeerRatio), String(format: "%.1f×", rate / peerRate), met: rate / peerRate >= Self.targetPeerRatio)
        }
    }

    /// Writes back what the delivery left in the page cache before a timed run. A real backlog's
    /// mail was written long before (the kernel writes dirty pages back within 30 s); left dirty,
    /// the poll's first flush of the file system (syncfs) wrote the benchmark's delivery too
    /// (8 MB for 1,000 messages): 0 to 140 ms of the poll, depending on how much was left.
    private static func settle() {
        sync()
    }

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }

    private func runPoll(password: String, database: String, wrapped: Bool = true) throws {
        let process = Process()
        let wrapperWords = wrapped ? (wrapper ?? "").split(separator: " ").map(String.init) : []
        process.executableURL = URL(fileURLWithPath: wrapperWords.isEmpty ? servers.helpdesk : "/usr/bin/env")
        process.arguments = wrapperWords + (wrapperWords.isEmpty ? [] : [servers.helpdesk]) + ["poll", "--once", "--config-dir", configDir, "--templates", servers.templates, "--database", database, "--log-level", logLevel] + (noSend ? ["--no-send"] : [])
        var environment = ProcessInfo.processInfo.environment
        environment["SUPPORT_IMAP_PASSWORD"] = password
        // The poll prints where its time went (reading or recording side) on standard error.
        environment["MAILGATE_POLL_STAGES"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("helpdesk poll --once exited with \(process.terminationStatus)") }
    }

    /// The MTA's own rate for the mail the poll sent: the same bytes on one SMTP connection,
    /// nothing else, until the MTA accepted them.
    private func printMTARate() throws {
        let sent = try HelpdeskDatabase(path: servers.database).outbox(status: .sent)
        let messages = sent.compactMap { row in row.message.map { (row.envelopeFrom ?? "support@example.test", row.recipientList, [UInt8]($0)) } }
        guard !messages.isEmpty else { return }
        let clock = ContinuousClock.now
        let client = try SMTPClient(endpoint: servers.smtp)
        for (from, recipients, bytes) in messages { try client.send(from: from, to: recipients, message: bytes) }
        let seconds = elapsedSeconds(since: clock)
        print(String(format: "MTA: the poll's %d sent mails again on one SMTP connection, accepted in %.2f s = %.0f msg/s",
                     messages.count, seconds, Double(messages.count) / seconds))
    }

    /// Runs the peer's script and returns its rate, messages per second. With `noSend` the peer
    /// sends nothing either, so both sides do the same work.
    private func runPeer(_ script: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "--imap-port", "\(servers.imapPort)", "--smtp-port", "\(servers.smtpPort)", "--user", "support@example.test",
                             "--password-file", servers.passwordFile, "--expect", "\(count)"] + (noSend ? ["--no-send"] : [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard process.terminationStatus == 0, let rate = Self.peerRate(text) else {
            throw ValidationError("the peer's benchmark failed (exit \(process.terminationStatus)); its messages are above")
        }
        return rate
    }

    /// The rate in the peer's line: `... = 13.8 msg/s, ...`.
    static func peerRate(_ line: String) -> Double? {
        guard let equals = line.range(of: " = ", options: .backwards) else { return nil }
        return Double(line[equals.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    private func target(_ name: String, _ measured: String, met: Bool) {
        print("target \(name): \(measured), \(met ? "met" : "NOT met")")
    }
}
