import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore

/// `helpdesk status`: is the gateway healthy? For people and for monitors (exit status).
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each mailbox's last poll, the outbox, kept-aside mail, tickets and SLA breaches.",
        discussion: """
            Exit status 0 when healthy; 1 when a mailbox's last poll failed or is older than 3× its \
            interval (or it was never polled), so a monitor can run it.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Seconds between polls to assume for mailboxes polled by `poll --once` (cron); `helpdesk run` records its own.")
    var interval: Double = 300

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be more than 0 seconds") }
    }

    func run() throws {
        let status = try HelpdeskGateway.status(settings: options.settings, store: try options.openDatabase(), defaultInterval: interval)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(Self.text(status))
        }
        if !status.healthy { throw ExitCode.failure }
    }

    static func text(_ status: GatewayStatus) -> String {
        var lines = ["\(status.healthy ? "healthy" : "UNHEALTHY") (checked \(ISO8601DateFormatter().string(from: status.checkedAt)))"]
        if let problem = status.configProblem {
            lines.append("PROBLEM: the mailbox files do not load (the next start or reload fails):")
            lines += problem.split(separator: "\n").map { "  \($0)" }
        }
        lines.append("SLA pass and retention: \(status.housekeepingBy.map { "by \($0)" } ?? "no running `helpdesk run` holds them")")
        for mailbox in status.mailboxes {
            lines.append("")
            lines.append("\(mailbox.name):")
            if !mailbox.polled {
                lines.append("  not polled (no imap section; fed by `helpdesk ingest`)")
            } else if let last = mailbox.lastPollAt {
                let age = DurationText.age(status.checkedAt.timeIntervalSince(last))
                lines.append("  last poll:    \(age) ago, \(mailbox.lastPollFailed ? "FAILED" : "ok"); every \(mailbox.intervalSeconds) s")
                lines.append("  last success: \(mailbox.lastSuccessAgeSeconds.map { "\(DurationText.age(Double($0))) ago" } ?? "never")")
                if let unrecorded = mailbox.unrecordedOnServer {
                    lines.append("  on the server, not yet recorded: \(unrecorded)")
                }
            } else {
                lines.append("  never polled")
            }
            if let error = mailbox.lastError, let at = mailbox.lastErrorAt {
                lines.append("  last error (\(DurationText.age(status.checkedAt.timeIntervalSince(at))) ago): \(error)")
            }
            let oldest = mailbox.oldestPendingAgeSeconds.map { ", oldest waiting \(DurationText.age(Double($0)))" } ?? ""
            lines.append("  outbox:       \(mailbox.outboxPending) pending, \(mailbox.outboxFailed) failed\(oldest)")
            lines.append("  kept aside:   \(mailbox.keptAside)")
            let tickets = mailbox.tickets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("  tickets:      \(tickets.isEmpty ? "none" : tickets)")
            lines.append("  SLA breaching now: \(mailbox.slaBreachingNow)")
            if let holder = mailbox.workedBy, let until = mailbox.leaseExpiresAt {
                lines.append("  worked by:    \(holder) (lease for \(DurationText.age(max(0, until.timeIntervalSince(status.checkedAt)))) more)")
            } else {
                lines.append("  worked by:    no running `helpdesk run` holds it")
            }
            for problem in mailbox.problems { lines.append("  PROBLEM: \(problem)") }
        }
        return lines.joined(separator: "\n")
    }
}
