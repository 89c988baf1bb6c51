/// Reads `#command` lines from the top of an agent's reply; strict, so a typo never silently does nothing.
public enum EmailCommandParser {
    /// Reads command lines at the top of `text` (the reply part of an agent's mail, "\n" line ends).
    public static func parse(_ text: String) throws(EmailCommandError) -> EmailCommandParse {
        let lines = splitLines(text)
        var index = firstNonBlank(lines)
        var collector = Collector()
        while index < lines.count, isCommandLine(lines[index]) {
            try collector.read(lines[index], number: index + 1)
            index += 1
        }
        while index < lines.count, isBlank(lines[index]) { index += 1 }
        // Sliced from the original, so the comment keeps its exact line ends and spacing.
        let comment = index < lines.count ? String(text[lines[index].startIndex...]) : ""
        return EmailCommandParse(commands: collector.finished(), comment: comment)
    }

    /// The command lines at the top of `text`, trimmed, as `parse` reads them: for messages that
    /// quote what the agent wrote.
    public static func commandLines(in text: String) -> [String] {
        let lines = splitLines(text)
        return lines[firstNonBlank(lines)...].prefix(while: isCommandLine).map { String($0.trimmingSpaces()) }
    }

    // "\r\n" is one Character in Swift, so it has to be named to split CRLF text at all.
    private static func splitLines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    private static func firstNonBlank(_ lines: [Substring]) -> Int {
        lines.firstIndex { !isBlank($0) } ?? lines.count
    }

    static let statusChoices = "open, pending, on_hold, resolved, closed, cancelled"
    static let priorityChoices = TicketPriority.allCases.map(\.rawValue).joined(separator: ", ")
    static let commandNames = ["status", "resolve", "close", "reopen", "assign", "take", "unassign", "priority", "tag", "cc", "internal"]

    private static func isBlank(_ line: Substring) -> Bool {
        line.allSatisfy(\.isWhitespace)
    }

    /// `#` then an ASCII letter, so `#1` (a list) and `# Heading` (Markdown) stay text.
    private static func isCommandLine(_ line: Substring) -> Bool {
        let rest = line.drop(while: \.isWhitespace)
        guard rest.first == "#", let next = rest.dropFirst().first else { return false }
        return next.isASCII && next.isLetter
    }
}

/// Gathers commands line by line and catches contradictions across lines.
private struct Collector {
    var commands: [EmailCommand] = []
    var status: (target: TicketStatus, text: String, line: Int)?
    var assignee: (target: AssigneeRef?, text: String, line: Int)?
    var priority: (value: TicketPriority, text: String, line: Int)?
    var sawInternal = false
    // #tag and #cc may repeat: one merged command sits where the first line was.
    var tags = Changes(kind: "tag")
    var participants = Changes(kind: "address")

    mutating func read(_ rawLine: Substring, number: Int) throws(EmailCommandError) {
        var text = String(rawLine.drop(while: \.isWhitespace))
        while text.last?.isWhitespace == true { text.removeLast() }
        let words = text.split(whereSeparator: \.isWhitespace)
        let name = words[0].dropFirst().lowercased()
        let args = words.dropFirst().map { $0.lowercased() }
        func fail(_ reason: String) -> EmailCommandError {
            EmailCommandError(line: number, text: text, reason: reason)
        }
        func noArguments() throws(EmailCommandError) {
            if !args.isEmpty { throw fail("#\(name) takes no argument; remove '\(args.joined(separator: " "))'") }
        }
        func oneArgument(_ noun: String, example: String) throws(EmailCommandError) -> String {
            guard let first = args.first else { throw fail("#\(name) needs one \(noun), e.g. '\(example)'") }
            if args.count > 1 { throw fail("#\(name) takes one \(noun); found '\(args.joined(separator: " "))'") }
            return first
        }

        switch name {
        case "status":
            let word = try oneArgument("status", example: "#status pending")
            let value = word == "on-hold" ? "on_hold" : word
            if value == "new" { throw fail("a ticket cannot be set back to new; use one of: \(EmailCommandParser.statusChoices)") }
            guard let target = TicketStatus(rawValue: value) else {
                throw fail("unknown status '\(word)'; use one of: \(EmailCommandParser.statusChoices)")
            }
            try setStatus(.status(target), target: target, text: text, line: number)
        case "resolve":
            try noArguments()
            try setStatus(.resolve, target: .resolved, text: text, line: number)
        case "close":
            try noArguments()
            try setStatus(.close, target: .closed, text: text, line: number)
        case "reopen":
            try noArguments()
            try setStatus(.reopen, target: .open, text: text, line: number)
        case "assign":
            let word = try oneArgument("agent", example: "#assign dana, #assign dana@example.test or #assign me")
            let ref: AssigneeRef
            if word == "me" {
                ref = .me
            } else if word.contains("@") {
                guard looksLikeAddress(word) else { throw fail("'\(word)' is not an email address; write it as local@domain, e.g. '#assign dana@example.test'") }
                ref = .agent(word)
            } else {
                guard word.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                    throw fail("'\(word)' is not an agent's name; use a name, an address or me, e.g. '#assign dana'")
                }
                ref = .agent(word)
            }
            try setAssignee(.assign(ref), target: ref, text: text, line: number)
        case "take":
            try noArguments()
            try setAssignee(.take, target: .me, text: text, line: number)
        case "unassign":
            try noArguments()
            try setAssignee(.unassign, target: nil, text: text, line: number)
        case "priority":
            let word = try oneArgument("priority", example: "#priority high")
            guard let value = TicketPriority(rawValue: word) else {
                throw fail("unknown priority '\(word)'; use one of: \(EmailCommandParser.priorityChoices)")
            }
            if let earlier = priority {
                if earlier.value != value { throw fail(contradiction(earlier.text, earlier.line, "priority")) }
                return
            }
            priority = (value, text, number)
            commands.append(.priority(value))
        case "tag", "tags":
            if tags.position == nil { tags.position = commands.count; commands.append(.tags(add: [], remove: [])) }
            if let reason = tags.read(args, command: "#\(name)", example: "#\(name) +billing -spam", isValid: isValidTag) { throw fail(reason) }
        case "cc":
            if participants.position == nil { participants.position = commands.count; commands.append(.participants(add: [], remove: [])) }
            if let reason = participants.read(args, command: "#cc", example: "#cc +carol@example.test -erin@example.test", isValid: looksLikeAddress) { throw fail(reason) }
        case "internal":
            try noArguments()
            if !sawInternal { commands.append(.internalNote) }
            sawInternal = true
        default:
            let known = EmailCommandParser.commandNames.map { "#\($0)" }.joined(separator: ", ")
            let guess = closestCommand(to: name).map { "did you mean '#\($0)'? " } ?? ""
            throw fail("unknown command '#\(name)'; \(guess)known commands: \(known)")
        }
    }

    /// The commands in line order, with merged #tag and #cc filled in.
    func finished() -> [EmailCommand] {
        var result = commands
        if let at = tags.position { result[at] = .tags(add: tags.add, remove: tags.remove) }
        if let at = participants.position { result[at] = .participants(add: participants.add, remove: participants.remove) }
        return result
    }

    // A repeat with the same effect (say #resolve and #status resolved) is harmless and dropped.
    private mutating func setStatus(_ command: EmailCommand, target: TicketStatus, text: String, line: Int) throws(EmailCommandError) {
        if let earlier = status {
            if earlier.target != target {
                throw EmailCommandError(line: line, text: text, reason: contradiction(earlier.text, earlier.line, "status change"))
            }
            return
        }
        status = (target, text, line)
        commands.append(command)
    }

    private mutating func setAssignee(_ command: EmailCommand, target: AssigneeRef?, text: String, line: Int) throws(EmailCommandError) {
        if let earlier = assignee {
            if earlier.target != target {
                throw EmailCommandError(line: line, text: text, reason: contradiction(earlier.text, earlier.line, "assignment"))
            }
            return
        }
        assignee = (target, text, line)
        commands.append(command)
    }

    private func contradiction(_ earlierText: String, _ earlierLine: Int, _ what: String) -> String {
        "contradicts '\(earlierText)' on line \(earlierLine); give one \(what) per message"
    }

    /// The known command nearest to a typo, if it is close enough to be a typo at all.
    private func closestCommand(to name: String) -> String? {
        ClosestName.to(name, among: EmailCommandParser.commandNames)
    }
}

/// The `+item -item` lists of #tag or #cc, merged over repeated lines.
private struct Changes {
    let kind: String
    var position: Int?
    var add: [String] = []
    var remove: [String] = []

    /// nil when every item was read, else the reason the line is wrong.
    mutating func read(_ items: [String], command: String, example: String, isValid: (String) -> Bool) -> String? {
        if items.isEmpty { return "\(command) needs at least one \(kind) with + to add or - to remove, e.g. '\(example)'" }
        for item in items {
            guard let sign = item.first, sign == "+" || sign == "-" else {
                return "'\(item)' needs + to add or - to remove, e.g. '+\(item)'"
            }
            let value = String(item.dropFirst())
            guard isValid(value) else { return invalid(value) }
            let adding = sign == "+"
            // Adding and removing the same item in one message has no sensible order.
            if (adding ? remove : add).contains(value) {
                return "\(kind) '\(value)' is both added and removed; keep one of '+\(value)' and '-\(value)'"
            }
            if adding, !add.contains(value) { add.append(value) }
            if !adding, !remove.contains(value) { remove.append(value) }
        }
        return nil
    }

    private func invalid(_ value: String) -> String {
        if kind == "tag" {
            return "'\(value)' is not a valid tag; use 1 to 40 of a-z, 0-9, _ and -, e.g. '+billing'"
        }
        return "'\(value)' is not an email address; write it as local@domain, e.g. '+carol@example.test'"
    }
}

private func isValidTag(_ tag: String) -> Bool {
    (1...40).contains(tag.count) && tag.unicodeScalars.allSatisfy { scalar in
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }
}

/// Loose on purpose: it catches a forgotten domain or a stray word, not every RFC 5322 corner.
private func looksLikeAddress(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty else { return false }
    if text.contains(where: { $0.isWhitespace || "<>()[],;:\"\\".contains($0) }) { return false }
    let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
    return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
}
