import ArgumentParser
import Foundation
import HelpdeskStore
import MailTransport

/// Queues N acknowledgements, then times `helpdesk outbox flush` sending them through the local
/// MTA against a baseline in the same run: the same messages on one reused SMTP connection, with
/// no rendering and no database. Both are timed until their mail is in the recipients' mailboxes,
/// and until the MTA has accepted it.
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
        let pending = try store.outbox(status: .pending)
        let queued = pending.compactMap(\.id)
        _ = try store.retryOutbox(.ids(queued), now: Date())
        let expected = Dictionary(pending.flatMap(\.recipientList).map { ($0, 1) }, uniquingKeysWith: +)
        print("queued: \(queued.count) acknowledgements and notifications")

        // Each run ends when its last mail is in the recipients' mailboxes, so neither leaves
        // delivery work behind for the other.
        var watch = try DeliveryWatch(expected: expected, servers: servers, password: password)
        var clock = ContinuousClock.now
        try helpdesk(["outbox", "flush", "--config-dir", configDir], password: password, mustSucceed: true)
        let flush = Timing(accepted: elapsedSeconds(since: clock), delivered: try watch.delivered(since: clock))
        let sent = try store.outbox(status: .sent)
        guard sent.count == queued.count else { throw ValidationError("flush sent \(sent.count) of \(queued.count)") }

        // Baseline: the bytes the flush sent, on one connection, nothing else.
        let messages = sent.compactMap { row in row.message.map { (row.envelopeFrom ?? "support@example.test", row.recipientList, [UInt8]($0)) } }
        watch = try DeliveryWatch(expected: expected, servers: servers, password: password)
        clock = ContinuousClock.now
        let baseline = try SMTPClient(endpoint: servers.smtp)
        for (from, recipients, bytes) in messages { try baseline.send(from: from, to: recipients, message: bytes) }
        let mta = Timing(accepted: elapsedSeconds(since: clock), delivered: try watch.delivered(since: clock))

        let count = Double(messages.count)
        let bytes = messages.reduce(0) { $0 + $1.2.count }
        print(String(format: "baseline: %d messages (%.1f MB) on one SMTP connection: accepted in %.2f s = %.0f msg/s, in the mailboxes after %.2f s = %.0f msg/s",
                     messages.count, Double(bytes) / 1e6, mta.accepted, count / mta.accepted, mta.delivered, count / mta.delivered))
        print(String(format: "outbox flush: %d rendered and sent: accepted in %.2f s = %.0f msg/s, in the mailboxes after %.2f s = %.0f msg/s",
                     sent.count, flush.accepted, count / flush.accepted, flush.delivered, count / flush.delivered))
        print(String(format: "ratio, mail in the mailboxes: %.0f%% of the baseline (target: 90%%); accepted by the MTA only: %.0f%%",
                     100 * mta.delivered / flush.delivered, 100 * mta.accepted / flush.accepted))
    }

    /// Seconds from the start until the sender was done, and until the MTA had delivered it all.
    private struct Timing {
        var accepted: Double
        var delivered: Double
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
