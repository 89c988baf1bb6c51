import Foundation
import HelpdeskCore
import HelpdeskStore
import MailgateTestSupport
import Testing

private let t0 = Date(timeIntervalSince1970: 1_790_000_000)
private func at(minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
private let minute: TimeInterval = 60
private let hour: TimeInterval = 3600

/// 24/7, warned at half the target. Normal: first response 1 h, resolution 8 h; urgent: 15 min and
/// 4 h; low: 4 h and 24 h; high sets none.
private let policy = SLAPolicy(
    calendar: .alwaysOpen,
    targets: [
        .normal: SLATargets(firstResponse: hour, resolution: 8 * hour),
        .urgent: SLATargets(firstResponse: 15 * minute, resolution: 4 * hour),
        .low: SLATargets(firstResponse: 4 * hour, resolution: 24 * hour),
    ],
    warningPoint: 0.5)

private let bob = TicketActor(address: "bob@x.test", role: .agent)
/// The mailbox with the policy, and bob its agent.
private let support = MailboxRules(name: "support", keyPrefix: "SUPP", agents: [Correspondent(address: "bob@x.test")], sla: policy)
private let sales = MailboxRules(name: "sales", keyPrefix: "SALES")

/// Records `content` as the gateway would, for the mailbox `identity` names.
@discardableResult
private func ingest(_ database: HelpdeskDatabase, _ identity: InboundIdentity, _ content: InboundContent) throws -> IngestResult {
    try database.ingest(identity, content: content, rules: identity.mailbox == "sales" ? sales : support, mailboxes: [support, sales])
}

/// The SLA mail in the outbox (a new ticket's own notification to bob is not counted).
private func slaMail(_ database: HelpdeskDatabase) throws -> [OutboxRecord] {
    try database.outbox(status: nil).filter { $0.event == MailEvent.slaWarning.rawValue || $0.event == MailEvent.slaBreach.rawValue }
}

private func identity(uid: UInt32, at date: Date = t0) -> InboundIdentity {
    InboundIdentity(mailbox: "support", uidValidity: 1, uid: uid, messageID: "m\(uid)@x.test", sha256: "s\(uid)", size: 1, receivedAt: date)
}

private func content(subject: String = "Printer", automatic: String? = nil) -> InboundContent {
    InboundContent(
        requesterAddress: "alice@x.test", requesterName: nil, subject: subject, body: "it is broken\n",
        followUp: FollowUpCandidates(referencedMessageIDs: [], subjectKeys: SubjectToken.keys(in: subject, prefixes: ["SUPP"])),
        autoReplySuppression: automatic)
}

/// Bob's proved public answer to SUPP-1 (a signed reply address), optionally with `#` commands.
private func agentAnswer(change: TicketChange = TicketChange(), internalNote: Bool = false) -> InboundContent {
    var answer = InboundContent(
        requesterAddress: "bob@x.test", requesterName: nil, subject: "Re: [SUPP-1] Printer", body: "Turn it off and on.\n",
        followUp: FollowUpCandidates(referencedMessageIDs: [], subjectKeys: SubjectToken.keys(in: "Re: [SUPP-1] Printer", prefixes: ["SUPP"])),
        autoReplySuppression: nil)
    answer.agentMessage = AgentMessage(
        tokenTicketIds: [1], tokenProblem: nil, authentication: .notVerified(reason: "none"),
        commands: .success(AgentCommands(change: change, internalNote: internalNote, comment: "Turn it off and on.", lines: [])))
    return answer
}

/// The notice `database` says is due at `date` for SUPP-1's `target`, of `kind`: as the gateway gets it.
private func dueNotice(_ database: HelpdeskDatabase, _ target: SLATarget, _ kind: SLANoticeRecord.Kind, at date: Date) throws -> SLANoticeDue {
    let notice = try #require(try database.dueSLANotices(now: date).first { $0.target == target && $0.ticketId == 1 })
    try #require(notice.kind == kind)
    return notice
}

@Suite("SLA clocks in the store")
struct SLAStoreTests {
    let database: HelpdeskDatabase

    /// SUPP-1, normal priority, created at t0 in mailbox support (which has the policy).
    init() throws {
        database = try HelpdeskDatabase.inMemory()
        try ingest(database, identity(uid: 1), content())
    }

    func change(_ change: TicketChange, at date: Date) throws {
        try database.update(ticketKey: "SUPP-1", change: change, actor: bob, rules: support, at: date)
    }

    func clock(_ target: SLATarget) throws -> TicketSLARecord {
        try #require(try database.sla(ticketId: 1).first { $0.target == target })
    }

    @Test func aNewTicketGetsBothClocks() throws {
        let rows = try database.sla(ticketId: 1)
        #expect(rows.map(\.target) == [.firstResponse, .resolution])
        let first = try clock(.firstResponse), resolution = try clock(.resolution)
        #expect(first.dueAt == t0.addingTimeInterval(hour) && first.warnAt == t0.addingTimeInterval(30 * minute))
        #expect(resolution.dueAt == t0.addingTimeInterval(8 * hour) && resolution.warnAt == t0.addingTimeInterval(4 * hour))
        #expect(rows.allSatisfy { $0.outcome == .running && !$0.completed && $0.elapsed == 0 && $0.updatedAt == t0 })
        #expect(first.duration == hour && resolution.duration == 8 * hour)
    }

    @Test func aMailboxWithoutPolicyHasNoClocks() throws {
        var other = identity(uid: 2)
        other.mailbox = "sales"
        let result = try ingest(database, other, content(subject: "Quote"))
        let id = try #require(result.ticket?.id)
        #expect(try database.sla(ticketId: id).isEmpty)
    }

    @Test func pendingPausesAndOpenResumesWithTheDueMovedByThePause() throws {
        try change(TicketChange(status: .pending), at: at(minutes: 10))
        for target in SLATarget.allCases {
            let paused = try clock(target)
            #expect(paused.outcome == .paused && paused.dueAt == nil, "\(target.label)")
            #expect(paused.elapsed == 10 * minute, "\(target.label)")
        }
        let pause = 50 * minute
        try change(TicketChange(status: .open), at: at(minutes: 60))
        let first = try clock(.firstResponse), resolution = try clock(.resolution)
        #expect(first.outcome == .running && first.dueAt == t0.addingTimeInterval(hour + pause))
        #expect(first.warnAt == t0.addingTimeInterval(30 * minute + pause))
        #expect(resolution.outcome == .running && resolution.dueAt == t0.addingTimeInterval(8 * hour + pause))
        #expect(first.elapsed == 10 * minute && first.updatedAt == at(minutes: 60))
    }

    @Test(arguments: [TicketPriority.urgent, .low])
    func aPriorityChangeRecomputesFromCreation(priority: TicketPriority) throws {
        try change(TicketChange(priority: priority), at: at(minutes: 5))
        let targets = try #require(policy.targets[priority])
        let first = try clock(.firstResponse), resolution = try clock(.resolution)
        #expect(first.duration == targets.firstResponse && resolution.duration == targets.resolution)
        #expect(first.dueAt == targets.firstResponse.map { t0.addingTimeInterval($0) })
        #expect(first.warnAt == targets.firstResponse.map { t0.addingTimeInterval($0 * policy.warningPoint) })
        #expect(resolution.dueAt == targets.resolution.map { t0.addingTimeInterval($0) })
    }

    @Test func aPriorityWithoutTargetsDropsTheClocks() throws {
        try change(TicketChange(priority: .high), at: at(minutes: 5))
        #expect(try database.sla(ticketId: 1).isEmpty)
        try change(TicketChange(priority: .normal), at: at(minutes: 6))
        #expect(try clock(.firstResponse).dueAt == t0.addingTimeInterval(hour))
    }

    @Test func resolvingStopsTheResolutionClock() throws {
        try change(TicketChange(status: .resolved), at: at(minutes: 30))
        let resolution = try clock(.resolution)
        #expect(resolution.outcome == .met && resolution.completed && resolution.dueAt == nil)
        #expect(resolution.elapsed == 30 * minute)
        // Resolved without a public answer: nothing to judge for the first response.
        let first = try clock(.firstResponse)
        #expect(first.outcome == .ended && !first.completed && first.dueAt == nil)
    }

    @Test func aPublicAnswerInTimeMeetsTheFirstResponse() throws {
        try ingest(database, identity(uid: 2, at: at(minutes: 20)), agentAnswer())
        #expect(try database.ticket(key: "SUPP-1")?.firstResponseAt == at(minutes: 20))
        let first = try clock(.firstResponse)
        #expect(first.outcome == .met && first.completed && first.elapsed == 20 * minute && first.dueAt == nil)
        #expect(try clock(.resolution).outcome == .running)
        // Nothing more is ever due for the first response.
        #expect(try database.dueSLANotices(now: at(minutes: 10_000)).allSatisfy { $0.target == .resolution })
    }

    @Test func anInternalNoteIsNoFirstResponse() throws {
        try ingest(database, identity(uid: 2, at: at(minutes: 20)), agentAnswer(internalNote: true))
        let first = try clock(.firstResponse)
        #expect(first.outcome == .running && !first.completed && first.dueAt == t0.addingTimeInterval(hour))
    }

    @Test func aLateAnswerIsABreachThatWasCompleted() throws {
        try ingest(database, identity(uid: 2, at: at(minutes: 90)), agentAnswer())
        let first = try clock(.firstResponse)
        #expect(first.outcome == .breached && first.completed && first.dueAt == t0.addingTimeInterval(hour))
        #expect(first.elapsed == 90 * minute)
        #expect(!first.isBreaching(at: at(minutes: 100)), "answered: not breaching any more")
    }

    /// The clock service runs now and then: an answer can come after the warning point and before
    /// the next pass. A target already met needs no warning any more.
    @Test func aTargetMetAfterItsWarningPointIsNotWarnedAbout() throws {
        try ingest(database, identity(uid: 2, at: at(minutes: 45)), agentAnswer())
        #expect(try clock(.firstResponse).outcome == .met)
        let pass = at(minutes: 46)
        let notices = try database.dueSLANotices(now: pass)
        for notice in notices {
            _ = try database.recordSLANotice(notice, at: pass, rules: [support])
        }
        let told = try database.slaNotices(ticketId: 1).map { "\($0.target.rawValue) \($0.kind.rawValue) mailed \($0.mailed)" }
        #expect(try slaMail(database).isEmpty, "a warning mailed for a first response already given: \(told)")
    }

    @Test func reopeningGoesOnFromWhereTheClockStood() throws {
        try change(TicketChange(status: .resolved), at: at(minutes: 60))
        try change(TicketChange(status: .open), at: at(minutes: 180))
        let resolution = try clock(.resolution)
        #expect(resolution.outcome == .running && !resolution.completed)
        #expect(resolution.dueAt == t0.addingTimeInterval(8 * hour + 2 * hour))
    }

    typealias NoticeRow = (minutes: Double, expected: [String])

    static let dueAtInstants: [NoticeRow] = [
        (0, []),
        (29, []),
        (30, ["first_response warning"]),
        (59, ["first_response warning"]),
        (60, ["first_response breach"]),
        (239, ["first_response breach"]),
        (240, ["first_response breach", "resolution warning"]),
        (480, ["first_response breach", "resolution breach"]),
        (10_000, ["first_response breach", "resolution breach"]),
    ]

    @Test(arguments: dueAtInstants)
    func noticesAreDueAtTheirPoints(row: NoticeRow) throws {
        let notices = try database.dueSLANotices(now: at(minutes: row.minutes))
        #expect(notices.map { "\($0.target.rawValue) \($0.kind.rawValue)" } == row.expected)
        #expect(notices.allSatisfy { $0.ticketId == 1 && $0.ticketKey == "SUPP-1" })
    }

    @Test func aToldWarningIsNotDueAgainButTheBreachStillIs() throws {
        let warning = try dueNotice(database, .firstResponse, .warning, at: at(minutes: 31))
        #expect(try database.recordSLANotice(warning, at: at(minutes: 31), rules: [support]))
        #expect(try database.dueSLANotices(now: at(minutes: 45)).isEmpty)
        #expect(try database.dueSLANotices(now: at(minutes: 61)).map(\.kind) == [.breach])
        #expect(try slaMail(database).count == 1)
    }

    @Test func aNoticeIsRecordedExactlyOnce() throws {
        let notice = try dueNotice(database, .firstResponse, .breach, at: at(minutes: 61))
        #expect(notice.ticketKey == "SUPP-1")
        var decided = 0
        let record = { (at: Date) in
            try database.recordSLANotice(notice, at: at, policies: ["support": policy]) { ticket, clock in
                decided += 1
                return SLANoticeRules.decide(.breach, ticket: ticket, clock: clock, at: at, rules: support) { _ in "sla-\(ticket.key)-\(clock.target.rawValue)@x.test" }
            }
        }
        let first = try record(at(minutes: 61))
        let second = try record(at(minutes: 62))
        #expect(first && !second)
        #expect(decided == 1, "the rules are not even asked once it is recorded")
        #expect(try slaMail(database).map(\.messageId) == ["sla-SUPP-1-first_response@x.test"])
        let slaEvents = try database.history(ticketId: 1).filter { $0.kind == .sla }
        #expect(slaEvents.count == 1)
        #expect(slaEvents.first?.fromValue == "first_response" && slaEvents.first?.toValue == "breached")
        let notices = try database.slaNotices(ticketId: 1)
        #expect(notices.count == 2)
        let breach = try #require(notices.first { $0.kind == .breach })
        #expect(breach.mailed && breach.at == at(minutes: 61) && breach.dueAt == t0.addingTimeInterval(hour))
        #expect(try database.dueSLANotices(now: at(minutes: 62)).isEmpty)
    }

    @Test func aBreachMakesTheWarningSilent() throws {
        // The warning was due and not told yet when the breach came.
        let unsentWarning = try dueNotice(database, .firstResponse, .warning, at: at(minutes: 40))
        #expect(try database.recordSLANotice(dueNotice(database, .firstResponse, .breach, at: at(minutes: 70)), at: at(minutes: 70), rules: [support]))
        let warning = try #require(try database.slaNotices(ticketId: 1).first { $0.kind == .warning && $0.target == .firstResponse })
        #expect(!warning.mailed)
        #expect(try database.dueSLANotices(now: at(minutes: 75)).isEmpty)
        #expect(try !database.recordSLANotice(unsentWarning, at: at(minutes: 75), rules: [support]))
        #expect(try slaMail(database).count == 1)
        // The other target is untouched: its own warning still comes.
        #expect(try database.dueSLANotices(now: at(minutes: 240)).map { "\($0.target.rawValue) \($0.kind.rawValue)" } == ["resolution warning"])
    }

    @Test func aNoticeNoLongerDueIsNotRecorded() throws {
        let breach = try dueNotice(database, .firstResponse, .breach, at: at(minutes: 61))
        // Meanwhile the ticket became low priority: the first response is due at 4 h now.
        try change(TicketChange(priority: .low), at: at(minutes: 62))
        #expect(try !database.recordSLANotice(breach, at: at(minutes: 63), rules: [support]))
        #expect(try database.slaNotices(ticketId: 1).isEmpty)
        #expect(try slaMail(database).isEmpty)
        #expect(try database.history(ticketId: 1).filter { $0.kind == .sla }.isEmpty)
    }

    @Test func aBreachOfAnEndedTicketIsRecordedButNotMailed() throws {
        // Resolved at 2 h without a public answer: the first response was breached at 1 h, unnoticed.
        try change(TicketChange(status: .resolved), at: at(minutes: 120))
        #expect(try database.dueSLANotices(now: at(minutes: 121)).map { "\($0.target.rawValue) \($0.kind.rawValue)" } == ["first_response breach"])
        let recorded = try database.recordSLANotice(dueNotice(database, .firstResponse, .breach, at: at(minutes: 121)), at: at(minutes: 121), rules: [support])
        #expect(recorded)
        #expect(try slaMail(database).isEmpty)
        let breach = try #require(try database.slaNotices(ticketId: 1).first { $0.kind == .breach })
        #expect(!breach.mailed)
        #expect(try database.history(ticketId: 1).filter { $0.kind == .sla }.count == 1)
        #expect(try database.dueSLANotices(now: at(minutes: 122)).isEmpty)
    }

    @Test func refreshDropsClocksOfAMailboxWhosePolicyWasRemoved() throws {
        #expect(try database.sla(ticketId: 1).count == 2)
        #expect(try database.refreshClocks(policies: [:], now: at(minutes: 5)) == 1)
        #expect(try database.sla(ticketId: 1).isEmpty)
        #expect(try database.dueSLANotices(now: at(minutes: 10_000)).isEmpty)
    }

    @Test func refreshAppliesAnEditedPolicyToOpenTickets() throws {
        var longer = policy
        longer.targets[.normal] = SLATargets(firstResponse: 2 * hour, resolution: nil)
        try database.refreshClocks(policies: ["support": longer], now: at(minutes: 5))
        let rows = try database.sla(ticketId: 1)
        #expect(rows.map(\.target) == [.firstResponse])
        #expect(rows.first?.dueAt == t0.addingTimeInterval(2 * hour) && rows.first?.updatedAt == at(minutes: 5))
    }

    @Test func reportRowsCoverTheClocksOfTicketsCreatedSince() throws {
        try change(TicketChange(priority: .urgent), at: at(minutes: 1))
        let rows = try database.slaReportRows(since: nil)
        #expect(rows.map(\.sla.target) == [.firstResponse, .resolution])
        #expect(rows.allSatisfy { $0.mailbox == "support" && $0.priority == .urgent && $0.ticketId == 1 && !$0.finished })
        #expect(rows.map(\.sla) == (try database.sla(ticketId: 1)))
        #expect(try database.slaReportRows(since: t0).count == 2)
        #expect(try database.slaReportRows(since: at(minutes: 1)).isEmpty)
        try change(TicketChange(status: .resolved), at: at(minutes: 2))
        #expect(try database.slaReportRows(since: nil).allSatisfy(\.finished))
    }

    typealias IdleRow = (cutoffMinutes: Double, listed: Bool)

    /// Resolved at 60 min; an automatic message (which does not reopen it) is recorded as a comment at 180 min.
    static let idleCutoffs: [IdleRow] = [
        (30, false),  // before the resolution
        (60, false),  // at the resolution: not yet idle before it
        (61, false),  // after the resolution, but the comment at 180 came after the cutoff
        (180, false),  // the comment is at the cutoff
        (181, true),  // resolution and comment both before
    ]

    @Test(arguments: idleCutoffs)
    func resolvedTicketsIdleSinceTheCutoff(row: IdleRow) throws {
        try change(TicketChange(status: .resolved), at: at(minutes: 60))
        let followUp = try ingest(
            database, identity(uid: 2, at: at(minutes: 180)), content(subject: "Re: [SUPP-1] Printer", automatic: "auto-submitted"))
        #expect(followUp.ticket?.key == "SUPP-1" && followUp.ticket?.status == .resolved)
        let listed = try database.resolvedTickets(mailbox: "support", idleBefore: at(minutes: row.cutoffMinutes)).map(\.key)
        #expect(listed == (row.listed ? ["SUPP-1"] : []))
        #expect(try database.resolvedTickets(mailbox: "sales", idleBefore: at(minutes: 10_000)).isEmpty)
    }

    @Test func resolvedTicketsWithoutLaterComments() throws {
        try change(TicketChange(status: .resolved), at: at(minutes: 60))
        #expect(try database.resolvedTickets(mailbox: "support", idleBefore: at(minutes: 60)).isEmpty)
        #expect(try database.resolvedTickets(mailbox: "support", idleBefore: at(minutes: 61)).map(\.key) == ["SUPP-1"])
        // Reopened: not resolved any more, whatever the cutoff.
        try change(TicketChange(status: .open), at: at(minutes: 90))
        #expect(try database.resolvedTickets(mailbox: "support", idleBefore: at(minutes: 10_000)).isEmpty)
    }

    @Test func aReplyStampedBeforeAChangeButCommittedAfterItLeavesTheClockRunning() throws {
        try change(TicketChange(status: .open), at: at(minutes: 5))
        try change(TicketChange(status: .pending), at: at(minutes: 20))
        // Alice's reply was fetched at 15 min and commits after the agent's pending: the ticket is open.
        try ingest(database, identity(uid: 2, at: at(minutes: 15)), content(subject: "Re: [SUPP-1] Printer"))
        #expect(try database.ticket(key: "SUPP-1")?.status == .open)
        let first = try clock(.firstResponse)
        #expect(first.outcome == .running, "the status the ticket has decides, not the order of the stamps")
        #expect(first.dueAt != nil)
    }

    @Test func aClockPausedPastItsWarningPointIsWarnedWhenItRunsAgain() throws {
        try change(TicketChange(status: .pending), at: at(minutes: 40))
        #expect(try database.dueSLANotices(now: at(minutes: 50)).isEmpty, "waiting on the requester: nobody is warned")
        try change(TicketChange(status: .open), at: at(minutes: 70))
        let due = try database.dueSLANotices(now: at(minutes: 71))
        #expect(due.map { "\($0.target.rawValue) \($0.kind.rawValue)" } == ["first_response warning"])
    }

    @Test func aWarningWhoseClockStoppedBeforeItWasRecordedWaitsForTheClockToRun() throws {
        let notice = try dueNotice(database, .firstResponse, .warning, at: at(minutes: 40))
        try change(TicketChange(status: .pending), at: at(minutes: 40))
        #expect(try !database.recordSLANotice(notice, at: at(minutes: 40), rules: [support]))
        #expect(try database.dueSLANotices(now: at(minutes: 41)).isEmpty)
        try change(TicketChange(status: .open), at: at(minutes: 45))
        let again = try dueNotice(database, .firstResponse, .warning, at: at(minutes: 46))
        #expect(try database.recordSLANotice(again, at: at(minutes: 46), rules: [support]))
        #expect(try slaMail(database).count == 1)
    }

    @Test func theMailIsMadeFromTheClockAsItIsAtTheCheck() throws {
        let notice = try dueNotice(database, .firstResponse, .warning, at: at(minutes: 40))
        var seen: TicketSLARecord?
        #expect(try database.recordSLANotice(notice, at: at(minutes: 40), policies: ["support": policy]) { ticket, clock in
            seen = clock
            return SLANoticeRules.decide(.warning, ticket: ticket, clock: clock, at: at(minutes: 40), rules: support) { _ in "w@x.test" }
        })
        #expect(seen?.elapsed == 40 * minute && seen?.updatedAt == at(minutes: 40))
        #expect(try database.slaNotices(ticketId: 1).first?.mailed == true)
    }

    @Test func aNoticeWithoutAnyMailIsRecordedAsNotMailed() throws {
        let notice = try dueNotice(database, .firstResponse, .warning, at: at(minutes: 40))
        var quiet = support
        quiet.agents = []
        #expect(try database.recordSLANotice(notice, at: at(minutes: 40), rules: [quiet]))
        #expect(try database.slaNotices(ticketId: 1).first?.mailed == false)
    }

    @Test func aChangeDecidedWithoutAPolicyLeavesTheClocksAlone() throws {
        var noPolicy = support
        noPolicy.sla = nil
        try database.update(ticketKey: "SUPP-1", change: TicketChange(priority: .high), actor: bob, rules: noPolicy, at: at(minutes: 5))
        #expect(try database.sla(ticketId: 1).count == 2)
    }
}

@Suite("SLA notices across a restart")
struct SLARestartTests {
    @Test func aRecordedBreachStaysRecordedInANewProcess() throws {
        let directory = try TemporaryDirectory(prefix: "sla")
        let path = directory.path("helpdesk.sqlite")

        let breach: SLANoticeDue
        do {
            let first = try HelpdeskDatabase(path: path)
            try ingest(first, identity(uid: 1), content())
            breach = try dueNotice(first, .firstResponse, .breach, at: at(minutes: 90))
            #expect(try first.recordSLANotice(breach, at: at(minutes: 90), rules: [support]))
        }

        let second = try HelpdeskDatabase(path: path)
        try second.refreshClocks(policies: ["support": policy], now: at(minutes: 91))
        #expect(try second.dueSLANotices(now: at(minutes: 91)).isEmpty)
        #expect(try !second.recordSLANotice(breach, at: at(minutes: 92), rules: [support]))
        #expect(try slaMail(second).count == 1)
        #expect(try second.history(ticketId: 1).filter { $0.kind == .sla }.count == 1)
        #expect(try second.slaNotices(ticketId: 1).count == 2)
        // The clocks themselves came through: the resolution warning is still ahead, at 4 h.
        #expect(try second.dueSLANotices(now: at(minutes: 240)).map { "\($0.target.rawValue) \($0.kind.rawValue)" } == ["resolution warning"])
    }
}
