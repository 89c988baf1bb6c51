import HelpdeskCore
import MailgateTestSupport
import Testing

@Suite("Email commands")
struct EmailCommandParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        enum Expected: Sendable {
            case parsed([EmailCommand], comment: String)
            /// An error on this line whose reason contains this text.
            case error(line: Int, reason: String)
        }

        var name: String
        var text: String
        var expected: Expected
        var testDescription: String { name }
    }

    static let statuses = "use one of: open, pending, on_hold, resolved, closed, cancelled"

    static let cases: [Case] = [
        // Valid
        Case(name: "status and a comment", text: "#status pending\nThanks, waiting for you.", expected: .parsed([.status(.pending)], comment: "Thanks, waiting for you.")),
        Case(name: "case-insensitive, blank line before the comment", text: "#STATUS Pending\n\n\nHello", expected: .parsed([.status(.pending)], comment: "Hello")),
        Case(name: "on-hold spelling", text: "#status on-hold", expected: .parsed([.status(.onHold)], comment: "")),
        Case(name: "on_hold spelling", text: "#status on_hold\nx", expected: .parsed([.status(.onHold)], comment: "x")),
        Case(name: "leading blank lines and indentation", text: "\n \n  #resolve\nDone.", expected: .parsed([.resolve], comment: "Done.")),
        Case(name: "close alone", text: "#close", expected: .parsed([.close], comment: "")),
        Case(name: "reopen", text: "#reopen\nBack again", expected: .parsed([.reopen], comment: "Back again")),
        Case(name: "assign by name", text: "#assign Dana\nhi", expected: .parsed([.assign(.agent("dana"))], comment: "hi")),
        Case(name: "assign by address", text: "#assign Dana@Example.TEST", expected: .parsed([.assign(.agent("dana@example.test"))], comment: "")),
        Case(name: "assign me", text: "#assign ME", expected: .parsed([.assign(.me)], comment: "")),
        Case(name: "take and priority", text: "#take\n#priority urgent", expected: .parsed([.take, .priority(.urgent)], comment: "")),
        Case(name: "unassign", text: "#unassign\nBye", expected: .parsed([.unassign], comment: "Bye")),
        Case(name: "tags", text: "#tag +billing -spam", expected: .parsed([.tags(add: ["billing"], remove: ["spam"])], comment: "")),
        Case(name: "repeated #tag and #tags merge", text: "#tags +Billing\n#tag +vip -spam +billing\nBody",
             expected: .parsed([.tags(add: ["billing", "vip"], remove: ["spam"])], comment: "Body")),
        Case(name: "cc", text: "#cc +Carol@Example.test -erin@example.test",
             expected: .parsed([.participants(add: ["carol@example.test"], remove: ["erin@example.test"])], comment: "")),
        Case(name: "internal note", text: "#internal\nNote text\nmore", expected: .parsed([.internalNote], comment: "Note text\nmore")),
        Case(name: "#1 is text", text: "#1 is the cause\n#close", expected: .parsed([], comment: "#1 is the cause\n#close")),
        Case(name: "# heading is text", text: "# Heading\ntext", expected: .parsed([], comment: "# Heading\ntext")),
        Case(name: "a blank line ends the commands", text: "#close\n\n#status open", expected: .parsed([.close], comment: "#status open")),
        Case(name: "same status twice in two spellings", text: "#resolve\n#status resolved", expected: .parsed([.resolve], comment: "")),
        Case(name: "take and assign me agree", text: "#take\n#assign me", expected: .parsed([.take], comment: "")),
        Case(name: "merged commands keep first position", text: "#priority high\n#cc +a@b.test\n#tag +x\n#cc -c@d.test\n#priority high\nok",
             expected: .parsed([.priority(.high), .participants(add: ["a@b.test"], remove: ["c@d.test"]), .tags(add: ["x"], remove: [])], comment: "ok")),
        Case(name: "text first", text: "\tHello #close", expected: .parsed([], comment: "\tHello #close")),
        Case(name: "CRLF line ends", text: "#close\r\n\r\nThanks\r\n", expected: .parsed([.close], comment: "Thanks\r\n")),
        Case(name: "trailing spaces and tabs", text: "#status pending \t\nText ", expected: .parsed([.status(.pending)], comment: "Text ")),
        Case(name: "internal twice", text: "#internal\n#Internal", expected: .parsed([.internalNote], comment: "")),
        Case(name: "empty text", text: "", expected: .parsed([], comment: "")),

        // Invalid
        Case(name: "argument to #take", text: "#take now", expected: .error(line: 1, reason: "#take takes no argument; remove 'now'")),
        Case(name: "missing agent", text: "#assign", expected: .error(line: 1, reason: "#assign needs one agent")),
        Case(name: "unknown command", text: "#stauts pending", expected: .error(line: 1, reason: "unknown command '#stauts'; did you mean '#status'?")),
        Case(name: "unknown command, no guess", text: "#frobnicate", expected: .error(line: 1, reason: "known commands: #status")),
        Case(name: "unknown status", text: "#status pendng", expected: .error(line: 1, reason: "unknown status 'pendng'; \(statuses)")),
        Case(name: "status new", text: "#status new", expected: .error(line: 1, reason: "cannot be set back to new; \(statuses)")),
        Case(name: "missing status", text: "#status", expected: .error(line: 1, reason: "#status needs one status")),
        Case(name: "two statuses on one line", text: "#status pending closed", expected: .error(line: 1, reason: "takes one status; found 'pending closed'")),
        Case(name: "unknown priority", text: "#priority hgh", expected: .error(line: 1, reason: "unknown priority 'hgh'; use one of: low, normal, high, urgent")),
        Case(name: "missing priority", text: "#priority", expected: .error(line: 1, reason: "#priority needs one priority")),
        Case(name: "tag without sign", text: "#tag billing", expected: .error(line: 1, reason: "'billing' needs + to add or - to remove")),
        Case(name: "bad tag", text: "#tag +bad!tag", expected: .error(line: 1, reason: "'bad!tag' is not a valid tag")),
        Case(name: "tag too long", text: "#tag +" + String(repeating: "a", count: 41), expected: .error(line: 1, reason: "1 to 40")),
        Case(name: "empty tag", text: "#tag +", expected: .error(line: 1, reason: "'' is not a valid tag")),
        Case(name: "no tags", text: "#tag", expected: .error(line: 1, reason: "#tag needs at least one tag")),
        Case(name: "cc without domain", text: "#cc +carol", expected: .error(line: 1, reason: "'carol' is not an email address")),
        Case(name: "cc with a bare host", text: "#cc +carol@localhost", expected: .error(line: 1, reason: "not an email address")),
        Case(name: "cc without sign", text: "#cc carol@example.test", expected: .error(line: 1, reason: "needs + to add or - to remove")),
        Case(name: "status contradiction", text: "#resolve\n#close", expected: .error(line: 2, reason: "contradicts '#resolve' on line 1; give one status change per message")),
        Case(name: "status contradiction later", text: "#status pending\n#priority low\n#reopen", expected: .error(line: 3, reason: "contradicts '#status pending' on line 1")),
        Case(name: "assignment contradiction", text: "#assign dana\n#take", expected: .error(line: 2, reason: "one assignment per message")),
        Case(name: "unassign then assign", text: "#unassign\n#assign me", expected: .error(line: 2, reason: "contradicts '#unassign'")),
        Case(name: "two priorities", text: "#priority high\n#priority low", expected: .error(line: 2, reason: "one priority per message")),
        Case(name: "line numbers count leading blanks", text: "\n\n#close\n#bogus", expected: .error(line: 4, reason: "unknown command '#bogus'")),
        Case(name: "tag added and removed", text: "#tag +x -x", expected: .error(line: 1, reason: "tag 'x' is both added and removed")),
        Case(name: "tag added and removed on two lines", text: "#tag +x\n#tags -X", expected: .error(line: 2, reason: "both added and removed")),
        Case(name: "assign two words", text: "#assign dana smith", expected: .error(line: 1, reason: "#assign takes one agent")),
        Case(name: "assign a mention", text: "#assign @dana", expected: .error(line: 1, reason: "'@dana' is not an email address")),
        Case(name: "assign with punctuation", text: "#assign dana!", expected: .error(line: 1, reason: "not an agent's name")),
    ]

    @Test(arguments: cases)
    func parses(_ row: Case) {
        switch row.expected {
        case .parsed(let commands, let comment):
            #expect(throws: Never.self) {
                let result = try EmailCommandParser.parse(row.text)
                #expect(result == EmailCommandParse(commands: commands, comment: comment))
            }
        case .error(let line, let reason):
            do {
                let result = try EmailCommandParser.parse(row.text)
                Issue.record("expected an error, parsed \(result)")
            } catch {
                #expect(error.line == line)
                #expect(error.reason.contains(reason), "\(error.reason)")
            }
        }
    }

    @Test func commandLinesAreTheOnesParseReads() throws {
        let text = "\r\n  #Status pending \r\n#tag +billing\r\n#1 is not a command\r\n#close\n"
        #expect(EmailCommandParser.commandLines(in: text) == ["#Status pending", "#tag +billing"])
        #expect(try EmailCommandParser.parse(text).commands.count == 2)
        #expect(EmailCommandParser.commandLines(in: "Hello\n#close\n").isEmpty)
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.cases.count >= 35)
    }

    @Test func errorNamesTheTrimmedLine() {
        #expect(throws: EmailCommandError(line: 2, text: "#Take now", reason: "#take takes no argument; remove 'now'")) {
            try EmailCommandParser.parse("#close\n   #Take now \t\nHi")
        }
        let error = EmailCommandError(line: 2, text: "#take now", reason: "takes no argument")
        #expect(error.description == "line 2 '#take now': takes no argument")
    }


    @Test("text without a command line at its top is all comment", arguments: [1, 42, 20_240_601])
    func textWithoutCommandsIsComment(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let pieces = ["", " ", "\t", "#", "#1", "# ", "#close", "#status pending", "hello", "Grüße", "a#b", "  #tag +x", "-", "😀", "\u{00A0}"]
        for _ in 0..<300 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                lines.append((0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
            }
            var text = lines.joined(separator: "\n")
            // Leading blanks are fine, but the first other line must not be a command.
            let top = lines.first { !$0.allSatisfy(\.isWhitespace) }?.drop(while: \.isWhitespace)
            if let top, top.first == "#", let next = top.dropFirst().first, next.isASCII, next.isLetter { text = "x" + text }
            let result = try EmailCommandParser.parse(text)
            let expected = text.split(separator: "\n", omittingEmptySubsequences: false)
                .drop { $0.allSatisfy(\.isWhitespace) }
                .joined(separator: "\n")
            #expect(result.commands.isEmpty, "\(text.debugDescription)")
            #expect(result.comment == expected, "\(text.debugDescription)")
        }
    }
}
