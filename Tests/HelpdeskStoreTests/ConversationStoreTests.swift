import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Participants, links, attachments and raw messages in the store")
struct ConversationStoreTests {
    let database: HelpdeskDatabase
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    let support = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [Correspondent(address: "bob@x.test")])
    let sales = MailboxRules(name: "sales", keyPrefix: "SALES", agents: [Correspondent(address: "dana@x.test")])
    let bob = TicketActor(address: "bob@x.test", role: .agent)

    init() throws { database = try .inMemory() }

    func identity(_ uid: UInt32, sha: String = "") -> InboundIdentity {
        InboundIdentity(mailbox: "support", uidValidity: 7, uid: uid, messageID: "m\(uid)@x", sha256: sha.isEmpty ? "sha\(uid)" : sha,
                        size: 10, receivedAt: now.addingTimeInterval(Double(uid)))
    }

    func message(from sender: String, subject: String, copied: [String] = [], attachments: [AttachmentDraft] = [], rawKept: Bool = false,
                 automatic: Bool = false) -> InboundContent {
        InboundContent(
            requesterAddress: sender, requesterName: nil, subject: subject, body: "text\n", html: "<p>text</p>", reply: "text",
            copied: copied.map { Correspondent(address: $0) }, attachments: attachments,
            followUp: FollowUpCandidates(referencedMessageIDs: [], subjectKeys: SubjectToken.keys(in: subject, prefixes: ["SUPP"])),
            autoReplySuppression: automatic ? "Auto-Submitted: auto-replied" : nil, rawKept: rawKept)
    }

    @discardableResult
    func record(_ uid: UInt32, _ content: InboundContent, sha: String = "") throws -> IngestResult {
        try record(identity(uid, sha: sha), content)
    }

    @discardableResult
    func record(_ identity: InboundIdentity, _ content: InboundContent) throws -> IngestResult {
        try database.ingest(identity, content: content, rules: identity.mailbox == "sales" ? sales : support, mailboxes: [support, sales])
    }

    /// What an agent's `#cc` does: the number of history rows it wrote.
    func cc(add: [String] = [], remove: [String] = []) throws -> Int {
        try database.update(ticketKey: "SUPP-1", change: TicketChange(addParticipants: add, removeParticipants: remove), actor: bob, rules: support, at: now).1.count
    }

    @Test func requesterAndCopiedBecomeParticipantsAndReplyFromThem() throws {
        try record(1, message(from: "alice@x.test", subject: "Help", copied: ["carol@x.test", "alice@x.test"]))
        #expect(try database.participants(ticketId: 1).map(\.address) == ["alice@x.test", "carol@x.test"])
        #expect(try database.participants(ticketId: 1).map(\.role) == [.requester, .cc])
        // Carol brings Dave in by Cc.
        let reply = try record(2, message(from: "carol@x.test", subject: "Re: [SUPP-1] Help", copied: ["dave@x.test"]))
        guard case .commentAdded(_, let comment) = reply else { Issue.record("got \(reply)"); return }
        #expect(comment.authorRole == .participant && comment.visibility == .public)
        #expect(comment.html == "<p>text</p>" && comment.reply == "text")
        #expect(try database.participants(ticketId: 1).count == 3)
    }

    @Test func aRemovedParticipantIsAStrangerAndStaysRemoved() throws {
        try record(1, message(from: "alice@x.test", subject: "Help", copied: ["carol@x.test"]))
        #expect(try cc(remove: ["Carol@x.test"]) == 1)
        #expect(try cc(remove: ["carol@x.test"]) == 0)
        // Alice's Cc does not bring her back; only an agent can.
        try record(2, message(from: "alice@x.test", subject: "Re: [SUPP-1] Help", copied: ["carol@x.test"]))
        #expect(try database.participants(ticketId: 1).map(\.address) == ["alice@x.test"])
        let result = try record(3, message(from: "carol@x.test", subject: "Re: [SUPP-1] Help"))
        #expect(result.ticket?.key == "SUPP-2")
        #expect(result.ticket?.linkReason == .unknownSender)
        #expect(try cc(add: ["carol@x.test"]) == 1)
        #expect(try database.participants(ticketId: 1).map(\.address) == ["alice@x.test", "carol@x.test"])
        #expect(try database.participants(ticketId: 1, includingRemoved: true).count == 2)
    }

    @Test func participantsAreCapped() throws {
        let many = (1...80).map { "p\($0)@x.test" }
        try record(1, message(from: "alice@x.test", subject: "All hands", copied: many))
        #expect(try database.participants(ticketId: 1).count == ChangeRules.participantLimit)
        #expect(throws: ChangeRefused.self) { try cc(add: ["one-more@x.test"]) }
    }

    @Test func agentsRepliesAreAgentComments() throws {
        try record(1, message(from: "alice@x.test", subject: "Help"))
        try database.executeForTesting("UPDATE ticket SET status = 'closed'")
        let result = try record(2, message(from: "bob@x.test", subject: "Re: [SUPP-1] Help", copied: ["mallory@x.test"]))
        guard case .commentAdded(let ticket, let comment) = result else { Issue.record("got \(result)"); return }
        #expect(ticket.status == .closed)
        #expect(comment.authorRole == .agent)
        #expect(comment.visibility == .internal, "unauthenticated agent mail is an internal note")
        #expect(try database.participants(ticketId: 1).count == 1, "an agent's Cc is not a participant change")
        // Agent of another mailbox: a stranger here.
        let other = try record(3, message(from: "dana@x.test", subject: "Re: [SUPP-1] Help"))
        #expect(other.ticket?.linkReason == .unknownSender)
    }

    @Test func anAgentsRobotMailRunsNothingAndIsMarkedUnlessProved() throws {
        try record(1, message(from: "alice@x.test", subject: "Help"))
        let commands = AgentCommands(change: TicketChange(status: .resolved), internalNote: false, comment: "Away.", lines: ["#resolve"])
        func agentMail(proved: Bool) -> AgentMessage {
            AgentMessage(tokenTicketIds: proved ? [1] : [], tokenProblem: nil, authentication: .notVerified(reason: "none"),
                         commands: .success(commands))
        }
        for (uid, proved) in [(UInt32(2), false), (3, true)] {
            var content = message(from: "bob@x.test", subject: "Re: [SUPP-1] Help", automatic: true)
            content.agentMessage = agentMail(proved: proved)
            let mailBefore = try database.outbox().count
            let result = try record(identity(uid), content)
            #expect(try database.outbox().count == mailBefore, "a robot is not told anything")
            guard case .commentAdded(let ticket, let comment) = result else { Issue.record("got \(result)"); continue }
            #expect(ticket.status == .new, "nothing runs")
            #expect(comment.visibility == .internal && comment.authorRole == .agent)
            #expect(comment.unverified == !proved)
        }
        #expect(try database.history(ticketId: 1).map(\.kind) == [.created])
    }

    @Test func attachmentsAreListedPerComment() throws {
        let files = [
            AttachmentDraft(sha256: String(repeating: "a", count: 64), filename: "report.pdf", contentType: "application/pdf", size: 1234, isInline: false, contentID: nil),
            AttachmentDraft(sha256: String(repeating: "b", count: 64), filename: "logo.png", contentType: "image/png", size: 99, isInline: true, contentID: "logo@x"),
        ]
        try record(1, message(from: "alice@x.test", subject: "Files", attachments: files))
        let stored = try database.attachments(ticketId: 1)
        #expect(stored[1]?.map(\.filename) == ["report.pdf", "logo.png"])
        #expect(stored[1]?.last?.isInline == true)
        #expect(try database.hasAttachment(sha256: String(repeating: "A", count: 64)))
        #expect(try database.hasAttachment(sha256: String(repeating: "c", count: 64)) == false)
    }

    @Test func rawMessagesAreForgottenWhenNoRowKeepsThem() throws {
        try record(1, message(from: "alice@x.test", subject: "One", rawKept: true), sha: "s1")
        try record(2, message(from: "alice@x.test", subject: "Two", rawKept: true), sha: "s2")
        // The same bytes recorded again later (another mailbox, new Message-ID) keep the file alive.
        var later = identity(3, sha: "s1")
        later.messageID = "other@x"
        later.receivedAt = now.addingTimeInterval(86_400 * 30)
        try record(later, message(from: "alice@x.test", subject: "One again", rawKept: true))

        let expired = try database.keptRawMessages(mailbox: "support", receivedBefore: now.addingTimeInterval(100))
        #expect(expired.map(\.sha256) == ["s1", "s2"])
        #expect(try database.forgetRawMessages(ids: expired.compactMap(\.id)) == ["s2"])
        #expect(try database.keptRawMessages(mailbox: "support", receivedBefore: now.addingTimeInterval(100)).isEmpty)
    }

    @Test func notificationsOfAFollowUpAtAnotherAddressLeaveThroughTheTicketsMailbox() throws {
        try record(1, message(from: "alice@x.test", subject: "Help"))
        var atSales = identity(2)
        atSales.mailbox = "sales"
        try record(atSales, message(from: "alice@x.test", subject: "Re: [SUPP-1] Help"))
        #expect(try database.outbox().map(\.event) == ["ticket_created", "new_ticket", "requester_reply"])
        #expect(try database.outbox().map(\.mailbox) == ["support", "support", "support"])
        #expect(try database.outbox().map(\.recipients) == ["alice@x.test", "bob@x.test", "bob@x.test"])
    }

    @Test func aMessageIDReusedByAnotherSenderIsNotADuplicate() throws {
        try record(1, message(from: "alice@x.test", subject: "Help"))
        var reused = identity(2)
        reused.messageID = identity(1).messageID
        let result = try record(reused, message(from: "mallory@x.test", subject: "Other"))
        #expect(result.ticket?.key == "SUPP-2")
        var again = identity(3)
        again.messageID = identity(1).messageID
        #expect(try record(again, message(from: "alice@x.test", subject: "Help")) == .duplicate(ticketKey: "SUPP-1"))
    }

    @Test func aCopyOverAnotherMailboxsLimitIsADuplicateWithoutNotice() throws {
        try record(1, message(from: "alice@x.test", subject: "Big"))
        var atSales = identity(2)
        (atSales.mailbox, atSales.messageID) = ("sales", identity(1).messageID)
        var asked = false
        let result = try database.recordQuarantine(atSales, sender: "alice@x.test", reason: "too large", rawKept: false) {
            asked = true
            return nil
        }
        #expect(result == .duplicate(ticketKey: "SUPP-1"))
        #expect(!asked)
    }

    @Test func aSecondCopyOfAMessageKeptAsideGetsNoSecondNotice() throws {
        var asked = 0
        let notice = { () -> PlannedMail? in
            asked += 1
            return SizeNoticeRules.notice(
                from: Correspondent(address: "a@x"), returnPath: nil, suppressed: false, subject: "Big", reason: "too large", size: 99,
                limit: 10, mailbox: "support", answering: nil, newMessageID: { _ in "n\(asked)@x" })
        }
        var pipe = identity(1)
        (pipe.uid, pipe.uidValidity) = (nil, nil)
        _ = try database.recordQuarantine(pipe, sender: "a@x", reason: "too large", rawKept: true, notice: notice)
        _ = try database.recordQuarantine(pipe, sender: "a@x", reason: "too large", rawKept: true, notice: notice)
        #expect(asked == 1)
        #expect(try database.outbox().map(\.event) == ["message_too_large"])
        #expect(try database.outbox().first?.ticketId == nil)
        #expect(try database.inboundMessages().map(\.outcome) == [.quarantined, .quarantined])
    }
}
