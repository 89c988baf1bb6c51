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
    @Option(help: "SMTP port of the test MTA.") var smtpPort = 10025
    @Option(help: "IMAP port of the test Dovecot.") var imapPort = 10143
    @Option(help: "File holding the test users' password.") var passwordFile: String
    @Option(help: "Path of the helpdesk executable (a release build).") var helpdesk: String
    @Option(help: "Mailbox config directory for helpdesk.") var configDir: String
    @Option(help: "Templates directory for helpdesk.") var templates: String
    @Option(help: "Database file for helpdesk (must not exist yet).") var database: String
    @Option(help: "Log level for the measured helpdesk run (its log goes to stderr).") var logLevel = "warning"

    func run() throws {
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let imap = ServerEndpoint(baseURL: "imap://127.0.0.1:\(imapPort)", path: "INBOX", username: "support@example.test",
                                  password: password, security: .none)
        let before = try IMAPClient(endpoint: imap).status().messages

        var clock = ContinuousClock.now
        let smtp = try SMTPClient(endpoint: ServerEndpoint(baseURL: "smtp://127.0.0.1:\(smtpPort)", security: .none))
        var bytes = 0
        for index in 0..<count {
            let message = MessageGenerator.request(index: index)
            bytes += message.count
            try smtp.send(from: MessageGenerator.sender(index: index), to: ["support@example.test"], message: message)
        }
        try waitFor(imap, messages: before + count)
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
        process.executableURL = URL(fileURLWithPath: helpdesk)
        process.arguments = ["poll", "--once", "--config-dir", configDir, "--templates", templates, "--database", database, "--log-level", logLevel]
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

    private func waitFor(_ endpoint: ServerEndpoint, messages: Int) throws {
        let deadline = Date(timeIntervalSinceNow: 300)
        let client = try IMAPClient(endpoint: endpoint)
        while try client.status().messages < messages {
            guard Date() < deadline else { throw ValidationError("messages did not all arrive within 300 s") }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}
