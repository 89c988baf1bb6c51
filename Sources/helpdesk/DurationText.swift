import Foundation
import HelpdeskCore

/// Durations as the command line prints them: in text for people, whole seconds in JSON.
enum DurationText {
    /// Counted time: whole seconds under a minute (`45s`, not `0m`), whole minutes above (`1h 12m`).
    static func counted(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, abs(seconds.rounded()) >= 60 else { return SLADuration.format(seconds) }
        return SLADuration.format((seconds / 60).rounded() * 60)
    }

    /// How long ago, in its two largest units: `45s`, `12m 5s`, `3h 20m`, `2d 4h`.
    static func age(_ seconds: TimeInterval) -> String {
        SLADuration.format(max(0, seconds)).split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// Whole seconds, for JSON.
    static func wholeSeconds(_ seconds: TimeInterval) -> Int {
        // Clamped: converting a non-finite or huge value would trap, and no stored time is either.
        guard seconds.isFinite else { return 0 }
        return Int(min(max(seconds, -1e15), 1e15).rounded())
    }
}
