public import Foundation

/// The two clocks a ticket has under a policy.
public enum SLATarget: String, Sendable, Codable, CaseIterable {
    case firstResponse = "first_response"
    case resolution

    /// How people read it: "first response", "resolution".
    public var label: String { self == .firstResponse ? "first response" : "resolution" }
}

/// Where one target of a ticket ended up, or stands.
public enum SLAOutcome: String, Sendable, Codable {
    /// Counting towards `due`.
    case running
    /// Standing still: pending on the requester (or on hold).
    case paused
    /// Stopped before its target: answered, or resolved.
    case met
    /// Its target passed before it stopped (or it still runs past it).
    case breached
    /// Stopped without what it measures: resolved without a public answer, or cancelled.
    case ended
}

/// One target of one ticket, evaluated at an instant.
public struct SLATargetEvaluation: Sendable, Equatable {
    public var target: SLATarget
    /// The target's length in counted time.
    public var duration: TimeInterval
    public var state: SLATargetState
    public var outcome: SLAOutcome
    /// What the target measures happened (the first public answer; resolved or closed), so its
    /// time counts in reports.
    public var completed: Bool
}

extension SLAClock {
    /// Both targets of a ticket at `now`, from its priority's targets in `policy` (the current
    /// priority: a change recomputes everything), its creation, status history and first public
    /// answer. A target the policy does not set is left out.
    public static func evaluate(
        policy: SLAPolicy, priority: TicketPriority, createdAt: Date, statuses: [(at: Date, status: TicketStatus)],
        firstResponseAt: Date?, now: Date
    ) -> [SLATargetEvaluation] {
        guard let targets = policy.targets[priority] else { return [] }
        let current = statuses.last?.status ?? .new
        var results: [SLATargetEvaluation] = []
        if let duration = targets.firstResponse {
            let state = Self.state(target: duration, policy: policy, start: createdAt, statuses: statuses, stoppedAt: firstResponseAt, now: now)
            let outcome: SLAOutcome = state.breached ? .breached
                : firstResponseAt != nil ? .met
                : current.isFinished ? .ended
                : policy.isPaused(in: current) ? .paused : .running
            results.append(SLATargetEvaluation(
                target: .firstResponse, duration: duration, state: state, outcome: outcome, completed: firstResponseAt != nil))
        }
        if let duration = targets.resolution {
            let state = Self.state(target: duration, policy: policy, start: createdAt, statuses: statuses, stoppedAt: nil, now: now)
            let outcome: SLAOutcome = state.breached ? .breached
                : current == .cancelled ? .ended
                : current.isFinished ? .met
                : policy.isPaused(in: current) ? .paused : .running
            results.append(SLATargetEvaluation(
                target: .resolution, duration: duration, state: state, outcome: outcome, completed: current == .resolved || current == .closed))
        }
        return results
    }
}
