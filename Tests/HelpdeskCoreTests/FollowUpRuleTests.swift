import HelpdeskCore
import Testing

@Suite("Follow-up rules")
struct FollowUpRuleTests {
    typealias Row = (status: TicketStatus, sender: SenderRole, strangers: StrangerPolicy, expected: FollowUpAction)

    /// Every status for participants, some for agents, both stranger policies for strangers.
    static let table: [Row] = [
        (.new, .participant, .newTicket, .append(visibility: .public, newStatus: nil)),
        (.open, .participant, .newTicket, .append(visibility: .public, newStatus: nil)),
        (.pending, .participant, .newTicket, .append(visibility: .public, newStatus: .open)),
        (.onHold, .participant, .newTicket, .append(visibility: .public, newStatus: nil)),
        (.resolved, .participant, .newTicket, .append(visibility: .public, newStatus: .open)),
        (.closed, .participant, .newTicket, .newLinkedTicket(reason: .ticketClosed)),
        (.cancelled, .participant, .internalNote, .newLinkedTicket(reason: .ticketClosed)),
        (.new, .agent, .newTicket, .agentMail),
        (.resolved, .agent, .newTicket, .agentMail),
        (.closed, .agent, .newTicket, .agentMail),
        (.open, .stranger, .newTicket, .newLinkedTicket(reason: .unknownSender)),
        (.closed, .stranger, .newTicket, .newLinkedTicket(reason: .unknownSender)),
        (.open, .stranger, .internalNote, .append(visibility: .internal, newStatus: nil)),
        (.closed, .stranger, .internalNote, .append(visibility: .internal, newStatus: nil)),
    ]

    @Test(arguments: table)
    func decides(row: Row) {
        #expect(FollowUpRule.action(status: row.status, sender: row.sender, strangers: row.strangers) == row.expected)
    }

    @Test("a robot's message never reopens, links or goes public", arguments: TicketStatus.allCases, SenderRole.allCases)
    func automaticMessagesAreNotes(status: TicketStatus, sender: SenderRole) {
        for policy in StrangerPolicy.allCases {
            // An agent's robot mail goes the agent path, which keeps it as an internal note too
            // (ConversationStoreTests holds that part).
            let expected: FollowUpAction = sender == .agent ? .agentMail : .append(visibility: .internal, newStatus: nil)
            #expect(FollowUpRule.action(status: status, sender: sender, strangers: policy, automatic: true) == expected)
        }
    }

    @Test("a stranger never gets a public comment on someone else's ticket", arguments: TicketStatus.allCases)
    func strangersNeverPublic(status: TicketStatus) {
        for policy in StrangerPolicy.allCases {
            if case .append(let visibility, let newStatus) = FollowUpRule.action(status: status, sender: .stranger, strangers: policy) {
                #expect(visibility == .internal && newStatus == nil)
            }
        }
    }
}

@Suite("Subject of a follow-up that becomes a ticket")
struct SubjectLineTests {
    static let cases: [(subject: String, keys: [String], expected: String)] = [
        ("Re: [SUPP-1] Printer", ["SUPP-1"], "Printer"),
        ("AW: RE: [#SUPP-1] Drucker", ["SUPP-1"], "Drucker"),
        ("Re[2]: [supp-7] Case", ["SUPP-7"], "Case"),
        ("回复：[SUPP-8] 打印机", ["SUPP-8"], "打印机"),
        ("Printer [SUPP-1] still broken", ["SUPP-1"], "Printer still broken"),
        ("Re: Meeting: tomorrow", [], "Meeting: tomorrow"),
        ("Reply needed: [SUPP-2]", ["SUPP-2"], "Reply needed:"),
        ("[SUPP-3]", ["SUPP-3"], "(no subject)"),
        ("Re: [OTHER-1] x", [], "[OTHER-1] x"),
        ("Re: [ supp-01 ] spaced and padded", ["SUPP-1"], "spaced and padded"),
        ("Re: [[SUPP-4] nested", ["SUPP-4"], "[ nested"),
        ("Re: [SUPP-4] and [SUPP-5] kept", ["SUPP-4"], "and [SUPP-5] kept"),
    ]

    @Test(arguments: cases)
    func base(subject: String, keys: [String], expected: String) {
        #expect(SubjectLine.base(subject, removing: keys.compactMap { TicketKey($0) }) == expected)
    }
}
