/// How far one mailbox's poll through its backlog has got.
public struct PollProgress: Sendable, Equatable, CustomStringConvertible {
    public var mailbox: String
    /// Messages recorded (committed) so far.
    public var done: Int
    /// New messages the poll found when it started.
    public var total: Int
    /// Seconds since the poll started reading them.
    public var elapsed: Double

    public init(mailbox: String, done: Int, total: Int, elapsed: Double) {
        self.mailbox = mailbox
        self.done = done
        self.total = total
        self.elapsed = elapsed
    }

    /// Messages per second so far; nil before anything is recorded.
    public var rate: Double? {
        done > 0 && elapsed > 0 ? Double(done) / elapsed : nil
    }

    /// Seconds left at the rate so far.
    public var remaining: Double? {
        rate.map { Double(max(total - done, 0)) / $0 }
    }

    /// `support: 400/1000 (40%), 352 msg/s, about 2 s left`
    public var description: String {
        var text = "\(mailbox): \(done)/\(total)"
        if total > 0 { text += " (\(done * 100 / total)%)" }
        if let rate { text += ", \(Int(rate.rounded())) msg/s" }
        if let remaining, done < total { text += ", about \(Self.duration(remaining)) left" }
        return text
    }

    /// `2 s`, `3 min 5 s`, `1 h 4 min`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole / 60 % 60) min"
    }
}
