import Foundation

/// What an approver's answer decides: the first command line of the reply.
public enum ApprovalDecision: Sendable, Equatable {
    case approve
    /// `#reject <reason>`; the reason may be empty.
    case reject(reason: String)
}

/// What a message proves and says about an approval, read before the decision: approval reply
/// addresses signed for its sender, and an `#approve` or `#reject` line.
public struct ApprovalMessage: Sendable, Equatable {
    /// Tickets whose approval reply address, signed for this sender, the message was sent to.
    public var tokenTicketIds: Set<Int64>
    /// Why an approval reply address in the message proved nothing, if one did.
    public var tokenProblem: String?
    /// The decision of the first line, nil when it is not `#approve` or `#reject`.
    public var decision: ApprovalDecision?
    /// The rest of the reply.
    public var comment: String

    public init(tokenTicketIds: Set<Int64>, tokenProblem: String?, decision: ApprovalDecision?, comment: String) {
        self.tokenTicketIds = tokenTicketIds
        self.tokenProblem = tokenProblem
        self.decision = decision
        self.comment = comment
    }

    /// The decision in the first non-blank line of `text`, and the text after it (blank lines
    /// skipped); nil decision and the whole text when the line is not `#approve`/`#reject`.
    public static func parse(_ text: String) -> (decision: ApprovalDecision?, comment: String) {
        // Read for every message recorded: most start with no `#`, and are not split into lines.
        guard text.first(where: { !$0.isWhitespace }) == "#" else { return (nil, text) }
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        guard let first = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else { return (nil, text) }
        let line = lines[first].trimmingCharacters(in: .whitespaces)
        let word = line.prefix { !$0.isWhitespace }.lowercased()
        let rest = line.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        let decision: ApprovalDecision
        switch word {
        case "#approve", "#approved": decision = .approve
        case "#reject", "#rejected": decision = .reject(reason: rest)
        default: return (nil, text)
        }
        // `#approve` takes no words after it: "#approve not yet" must not approve.
        if decision == .approve && !rest.isEmpty { return (nil, text) }
        var after = first + 1
        while after < lines.count, lines[after].allSatisfy(\.isWhitespace) { after += 1 }
        let comment = after < lines.count ? String(text[lines[after].startIndex...]) : ""
        return (decision, comment)
    }
}
