/// When to try an outgoing message again after a failed attempt; gives up after about three days.
public struct RetrySchedule: Sendable, Equatable {
    /// Seconds to wait after the 1st, 2nd, … failed attempt.
    public var delays: [Int]

    public static let standard = RetrySchedule(delays: [60, 300, 900, 1800, 3600, 7200, 14400, 21600, 21600, 43200, 43200, 86400, 86400])

    public init(delays: [Int]) { self.delays = delays }

    /// Seconds until the next try after `failedAttempts` failures, or nil to give up.
    public func delay(afterFailedAttempts failedAttempts: Int) -> Int? {
        guard failedAttempts >= 1, failedAttempts <= delays.count else { return nil }
        return delays[failedAttempts - 1]
    }
}
