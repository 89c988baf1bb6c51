import ArgumentParser
import Foundation
import MailTransport
#if canImport(Glibc)
import Glibc
#endif

/// Delivers N generated requests through the MTA, then times one `helpdesk poll --once` against a
/// baseline: fetching the same messages over IMAP with no parsing and no database.
struct PollBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll", abstract: "Deliver N messages and time one poll cycle.")

    @Option(help: "How many messages to deliver.") var count = 1000
    @OptionGroup var servers: BenchServers
    @Option(help: "Mailbox config directory for helpdesk.") var configDir: String
    @Option(help: "Log level for the measured helpdesk run (its log goes to stderr).") var logLevel = "warning"
    @Option(help: "A profiler command to run the measured poll under, e.g. \"perf record -g -o poll.perf\" (split on spaces).")
    var wrapper: String?
    @Flag(help: "Time recording only: the poll leaves the acknowledgements queued (`poll --no-send`).")
    var noSend = false

    func run() throws {
        let password = try servers.password()
        let imap = servers.supportInbox(password: password)
        var clock = ContinuousClock.now
        let bytes = try servers.deliver(count, password: password)
        let deliverSeconds = elapsedSeconds(since: clock)
        print(String(format: "deliver: %d messages, %.1f MB through OpenSMTPD+LMTP in %.2f s", count, Double(bytes) / 1e6, deliverSeconds))

        // Baseline: the same fetches, nothing else.
        clock = ContinuousClock.now
        let reader = try IMAPClient(endpoint: imap)
        let status = try reader.status()
        var fetched = 0
        for uid in try reader.uids(after: 0, below: status.uidNext) { fetched += try reader.fetch(uid: uid).count }
        let baselineSeconds = elapsedSeconds(since: clock)

        clock = ContinuousClock.now
        let process = Process()
        let wrapperWords = (wrapper ?? "").split(separator: " ").map(String.init)
        process.executableURL = URL(fileURLWithPath: wrapperWords.isEmpty ? servers.helpdesk : "/usr/bin/env")
        process.arguments = wrapperWords + (wrapperWords.isEmpty ? [] : [servers.helpdesk]) + ["poll", "--once", "--config-dir", configDir, "--templates", servers.templates, "--database", servers.database, "--log-level", logLevel] + (noSend ? ["--no-send"] : [])
        var environment = ProcessInfo.processInfo.environment
        environment["SUPPORT_IMAP_PASSWORD"] = password
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let pollSeconds = elapsedSeconds(since: clock)
        guard process.terminationStatus == 0 else { throw ValidationError("helpdesk poll --once exited with \(process.terminationStatus)") }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)  // ru_maxrss of the largest child: the poll
        let peakMB = Double(usage.ru_maxrss) / 1024

        let total = status.messages
        print(String(format: "baseline: IMAP fetch only of %d messages (%.1f MB) in %.2f s = %.0f msg/s", total, Double(fetched) / 1e6, baselineSeconds, Double(total) / baselineSeconds))
        print(String(format: "poll: %d messages in %.2f s = %.0f msg/s (%.2fx the fetch-only time), peak RSS %.1f MB", total, pollSeconds, Double(total) / pollSeconds, pollSeconds / baselineSeconds, peakMB))
    }
}
