public import Foundation
public import HelpdeskCore

/// One target of one ticket, for `helpdesk sla report`.
public struct SLAReportRow: Sendable, Equatable {
    public var mailbox: String
    public var priority: TicketPriority
    /// The ticket's organisation; nil for none.
    public var organization: String?
    public var ticketId: Int64
    public var finished: Bool
    public var sla: TicketSLARecord

    package init(mailbox: String, priority: TicketPriority, organization: String? = nil, ticketId: Int64, finished: Bool, sla: TicketSLARecord) {
        self.mailbox = mailbox
        self.organization = organization
        self.priority = priority
        self.ticketId = ticketId
        self.finished = finished
        self.sla = sla
    }
}

/// `helpdesk sla report`: how each mailbox (or organisation) and priority met its targets.
public struct SLAReport: Sendable, Equatable {
    /// What the lines are per, besides priority.
    public enum Grouping: String, Sendable, CaseIterable {
        case mailbox, organization
    }

    /// One target's figures within a line.
    public struct Figures: Sendable, Equatable, Encodable {
        /// Targets that were met or breached (ended and still-running ones are not judged yet).
        public var judged = 0
        public var met = 0
        /// `met / judged` in percent; nil when nothing was judged.
        public var metPercent: Double?
        /// Counted seconds until the answer or resolution, over the targets that reached it.
        public var median: TimeInterval?
        public var p90: TimeInterval?
    }

    /// One mailbox (or organisation) and priority.
    public struct Line: Sendable, Equatable {
        /// The mailbox's name, or the organisation's (nil: tickets of no organisation).
        public var group: String?
        public var priority: TicketPriority
        /// Tickets with at least one target in this line.
        public var tickets: Int
        public var firstResponse: Figures
        public var resolution: Figures
        /// Open tickets past a target right now.
        public var breachingNow: Int

        /// The mailbox's name, in a report per mailbox.
        public var mailbox: String { group ?? "" }
    }

    public var grouping: Grouping
    public var lines: [Line]

    /// Groups `rows` by mailbox (or organisation) and priority: by name, tickets of no
    /// organisation last, priorities from urgent down.
    public init(rows: [SLAReportRow], now: Date, by grouping: Grouping = .mailbox) {
        self.grouping = grouping
        let order = TicketPriority.allCases.reversed().map { $0 }
        let key = { (row: SLAReportRow) -> String? in grouping == .mailbox ? row.mailbox : row.organization }
        let groups = Dictionary(grouping: rows) { "\(key($0) ?? "")\u{0}\(key($0) == nil)\u{0}\($0.priority.rawValue)" }
        lines = groups.values.compactMap { group -> Line? in
            guard let first = group.first else { return nil }
            let perTarget = Dictionary(grouping: group, by: \.sla.target)
            let breaching = Set(group.filter { !$0.finished && $0.sla.isBreaching(at: now) }.map(\.ticketId))
            return Line(
                group: key(first), priority: first.priority, tickets: Set(group.map(\.ticketId)).count,
                firstResponse: Self.figures(perTarget[.firstResponse] ?? []), resolution: Self.figures(perTarget[.resolution] ?? []),
                breachingNow: breaching.count)
        }
        .sorted {
            ($0.group == nil ? 1 : 0, $0.group ?? "", order.firstIndex(of: $0.priority) ?? 0)
                < ($1.group == nil ? 1 : 0, $1.group ?? "", order.firstIndex(of: $1.priority) ?? 0)
        }
    }

    static func figures(_ rows: [SLAReportRow]) -> Figures {
        var figures = Figures()
        figures.met = rows.filter { $0.sla.outcome == .met }.count
        figures.judged = figures.met + rows.filter { $0.sla.outcome == .breached }.count
        if figures.judged > 0 { figures.metPercent = Double(figures.met) * 100 / Double(figures.judged) }
        let times = rows.filter(\.sla.completed).map(\.sla.elapsed).sorted()
        figures.median = percentile(times, 0.5)
        figures.p90 = percentile(times, 0.9)
        return figures
    }

    /// The `p` quantile of sorted `values`, interpolating between the two nearest ranks (so the
    /// median of an even count is the mean of the middle two); nil for no values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard let first = values.first else { return nil }
        guard values.count > 1 else { return first }
        let position = p * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        return values[lower] + (values[upper] - values[lower]) * (position - Double(lower))
    }
}
