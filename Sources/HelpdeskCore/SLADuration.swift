public import Foundation

/// An SLA target written like `30m`, `4h`, `2d`, `1h30m`, `90s`; `d` always means 24 h of counted time (in business
/// time `2d` is 48 open hours, not two working days).
public enum SLADuration {
    private static let units: [(suffix: Character, seconds: Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// Seconds for a target such as "1h30m" or "1h 30m" (what `format` writes); units must go from days down to
    /// seconds, each at most once. Nil for empty, unitless ("90"), negative, fractional or unknown input.
    public static func parse(_ text: String) -> TimeInterval? {
        let compact = text.lowercased().filter { !$0.isWhitespace }
        guard !compact.isEmpty else { return nil }
        var total = 0
        var digits = ""
        var nextUnit = 0  // index into `units`: enforces descending order and no repeats
        for character in compact {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            // At most 9 digits keeps the arithmetic far from overflow.
            guard !digits.isEmpty, digits.count <= 9, let value = Int(digits),
                  let index = units[nextUnit...].firstIndex(where: { $0.suffix == character }) else { return nil }
            total += value * units[index].seconds
            nextUnit = index + 1
            digits = ""
        }
        return digits.isEmpty ? TimeInterval(total) : nil
    }

    /// "1h 30m", "2d 4h", "45s": every non-zero unit, rounded to whole seconds; "0s" for zero, a leading "-" for
    /// negatives, "∞" when not finite.
    public static func format(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "∞" }
        // Beyond this Int conversion could trap; no SLA is that long.
        guard abs(seconds) < 1e15 else { return seconds < 0 ? "-∞" : "∞" }
        var rest = Int(abs(seconds).rounded())
        var parts: [String] = []
        for unit in units where rest >= unit.seconds {
            parts.append("\(rest / unit.seconds)\(unit.suffix)")
            rest %= unit.seconds
        }
        if parts.isEmpty { return "0s" }
        return (seconds < 0 ? "-" : "") + parts.joined(separator: " ")
    }
}
