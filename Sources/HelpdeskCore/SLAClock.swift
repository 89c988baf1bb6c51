public import Foundation

/// Where one SLA target of a ticket stands at an instant.
public struct SLATargetState: Sendable, Equatable {
    /// Counted time so far: open hours of the calendar, without the paused spans.
    public var elapsed: TimeInterval
    /// When the target is (or was) reached; nil while the clock stands still before reaching it,
    /// or when it was stopped in time.
    public var due: Date?
    /// When the warning point is (or was) reached, in the same sense.
    public var warnAt: Date?
    /// The target was passed: `due` lies before the stop (or before now, still running).
    public var breached: Bool
}

/// SLA arithmetic over a ticket's status history: pure, so restarts and replays agree.
public enum SLAClock {
    /// `statuses`: the ticket's status from `start` on, in time order (the first entry at or
    /// before `start`). `stoppedAt`: when the target was met (first public answer, resolution), if it was.
    public static func state(
        target: TimeInterval, policy: SLAPolicy, start: Date, statuses: [(at: Date, status: TicketStatus)], stoppedAt: Date?, now: Date
    ) -> SLATargetState {
        let end = min(stoppedAt ?? now, now)
        var elapsed: TimeInterval = 0
        var due: Date?
        var warnAt: Date?
        for (index, entry) in statuses.enumerated() {
            guard !policy.isPaused(in: entry.status) else { continue }
            let segmentStart = max(entry.at, start)
            let next = index + 1 < statuses.count ? statuses[index + 1].at : nil
            // The last running segment goes on for ever unless the target was stopped.
            let limit: Date? = next.map { min($0, stoppedAt ?? $0) } ?? stoppedAt
            if let limit, limit <= segmentStart { continue }
            if due == nil {
                let candidate = policy.calendar.adding(target - elapsed, to: segmentStart)
                if limit.map({ candidate <= $0 }) ?? true { due = candidate }
            }
            if warnAt == nil {
                let candidate = policy.calendar.adding(max(0, target * policy.warningPoint - elapsed), to: segmentStart)
                if limit.map({ candidate <= $0 }) ?? true { warnAt = candidate }
            }
            let segmentEnd = min(next ?? end, end)
            if segmentEnd > segmentStart { elapsed += policy.calendar.openSeconds(from: segmentStart, to: segmentEnd) }
        }
        let breached = due.map { $0 < (stoppedAt ?? now) || ($0 <= now && stoppedAt == nil) } ?? false
        return SLATargetState(elapsed: elapsed, due: due, warnAt: warnAt, breached: breached)
    }
}
