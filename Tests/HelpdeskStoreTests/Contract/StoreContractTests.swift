import Foundation
import HelpdeskCore
import HelpdeskPostgres
import HelpdeskStore
import MailgateTestSupport
import Testing

// The contract every `TicketStore` keeps, run against each backend in `StoreBackend.all`. Only the
// protocols and the rule-driven helpers of MailgateTestSupport are used here: nothing SQLite.

/// What the contract tests share: one clock, two mailboxes, messages as the gateway reads them.
enum Contract {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    /// No agents, no SLA: each new ticket queues exactly one mail, the acknowledgement.
    static let support = MailboxRules(name: "support", keyPrefix: "SUPP")
    static let sales = MailboxRules(name: "sales", keyPrefix: "SALES")

    static let alice = Correspondent(address: "alice@x.test", name: "Alice")
    static let carol = Correspondent(address: "carol@x.test", name: nil)
    static let bob = Correspondent(address: "bob@x.test", name: "Bob")

    static func identity(
        _ uid: UInt32?, mailbox: String = "support", messageID: String?, sha: String? = nil, validity: UInt32 = 7, at date: Date = t0
    ) -> InboundIdentity {
        InboundIdentity(
            mailbox: mailbox, uidValidity: uid == nil ? nil : validity, uid: uid, messageID: messageID,
            sha256: sha ?? "sha-\(messageID ?? "none")-\(uid ?? 0)", size: 100, receivedAt: date)
    }

    static func content(
        from sender: String = "alice@x.test", subject: String = "Printer", references: [String] = [], rawKept: Bool = false
    ) -> InboundContent {
        InboundContent(
            requesterAddress: sender, requesterName: sender == alice.address ? alice.name : nil, subject: subject, body: "it is broken\n",
            followUp: FollowUpCandidates(
                referencedMessageIDs: references, subjectKeys: SubjectToken.keys(in: subject, prefixes: ["SUPP", "SALES"])),
            autoReplySuppression: nil, rawKept: rawKept)
    }

    /// Records a message as the gateway does, with the rules of the mailbox the identity names.
    @discardableResult
    static func ingest(_ store: any TicketStore, _ identity: InboundIdentity, _ content: InboundContent, ids: TestMessageIDs) throws -> IngestResult {
        let rules = identity.mailbox == sales.name ? sales : support
        return try store.ingest(identity, content: content, rules: rules, mailboxes: [support, sales], messageIDs: ids)
    }

    /// A comment on the ticket found, nothing else: what a plain follow-up records.
    static func comment(on found: TicketSnapshot, at date: Date, by author: Correspondent = alice) -> InboundPlan {
        var ticket = found.ticket
        ticket.updatedAt = date
        return InboundPlan(
            outcome: .commentAdded, ticket: TicketPlan(ticket: ticket),
            comment: NewComment(
                authorAddress: author.address, authorName: author.name, body: "more\n", html: nil, reply: "more", authorRole: .participant,
                visibility: .public))
    }

    /// The id of the ticket `key`, which must exist.
    static func ticketID(_ store: any TicketStore, _ key: String) throws -> Int64 {
        try #require(try store.ticket(key: key)?.id)
    }

    struct Unexpected: Error {}
}

@Suite("Store contract: recording a plan")
struct RecordingContractTests {
    typealias C = Contract

    /// A new ticket with everything a plan can carry, made by hand: the store must keep exactly it.
    static func handMadePlan() -> InboundPlan {
        let ticket = Ticket(
            id: nil, mailbox: "support", number: 1, key: "SUPP-1", subject: "Printer", requesterAddress: "alice@x.test",
            requesterName: "Alice", status: .open, priority: .high, createdAt: C.t0, updatedAt: C.t0, assignee: "bob@x.test")
        // Not in any order a store could guess: history keeps the plan's.
        let events = [
            TicketEvent(ticketId: 0, at: C.t0, actor: "alice@x.test", actorRole: .requester, kind: .created, from: nil, to: "SUPP-1"),
            TicketEvent(ticketId: 0, at: C.t0, actor: "gateway", actorRole: .system, kind: .tag, from: nil, to: "vip"),
            TicketEvent(ticketId: 0, at: C.t0, actor: "gateway", actorRole: .system, kind: .assignee, from: nil, to: "bob@x.test", note: "round_robin"),
            TicketEvent(ticketId: 0, at: C.t0, actor: "gateway", actorRole: .system, kind: .status, from: "new", to: "open"),
        ]
        // The acknowledgement and notice are about the comment (its texts); the reply has its own.
        let facts = MailFacts(ticket: ticket, subject: "Printer", body: "it is broken\n", reply: "it is broken", author: C.alice)
        let replyFacts = MailFacts(ticket: ticket, subject: "Printer", body: "On it.\n\n> it is broken\n", reply: "On it.", author: C.bob)
        let mail = [
            PlannedMail(
                intent: .acknowledgement(to: C.alice), messageID: "ack-1@x.test", mailbox: "support",
                answering: MailThread(parent: "in-1@x.test", ancestors: ["older@x.test"]), facts: facts),
            PlannedMail(
                intent: .agentReply(to: [C.alice, C.carol], author: C.bob), messageID: "reply-1@x.test", mailbox: "support",
                answering: MailThread(parent: "in-1@x.test"), facts: replyFacts),
            PlannedMail(intent: .assigned(agent: C.bob, by: "round_robin"), messageID: "assigned-1@x.test", mailbox: "support", answering: nil, facts: facts),
        ]
        let plan = TicketPlan(
            ticket: ticket, events: events, participants: [.add(C.alice, role: .requester), .add(C.carol, role: .cc)],
            addTags: ["vip", "billing"], roundRobin: "bob@x.test", mail: mail)
        let comment = NewComment(
            authorAddress: "alice@x.test", authorName: "Alice", body: "it is broken\n", html: "<p>it is broken</p>", reply: "it is broken",
            authorRole: .participant, visibility: .public)
        return InboundPlan(outcome: .ticketCreated, ticket: plan, comment: comment)
    }

    @Test("a reply naming only one of our mails finds its ticket, even after a message reused that Message-ID, and an earlier release's link still works", arguments: StoreBackend.all)
    func aReplyToOurMailFindsItsTicket(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "in-1@x.test"), C.content(), ids: ids)
        try C.ingest(store, C.identity(2, messageID: "in-2@x.test", sha: "toner"), C.content(subject: "Toner"), ids: ids)
        let acknowledgements = try store.outbox(status: nil).filter { $0.event == MailEvent.ticketCreated.rawValue }
        #expect(acknowledgements.count == 2)
        let second = try #require(acknowledgements.first { $0.ticketId == (try? C.ticketID(store, "SUPP-2")) })
        // Someone who saw that mail sends a new message under its Message-ID: it takes nothing over.
        let reuse = try C.ingest(store, C.identity(3, messageID: second.messageId), C.content(from: "mallory@x.test", subject: "Something else"),
                                 ids: ids)
        #expect(reuse.ticket?.key != "SUPP-2")
        // Not the first ticket: the outbox row's own ticket. No key in the subject either.
        let reply = try C.ingest(store, C.identity(4, messageID: "in-4@x.test"), C.content(subject: "thanks", references: [second.messageId]),
                                 ids: ids)
        #expect(reply.ticket?.key == "SUPP-2")

        // Releases before this one linked our own Message-IDs in ticket_message too.
        let legacy = "INSERT INTO ticket_message (message_id, ticket_id, direction) VALUES ('old-ack@x.test', \(try C.ticketID(store, "SUPP-1")), 'out')"
        if let sqlite = store as? HelpdeskDatabase { try sqlite.executeForTesting(legacy) }
        if let postgres = store as? PostgresStore { try postgres.executeForTesting(legacy) }
        let old = try C.ingest(store, C.identity(5, messageID: "in-5@x.test"), C.content(subject: "again", references: ["old-ack@x.test"]),
                               ids: ids)
        #expect(old.ticket?.key == "SUPP-1")
    }

    @Test("a text with a NUL stays whole in the mail, which keeps its own copy", arguments: StoreBackend.all)
    func textWithNULStaysInTheMail(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        var plan = Self.handMadePlan()
        let text = "it is\u{0} broken\n"
        plan.comment.body = text
        plan.comment.reply = nil
        plan.ticket.mail = plan.ticket.mail.map { mail in
            var mail = mail
            mail.facts.body = text
            mail.facts.reply = text
            return mail
        }
        _ = try store.record(C.identity(3, messageID: "in-1@x.test", sha: "aa"), C.content(), lookup: InboundLookup(keyPrefix: "SUPP")) { _ in plan }
        let outbox = try store.outbox(status: .pending)
        #expect(outbox.count == 3)
        for row in outbox {
            #expect(row.commentId == nil)
            #expect(try row.plannedMail()?.facts.body == text)
        }
    }

    @Test("a plan is recorded as given: ticket, comment, people, tags, history, mail, cursor", arguments: StoreBackend.all)
    func aPlanIsRecordedAsGiven(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let plan = Self.handMadePlan()
        let identity = C.identity(3, messageID: "in-1@x.test", sha: "aa")
        var content = C.content()
        content.attachments = [
            AttachmentDraft(sha256: String(repeating: "d", count: 64), filename: "log.txt", contentType: "text/plain", size: 12, isInline: false, contentID: nil),
        ]
        var seen: InboundSnapshot?
        let result = try store.record(identity, content, lookup: InboundLookup(keyPrefix: "SUPP")) { snapshot in
            seen = snapshot
            return plan
        }
        #expect(seen?.found == nil)
        #expect(seen?.nextNumber == 1)

        guard case .ticketCreated(let ticket, let comment) = result else {
            Issue.record("got \(result)")
            return
        }
        let id = try #require(ticket.id)
        var expected = plan.ticket.ticket
        expected.id = id
        #expect(ticket == expected)
        #expect(try store.ticket(key: "SUPP-1") == expected)
        #expect(try store.ticket(id: id) == expected)

        let stored = try store.comments(ticketId: id)
        #expect(stored == [comment])
        #expect(comment.id != nil && comment.ticketId == id)
        #expect(comment.messageId == "in-1@x.test", "the comment keeps the identity's Message-ID")
        #expect(comment.authorAddress == "alice@x.test" && comment.authorName == "Alice" && comment.body == "it is broken\n")
        #expect(comment.html == "<p>it is broken</p>" && comment.reply == "it is broken")
        #expect(comment.authorRole == .participant && comment.visibility == .public && !comment.unverified)
        #expect(comment.createdAt == C.t0)
        #expect(try store.attachments(ticketId: id)[try #require(comment.id)]?.map(\.filename) == ["log.txt"])

        #expect(try store.participants(ticketId: id, includingRemoved: false) == [
            Participant(ticketId: id, address: "alice@x.test", name: "Alice", role: .requester, addedAt: C.t0),
            Participant(ticketId: id, address: "carol@x.test", name: nil, role: .cc, addedAt: C.t0),
        ])
        #expect(Set(try store.tags(ticketId: id)) == ["vip", "billing"])

        let history = try store.history(ticketId: id)
        #expect(history.allSatisfy { $0.id != nil })
        #expect(history.map { row in var row = row; row.id = nil; return row } == plan.ticket.events.map { event in
            var event = event
            event.ticketId = id
            return event
        }, "history rows in plan order, with the new ticket's id filled in")

        // The outbox promises no order of its own: rows are matched by Message-ID.
        let outbox = try store.outbox(status: .pending)
        let byMessageID = Dictionary(outbox.map { ($0.messageId, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(outbox.count == 3 && Set(byMessageID.keys) == ["ack-1@x.test", "reply-1@x.test", "assigned-1@x.test"])
        for mail in plan.ticket.mail {
            let row = try #require(byMessageID[mail.messageID])
            #expect(try row.plannedMail() == mail, "the planned mail decodes back as planned")
            #expect(row.event == mail.event.rawValue)
            #expect(row.recipients == mail.intent.recipients.map(\.address).joined(separator: ","), "the recipients column")
            #expect(row.recipientList == mail.intent.recipients.map(\.address))
        }
        #expect(byMessageID["reply-1@x.test"]?.recipients == "alice@x.test,carol@x.test")
        // Mail about the comment names it instead of copying its text; other mail keeps its own.
        for key in ["ack-1@x.test", "assigned-1@x.test"] {
            #expect(byMessageID[key]?.commentId == comment.id, "\(key)")
            #expect(byMessageID[key]?.intent?.contains("it is broken") == false, "\(key)")
        }
        #expect(byMessageID["reply-1@x.test"]?.commentId == nil)
        #expect(byMessageID["reply-1@x.test"]?.intent?.contains("On it.") == true)
        // The other ways rows are read put the texts back too.
        let claimed = try store.claimDueOutbox(mailbox: nil, owner: "test", now: C.t0, lease: 60, limit: 10)
        #expect(Set(try claimed.compactMap { try $0.plannedMail() }.map(\.messageID)) == Set(plan.ticket.mail.map(\.messageID)))
        for row in claimed {
            #expect(try row.plannedMail() == plan.ticket.mail.first { $0.messageID == row.messageId })
        }
        #expect(try store.outboxListing(status: nil).map { try $0.row.plannedMail()?.facts.body }.sorted { ($0 ?? "") < ($1 ?? "") }
                == plan.ticket.mail.map(\.facts.body).sorted())
        for row in outbox {
            #expect(row.id != nil && row.ticketId == id && row.mailbox == "support" && row.status == .pending)
            #expect(row.message == nil && row.envelopeFrom == nil, "nothing is rendered until the outbox side does it")
            #expect(row.attempts == 0 && row.lastError == nil && row.sentAt == nil && row.claimedBy == nil)
            #expect(row.nextAttemptAt <= C.t0, "due at once")
        }
        #expect(try store.pendingOutboxCounts() == ["support": 3])

        let cursor = try #require(try store.cursor(mailbox: "support"))
        #expect(cursor.uidValidity == 7 && cursor.lastUid == 3)
        #expect(try store.recordedUIDs(mailbox: "support", uidValidity: 7, among: [1, 2, 3, 4]) == [3])

        let inbound = try store.inboundMessages(mailbox: nil)
        #expect(inbound.count == 1)
        let row = try #require(inbound.first)
        #expect(row.mailbox == "support" && row.uidValidity == 7 && row.uid == 3 && row.messageId == "in-1@x.test" && row.sha256 == "aa")
        #expect(row.outcome == .ticketCreated && row.ticketId == id && row.commentId == comment.id && row.sender == "alice@x.test")
        #expect(row.receivedAt == C.t0 && row.size == 100)
    }

    @Test("the next decision sees the recorded ticket, its people, tags and the round-robin pointer", arguments: StoreBackend.all)
    func theNextSnapshotSeesTheRecordedPlan(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        _ = try store.record(C.identity(1, messageID: "in-1@x.test"), C.content(), lookup: InboundLookup(keyPrefix: "SUPP")) { _ in Self.handMadePlan() }

        // An answer to our acknowledgement: found by the Message-ID of mail we sent, not by subject.
        var seen: InboundSnapshot?
        let later = C.at(60)
        let result = try store.record(
            C.identity(2, messageID: "in-2@x.test", at: later), C.content(subject: "new words", references: ["unknown@x.test", "ack-1@x.test"]),
            lookup: InboundLookup(keyPrefix: "SUPP", strategies: ["support": .roundRobin])
        ) { snapshot in
            seen = snapshot
            guard let found = snapshot.found else { throw Contract.Unexpected() }
            return C.comment(on: found, at: later)
        }
        let found = try #require(seen?.found)
        #expect(found.ticket.key == "SUPP-1" && found.ticket.assignee == "bob@x.test")
        #expect(found.participants.map(\.address) == ["alice@x.test", "carol@x.test"])
        #expect(found.removedParticipants.isEmpty)
        #expect(found.tags == ["vip", "billing"])
        #expect(found.requesterThread == ["in-1@x.test", "ack-1@x.test", "reply-1@x.test"],
                "the requester's message, then our answers to the requester, oldest first")
        #expect(seen?.nextNumber == 2)
        #expect(seen?.assignment.lastAssignee == "bob@x.test", "the round-robin pointer the plan moved")

        guard case .commentAdded(let ticket, let comment) = result else {
            Issue.record("got \(result)")
            return
        }
        #expect(ticket.key == "SUPP-1" && ticket.updatedAt == later)
        #expect(comment.ticketId == ticket.id && comment.messageId == "in-2@x.test" && comment.body == "more\n")
        #expect(try store.comments(ticketId: try #require(ticket.id)).count == 2)
        #expect(try store.tickets(status: nil, mailbox: nil).count == 1)

        // Least open counts the open tickets per assignee.
        var counted: AssignmentState?
        _ = try store.record(C.identity(3, messageID: "in-3@x.test"), C.content(subject: "[SUPP-1] again"), lookup: InboundLookup(keyPrefix: "SUPP", strategies: ["support": .leastOpen])) { snapshot in
            counted = snapshot.assignment
            guard let found = snapshot.found else { throw Contract.Unexpected() }
            return C.comment(on: found, at: later)
        }
        #expect(counted?.openCounts == ["bob@x.test": 1])
    }

    @Test("a follow-up finds its ticket by our outgoing mail's Message-ID, by its own, and by the subject key", arguments: StoreBackend.all)
    func followUpsFindTheirTicket(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        try C.ingest(store, C.identity(1, messageID: "m1@x.test"), C.content(), ids: ids)
        try C.ingest(store, C.identity(2, messageID: "m2@x.test"), C.content(subject: "Scanner"), ids: ids)
        #expect(Set(try store.outbox(status: nil).map(\.messageId)) == ["support-1@test", "support-2@test"])

        func key(of content: InboundContent, uid: UInt32) -> String? {
            var key: String?
            #expect(throws: Contract.Unexpected.self) {
                try store.record(C.identity(uid, messageID: "f\(uid)@x.test"), content, lookup: InboundLookup(keyPrefix: "SUPP")) { snapshot in
                    key = snapshot.found?.ticket.key
                    throw Contract.Unexpected()
                }
            }
            return key
        }
        #expect(key(of: C.content(subject: "Re: what", references: ["support-2@test"]), uid: 10) == "SUPP-2", "our acknowledgement")
        #expect(key(of: C.content(subject: "Re: what", references: ["nobody@x.test", "m1@x.test"]), uid: 11) == "SUPP-1", "the requester's own message")
        #expect(key(of: C.content(subject: "Re: [SUPP-2] Scanner"), uid: 12) == "SUPP-2", "the subject key")
        #expect(key(of: C.content(subject: "Re: [SUPP-9] guessed"), uid: 13) == nil, "a key no ticket has")
        #expect(key(of: C.content(subject: "Printer"), uid: 14) == nil, "the same subject alone is no follow-up")
        #expect(key(of: C.content(subject: "Re: [SUPP-2] x", references: ["m1@x.test"]), uid: 15) == "SUPP-1", "references before subject keys")
    }

    @Test("new ticket numbers count per key prefix", arguments: StoreBackend.all)
    func numbersCountPerKeyPrefix(backend: StoreBackend) throws {
        let (store, cleanup) = try backend.make()
        defer { cleanup() }
        let ids = TestMessageIDs()
        for uid in UInt32(1)...2 { try C.ingest(store, C.identity(uid, messageID: "s\(uid)@x.test"), C.content(subject: "S\(uid)"), ids: ids) }
        try C.ingest(store, C.identity(1, mailbox: "sales", messageID: "q1@x.test"), C.content(subject: "Quote"), ids: ids)
        #expect(try store.tickets(status: nil, mailbox: nil).map(\.key).sorted() == ["SALES-1", "SUPP-1", "SUPP-2"])

        func nextNumber(prefix: String, mailbox: String) -> Int? {
            var number: Int?
            #expect(throws: Contract.Unexpected.self) {
                try store.record(C.identity(99, mailbox: mailbox, messageID: "n-\(prefix)@x.test"), C.content(subject: "Fresh"), lookup: InboundLookup(keyPrefix: prefix)) { snapshot in
                    number = snapshot.nextNumber
                    throw Contract.Unexpected()
                }
            }
            return number
        }
        #expect(nextNumber(prefix: "SUPP", mailbox: "support") == 3)
        #expect(nextNumber(prefix: "SALES", mailbox: "sales") == 2)
        #expect(nextNumber(prefix: "SUPP", mailbox: "renamed") == 3, "per prefix, not per mailbox name")
        #expect(nextNumber(prefix: "SUP", mailbox: "support") == 1, "a prefix of another prefix counts on its own")
        #expect(nextNumber(prefix: "NEW", mailbox: "new") == 1)
    }
}
