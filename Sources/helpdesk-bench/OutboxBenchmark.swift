import ArgumentParser
import Foundation
import HelpdeskStore
import MailTransport

/// Queues N acknowledgements, then times `helpdesk outbox flush` sending them through the local
/// MTA against a baseline in the same run: the same messages on one reused SMTP connection, with
/// no rendering and no database.
struct OutboxBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Queue N acknowledgements and time sending them, beside the MTA's own rate.")

    @Option(help: "How many requests (and so acknowledgements).") var count = 3000
    @OptionGroup var servers: BenchServers
    @Option(help: "Mailbox config directory whose SMTP URL points nowhere: the poll queues acknowledgements.") var queueingConfigDir: String
    @Option(help: "Mailbox config directory with the real SMTP URL, for the flush.") var configDir: String

    func run() throws {
        let password = try servers.password()
        try servers.deliver(count, password: password)

        // Record every request; the acknowledgements stay queued (their SMTP server is down).
        try helpdesk(["poll", "--once", "--config-dir", queueingConfigDir], password: password, mustSucceed: false)
        let store = try HelpdeskDatabase(path: servers.database)
        let queued = try store.outbox(status: .pending).compactMap(\.id)
        _ = try store.retryOutbox(.ids(queued), now: Date())
        print("queued: \(queued.count) acknowledgements and notifications")

        var clock = ContinuousClock.now
        try helpdesk(["outbox", "flush", "--config-dir", configDir], password: password, mustSucceed: true)
        let flushSeconds = elapsedSeconds(since: clock)
        let sent = try store.outbox(status: .sent)
        guard sent.count == queued.count else { throw ValidationError("flush sent \(sent.count) of \(queued.count)") }

        // Baseline: the bytes the flush sent, on one connection, nothing else.
        let messages = sent.compactMap { row in row.message.map { (row.envelopeFrom ?? "support@example.test", row.recipientList, [UInt8]($0)) } }
        clock = ContinuousClock.now
        let baseline = try SMTPClient(endpoint: servers.smtp)
        for (from, recipients, bytes) in messages { try baseline.send(from: from, to: recipients, message: bytes) }
        let baselineSeconds = elapsedSeconds(since: clock)

        let bytes = messages.reduce(0) { $0 + $1.2.count }
        let baselineRate = Double(messages.count) / baselineSeconds
        let flushRate = Double(sent.count) / flushSeconds
        print(String(format: "baseline: %d messages (%.1f MB) on one SMTP connection in %.2f s = %.0f msg/s", messages.count, Double(bytes) / 1e6, baselineSeconds, baselineRate))
        print(String(format: "outbox flush: %d rendered and sent in %.2f s = %.0f msg/s = %.0f%% of the baseline (target: 90%%)",
                     sent.count, flushSeconds, flushRate, 100 * flushRate / baselineRate))
    }

    private func helpdesk(_ arguments: [String], password: String, mustSucceed: Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: servers.helpdesk)
        process.arguments = arguments + ["--templates", servers.templates, "--database", servers.database, "--log-level", "error"]
        var environment = ProcessInfo.processInfo.environment
        environment["SUPPORT_IMAP_PASSWORD"] = password
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if mustSucceed, process.terminationStatus != 0 {
            throw ValidationError("helpdesk \(arguments.prefix(2).joined(separator: " ")) exited with \(process.terminationStatus)")
        }
    }
}
