public import Foundation

/// One SLA target's clock of a ticket, as of its last change.
public struct TicketClock: Sendable, Codable, Equatable {
    public var ticketId: Int64
    public var target: SLATarget
    /// The target in counted seconds.
    public var duration: TimeInterval
    /// When the target is or was passed; nil while it stands still short of it, or was met.
    public var dueAt: Date?
    public var warnAt: Date?
    public var outcome: SLAOutcome
    /// Counted seconds as of `updatedAt` (or until it stopped).
    public var elapsed: TimeInterval
    /// What the target measures happened: the first public answer, the resolution.
    public var completed: Bool
    public var updatedAt: Date

    public init(
        ticketId: Int64, target: SLATarget, duration: TimeInterval, dueAt: Date?, warnAt: Date?, outcome: SLAOutcome,
        elapsed: TimeInterval, completed: Bool, updatedAt: Date
    ) {
        self.ticketId = ticketId
        self.target = target
        self.duration = duration
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.outcome = outcome
        self.elapsed = elapsed
        self.completed = completed
        self.updatedAt = updatedAt
    }

    /// The stored form of one evaluation.
    public init(ticketId: Int64, evaluation: SLATargetEvaluation, at now: Date) {
        self.init(
            ticketId: ticketId, target: evaluation.target, duration: evaluation.duration, dueAt: evaluation.state.due,
            warnAt: evaluation.state.warnAt, outcome: evaluation.outcome, elapsed: evaluation.state.elapsed,
            completed: evaluation.completed, updatedAt: now)
    }

    /// Whether it is past its target at `now` and still running or paused.
    public func isBreaching(at now: Date) -> Bool {
        switch outcome {
        case .breached: !completed
        case .running: dueAt.map { $0 <= now } ?? false
        case .paused, .met, .ended: false
        }
    }
}

/// Which point of a target was passed.
public enum SLANoticeKind: String, Sendable, Codable {
    case warning, breach
}

extension SLAClock {
    /// A ticket's clocks at `now` from its status history in commit order (`statusEvents`: the
    /// `to` values of its status rows). A row stamped before the one written ahead of it counts
    /// from that one: the last row written is the status the ticket has.
    public static func evaluate(policy: SLAPolicy, ticket: Ticket, statusEvents: [(at: Date, status: TicketStatus)], now: Date) -> [SLATargetEvaluation] {
        var statuses: [(at: Date, status: TicketStatus)] = [(ticket.createdAt, .new)]
        for event in statusEvents {
            statuses.append((max(event.at, statuses[statuses.count - 1].at), event.status))
        }
        if statuses[statuses.count - 1].status != ticket.status {
            statuses.append((max(ticket.updatedAt, statuses[statuses.count - 1].at), ticket.status))
        }
        return evaluate(
            policy: policy, priority: ticket.priority, createdAt: ticket.createdAt, statuses: statuses,
            firstResponseAt: ticket.firstResponseAt, now: now)
    }
}
