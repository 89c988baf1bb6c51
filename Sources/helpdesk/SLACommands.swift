import ArgumentParser
import Foundation
import Gateway
import HelpdeskCore
import HelpdeskStore

/// `helpdesk sla …`: the SLA clock service once, and reports.
struct SLA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "Check SLA clocks once, or report how targets were met.", subcommands: [Check.self, Report.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Recompute every open ticket's clocks, queue due warnings and breaches, auto-close, and send the outbox.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.requireDatabase()
            let gateway = try HelpdeskGateway(settings: options.settings, logger: options.makeLogger())
            let summary = try gateway.checkSLA(refreshing: true)
            print("sla: \(summary) (\(summary.refreshed) ticket(s) recomputed)")
            print(try gateway.dispatchOutbox())
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "report", abstract: "First responses and resolutions per mailbox (or organisation) and priority.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only tickets created on or after this day (YYYY-MM-DD, UTC) or instant (ISO 8601).")
        var since: String?
        @Option(help: "mailbox (default) or organization: the requesters' organisations when their tickets were opened.")
        var by: SLAReport.Grouping = .mailbox
        @Flag(help: "Print JSON instead of a table.")
        var json = false

        /// A bad date is shown with this command's usage, before the database is opened.
        func validate() throws {
            _ = try since.map(Self.parseDate)
        }

        func run() throws {
            let start = try since.map(Self.parseDate)
            let now = Date()
            let report = SLAReport(rows: try options.openDatabase().slaReportRows(since: start), now: now, by: by)
            if json {
                try printJSON(report.lines.map { SLAReportLineJSON($0, grouping: report.grouping) })
                return
            }
            guard !report.lines.isEmpty else {
                print("no tickets with SLA targets\(since.map { " since \($0)" } ?? ""); targets are set in the sla: section of a mailbox file")
                return
            }
            print(TextTable.render(
                header: [by == .mailbox ? "MAILBOX" : "ORGANIZATION", "PRIORITY", "TICKETS", "1ST MET", "1ST MEDIAN", "1ST P90", "RES MET", "RES MEDIAN", "RES P90", "BREACHING"],
                rows: report.lines.map { line in
                    [line.group ?? "(none)", line.priority.rawValue, "\(line.tickets)",
                     Self.percent(line.firstResponse), Self.time(line.firstResponse.median), Self.time(line.firstResponse.p90),
                     Self.percent(line.resolution), Self.time(line.resolution.median), Self.time(line.resolution.p90),
                     "\(line.breachingNow)"]
                }))
            print("times are counted time (business hours where the policy says), without time spent pending")
        }

        static func parseDate(_ text: String) throws -> Date {
            if let instant = ISO8601DateFormatter().date(from: text) { return instant }
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            guard let date = day.date(from: text) else {
                throw ValidationError("--since '\(text)' is not a date; write 2026-11-01 or 2026-11-01T09:00:00Z")
            }
            return date
        }

        static func percent(_ figures: SLAReport.Figures) -> String {
            figures.metPercent.map { String(format: "%.0f%% of %d", $0, figures.judged) } ?? "-"
        }

        static func time(_ seconds: TimeInterval?) -> String {
            seconds.map(DurationText.counted) ?? "-"
        }
    }
}

/// One line of `sla report --json`: the report's line with its times in whole seconds.
struct SLAReportLineJSON: Encodable {
    /// One target's figures; `median` and `p90` are counted seconds.
    struct Figures: Encodable {
        var judged: Int
        var met: Int
        var metPercent: Double?
        var median: Int?
        var p90: Int?

        init(_ figures: SLAReport.Figures) {
            judged = figures.judged
            met = figures.met
            metPercent = figures.metPercent
            median = figures.median.map(DurationText.wholeSeconds)
            p90 = figures.p90.map(DurationText.wholeSeconds)
        }
    }

    /// Set in a report per mailbox.
    var mailbox: String?
    /// Set in a report per organisation (null in the line of tickets of none).
    var organization: String?
    var grouping: SLAReport.Grouping
    var priority: String
    var tickets: Int
    var firstResponse: Figures
    var resolution: Figures
    var breachingNow: Int

    enum CodingKeys: String, CodingKey {
        case mailbox, organization, priority, tickets, firstResponse, resolution, breachingNow
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch grouping {
        case .mailbox: try container.encode(mailbox, forKey: .mailbox)
        case .organization: try container.encode(organization, forKey: .organization)
        }
        try container.encode(priority, forKey: .priority)
        try container.encode(tickets, forKey: .tickets)
        try container.encode(firstResponse, forKey: .firstResponse)
        try container.encode(resolution, forKey: .resolution)
        try container.encode(breachingNow, forKey: .breachingNow)
    }

    init(_ line: SLAReport.Line, grouping: SLAReport.Grouping) {
        self.grouping = grouping
        mailbox = grouping == .mailbox ? line.group : nil
        organization = grouping == .organization ? line.group : nil
        priority = line.priority.rawValue
        tickets = line.tickets
        firstResponse = Figures(line.firstResponse)
        resolution = Figures(line.resolution)
        breachingNow = line.breachingNow
    }
}
