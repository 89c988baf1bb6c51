public import Foundation

/// At most `count` automatic mails within `seconds`.
public struct CapWindow: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var seconds: TimeInterval

    public init(count: Int, seconds: TimeInterval) {
        self.count = count
        self.seconds = seconds
    }

    /// "10 per 10 minutes", "30 per day".
    public var description: String {
        let span: String
        switch seconds {
        case 86_400: span = "day"
        case 3_600: span = "hour"
        case let s where s.truncatingRemainder(dividingBy: 86_400) == 0: span = "\(Int(s / 86_400)) days"
        case let s where s.truncatingRemainder(dividingBy: 3_600) == 0: span = "\(Int(s / 3_600)) hours"
        case let s where s.truncatingRemainder(dividingBy: 60) == 0: span = s == 60 ? "minute" : "\(Int(s / 60)) minutes"
        default: span = "\(Int(seconds)) seconds"
        }
        return "\(count) per \(span)"
    }
}

/// The second line against mail loops, after the header rules: how many automatic mails
/// (acknowledgements, notices) one address, and one ticket, may get within each window.
public struct LoopCaps: Sendable, Equatable {
    public var perRecipient: [CapWindow]
    public var perTicket: [CapWindow]

    public init(perRecipient: [CapWindow], perTicket: [CapWindow]) {
        self.perRecipient = perRecipient
        self.perTicket = perTicket
    }

    /// 10 per 10 minutes and 30 per day to one address (as Zammad's defaults allow a person
    /// writing often to be answered, and stop a loop within minutes); 5 per hour and 20 per day
    /// on one ticket.
    public static let standard = LoopCaps(
        perRecipient: [CapWindow(count: 10, seconds: 600), CapWindow(count: 30, seconds: 86_400)],
        perTicket: [CapWindow(count: 5, seconds: 3_600), CapWindow(count: 20, seconds: 86_400)])
}

/// How many automatic mails went to one address and one ticket within each cap's window.
public struct AutomaticMailCounts: Sendable, Equatable {
    public var recipient: [CapWindow: Int]
    public var ticket: [CapWindow: Int]

    public init(recipient: [CapWindow: Int] = [:], ticket: [CapWindow: Int] = [:]) {
        self.recipient = recipient
        self.ticket = ticket
    }
}
