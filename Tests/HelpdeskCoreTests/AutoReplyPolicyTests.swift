import HelpdeskCore
import MIME
import Testing

@Suite("Loop rules: when no acknowledgement goes out")
struct AutoReplyPolicyTests {
    let policy = AutoReplyPolicy(ownAddresses: ["support@example.test", "Sales@Example.test"])

    static func message(_ headers: String, from: String = "Alice <alice@example.test>") -> Message {
        Message.parse(Array("From: \(from)\r\nTo: support@example.test\r\nSubject: hi\r\nMessage-ID: <a@b>\r\n\(headers)\r\nbody\r\n".utf8))
    }

    static let suppressedCases: [(headers: String, from: String, reason: AutoReplySuppression)] = [
        ("Auto-Submitted: auto-replied\r\n", "alice@example.test", .autoSubmitted("auto-replied")),
        ("Auto-Submitted: Auto-Generated\r\n", "alice@example.test", .autoSubmitted("auto-generated")),
        ("Auto-Submitted: auto-notified; owner-email=x@y\r\n", "alice@example.test", .autoSubmitted("auto-notified")),
        ("Precedence: bulk\r\n", "alice@example.test", .precedence("bulk")),
        ("Precedence: JUNK\r\n", "alice@example.test", .precedence("junk")),
        ("Precedence: list\r\n", "alice@example.test", .precedence("list")),
        ("List-Id: Team <team.lists.example.test>\r\n", "alice@example.test", .mailingList("team.lists.example.test")),
        ("Return-Path: <>\r\n", "alice@example.test", .emptyReturnPath),
        ("", "MAILER-DAEMON@mx.example.test", .daemonSender("mailer-daemon@mx.example.test")),
        ("", "postmaster@example.test", .daemonSender("postmaster@example.test")),
        ("", "no-reply@shop.example", .daemonSender("no-reply@shop.example")),
        ("", "support@example.test", .ownMessage),
        ("", "support+abc123@example.test", .ownMessage),
        ("", "sales@example.test", .ownMessage),
        ("X-Mailgate-Ticket: SUPP-1\r\n", "alice@example.test", .ownMessage),
        ("", "undisclosed-recipients:;", .noSender),
    ]

    @Test("suppressed", arguments: suppressedCases)
    func suppressed(headers: String, from: String, reason: AutoReplySuppression) {
        #expect(policy.suppression(for: Self.message(headers, from: from)) == reason)
    }

    static let allowedCases: [String] = [
        "",
        "Auto-Submitted: no\r\n",
        "Precedence: first-class\r\n",
        "Return-Path: <alice@example.test>\r\n",
    ]

    @Test("answered", arguments: allowedCases)
    func answered(headers: String) {
        #expect(policy.suppression(for: Self.message(headers)) == nil)
    }
}

@Suite("Follow-up candidates")
struct FollowUpCandidatesTests {
    @Test func ordersInReplyToThenNewestReference() {
        let message = Message.parse(Array("""
            From: a@example.test\r
            Subject: Re: [SUPP-4] x [SALES-2]\r
            In-Reply-To: <c@x>\r
            References: <a@x> <b@x>\r
             <c@x>\r
            \r
            hi\r

            """.utf8))
        let candidates = FollowUpCandidates(message: message, prefixes: ["SUPP"])
        #expect(candidates.referencedMessageIDs == ["c@x", "b@x", "a@x"])
        #expect(candidates.subjectKeys == [TicketKey(prefix: "SUPP", number: 4)])
    }
}

@Suite("Outbox retry schedule")
struct RetryScheduleTests {
    @Test func growsThenGivesUp() {
        let schedule = RetrySchedule.standard
        let delays = (1...schedule.delays.count).compactMap { schedule.delay(afterFailedAttempts: $0) }
        #expect(delays == delays.sorted())
        #expect(delays.first == 60)
        #expect(schedule.delay(afterFailedAttempts: schedule.delays.count + 1) == nil)
        #expect(schedule.delay(afterFailedAttempts: 0) == nil)
        // About three days in all before giving up.
        #expect((2...4).contains(delays.reduce(0, +) / 86_400))
    }
}
