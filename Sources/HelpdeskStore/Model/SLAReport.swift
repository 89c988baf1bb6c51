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

/// `helpdesk sla report`: how each mailbox and priority met its targets.
public struct SLAReport: Sendable, Equatable {
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

    /// One mailbox and priority.
    public struct Line: Sendable, Equatable, Encodable {
        public var mailbox: String
        public var priority: TicketPriority
        /// Tickets with at least one target in this line.
        public var tickets: Int
        public var firstResponse: Figures
        public var resolution: Figures
        /// Open tickets past a target right now.
        public var breachingNow: Int
    }

    public var lines: [Line]

    /// Groups `rows` by mailbox and priority (mailboxes by name, priorities from urgent down).
    public init(rows: [SLAReportRow], now: Date) {
        let order = TicketPriority.allCases.reversed().map { $0 }
        let groups = Dictionary(grouping: rows) { "\($0.mailbox)\u{0}\($0.priority.rawValue)" }
        lines = groups.values.compactMap { group -> Line? in
            guard let first = group.first else { return nil }
            let perTarget = Dictionary(grouping: group, by: \.sla.target)
            let breaching = Set(group.filter { !$0.finished && $0.sla.isBreaching(at: now) }.map(\.ticketId))
            return Line(
                mailbox: first.mailbox, priority: first.priority, tickets: Set(group.map(\.ticketId)).count,
                firstResponse: Self.figures(perTarget[.firstResponse] ?? []), resolution: Self.figures(perTarget[.resolution] ?? []),
                breachingNow: breaching.count)
        }
        .sorted { ($0.mailbox, order.firstIndex(of: $0.priority) ?? 0) < ($1.mailbox, order.firstIndex(of: $1.priority) ?? 0) }
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
