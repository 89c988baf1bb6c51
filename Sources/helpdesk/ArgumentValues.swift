public import ArgumentParser
import Foundation
public import HelpdeskCore
public import HelpdeskStore

// Enumerated option values are parsed by the argument parser itself, so a bad one is reported
// with the subcommand's own usage and the list of valid values (an error thrown from `run()`
// would show the root command's usage instead).

extension TicketStatus: ExpressibleByArgument {
    /// Any case, and `on-hold` for `on_hold`.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased().replacingOccurrences(of: "-", with: "_"))
    }
}

extension TicketPriority: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}

extension OutboxStatus: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }

    // Spelled out: the type is not CaseIterable, and help and errors should list the values.
    public static var allValueStrings: [String] { [OutboxStatus.pending, .sent, .failed].map(\.rawValue) }
}

extension MailEvent: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased().replacingOccurrences(of: "-", with: "_"))
    }
}

extension SLAReport.Grouping: ExpressibleByArgument {
    /// Any case, and the British spelling.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased().replacingOccurrences(of: "organisation", with: "organization"))
    }
}
