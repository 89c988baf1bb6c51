public import Foundation

/// The two targets of one priority; nil where the mailbox sets none.
public struct SLATargets: Sendable, Equatable {
    public var firstResponse: TimeInterval?
    public var resolution: TimeInterval?

    public init(firstResponse: TimeInterval?, resolution: TimeInterval?) {
        self.firstResponse = firstResponse
        self.resolution = resolution
    }
}

/// A mailbox's service levels: targets per priority, counted in a calendar, with a warning point.
public struct SLAPolicy: Sendable, Equatable {
    /// When the clock runs: opening hours (business time) or always (calendar time).
    public var calendar: BusinessCalendar
    public var targets: [TicketPriority: SLATargets]
    /// The share of a target after which agents are warned, e.g. 0.8.
    public var warningPoint: Double
    /// Whether `on_hold` stops the clock like `pending` does.
    public var pauseOnHold: Bool
    /// Also told of every warning and breach, if set.
    public var escalation: String?
    /// A resolved ticket closes after this many days without a reply; nil never.
    public var autoCloseDays: Int?

    public init(
        calendar: BusinessCalendar, targets: [TicketPriority: SLATargets], warningPoint: Double = 0.8, pauseOnHold: Bool = false,
        escalation: String? = nil, autoCloseDays: Int? = nil
    ) {
        self.calendar = calendar
        self.targets = targets
        self.warningPoint = warningPoint
        self.pauseOnHold = pauseOnHold
        self.escalation = escalation
        self.autoCloseDays = autoCloseDays
    }

    /// Whether the clock stands still in `status`: waiting on the requester, on hold if the policy
    /// says, or finished (a reopened ticket's clock goes on from where it stood).
    public func isPaused(in status: TicketStatus) -> Bool {
        status == .pending || status == .pendingApproval || (pauseOnHold && status == .onHold) || status.isFinished
    }
}
