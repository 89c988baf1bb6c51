import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

/// Mail to an address the MTA does not have comes back as the MTA's own delivery status
/// notification; the gateway reads it against the mail it sent, and never as a request.
/// `lost.example.test` is a domain the test MTA accepts for any user and cannot deliver to.
@Suite("Bounces, on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct BounceTests {
    static let ghost = "ghost@lost.example.test"

    /// A help desk whose support mailbox signs its envelope senders (or not).
    static func desk(signed: Bool) throws -> HelpDesk {
        try HelpDesk { fixture in
            guard signed else { return }
            try fixture.addMailbox("support", key: "SUPP", agents: ["bob"], extra: "reply_token_secret_file: \(try fixture.writeSecret())")
        }
    }

    /// A request from the address that cannot take mail.
    static func ghostWrites(_ desk: HelpDesk, subject: String) throws {
        try desk.sendRaw(from: "ghost", rcpt: "support@example.test", user: "support", """
            From: Ghost <\(ghost)>
            To: support@example.test
            Subject: \(subject)
            Message-ID: <\(UUID().uuidString.lowercased())@lost.example.test>
            Content-Type: text/plain; charset=utf-8

            Please help.
            """)
    }

    static func row(_ desk: HelpDesk, event: MailEvent, ticket key: String) throws -> OutboxRecord {
        let ticketId = try desk.ticket(key).id
        return try #require(try desk.database.outbox().last { $0.event == event.rawValue && $0.ticketId == ticketId })
    }

    @Test func aBouncedAcknowledgementIsActedOnAndPausesTheAddress() throws {
        let desk = try Self.desk(signed: true)
        defer { desk.stop() }
        try Self.ghostWrites(desk, subject: "Printer on fire")
        try desk.cycle()
        let ack = try Self.row(desk, event: .ticketCreated, ticket: "SUPP-1")
        let id = try #require(ack.id)
        #expect(ack.status == .sent)
        #expect(ack.envelopeFrom?.hasPrefix("support+b-\(id)-") == true, "its own signed envelope sender: \(ack.envelopeFrom ?? "-")")

        // The MTA takes the acknowledgement, fails to deliver it, and returns its DSN.
        try desk.expectArrival(user: "support")
        let summaries = try desk.cycle()
        #expect(summaries.map(\.reports).reduce(0, +) == 1)
        #expect(try desk.database.tickets(status: nil, mailbox: nil).map(\.key) == ["SUPP-1"], "a bounce is never a ticket")
        let recorded = try #require(try desk.database.inboundMessages(mailbox: "support").last)
        #expect(recorded.outcome == .bounce && recorded.rawKept, "recorded, its bytes kept like any message's")

        let bounced = try #require(try desk.database.outbox().first { $0.id == id })
        #expect(bounced.status == .bounced)
        #expect(bounced.bounceStatus == "5.1.1", "the specific code from the MTA's text, not its generic 5.0.0")
        #expect(bounced.bounceDiagnostic?.contains("User doesn't exist") == true, "\(bounced.bounceDiagnostic ?? "-")")

        let note = try #require(try desk.database.history(ticketId: try desk.ticket("SUPP-1").id ?? 0).last)
        #expect(note.kind == .delivery && note.actorRole == .system)
        #expect(note.note?.contains(Self.ghost) == true && note.note?.contains("5.1.1") == true, "\(note.note ?? "-")")

        let paused = try desk.database.suppressions(at: desk.clock.now())
        #expect(paused.map(\.address) == [Self.ghost])
        let days = (paused.first?.until.timeIntervalSince(desk.clock.now()) ?? 0) / 86_400
        #expect((59.9...60.0).contains(days), "paused for the default 60 days, not \(days)")

        // Bob (the only agent, nobody assigned) hears of it.
        let told = try #require(try desk.inbox("bob", count: 2).last)
        #expect(told.subject?.contains("SUPP-1") == true)
        #expect(told.textBody?.contains(Self.ghost) == true && told.textBody?.contains("5.1.1") == true, "\(told.textBody ?? "")")

        // Automatic mail to the address is withheld now: a second request gets no acknowledgement.
        try Self.ghostWrites(desk, subject: "Still on fire")
        try desk.cycle()
        let withheld = try Self.row(desk, event: .ticketCreated, ticket: "SUPP-2")
        #expect(withheld.status == .withheld)
        #expect(withheld.lastError?.contains("paused") == true, "\(withheld.lastError ?? "-")")
        #expect(try desk.database.history(ticketId: try desk.ticket("SUPP-2").id ?? 0).contains { $0.kind == .delivery && $0.toValue == "withheld" })
    }

    @Test func anAgentsReplyToAPausedAddressGoesOutAndTheAgentIsWarned() throws {
        let desk = try Self.desk(signed: true)
        defer { desk.stop() }
        try Self.ghostWrites(desk, subject: "Printer on fire")
        try desk.cycle()
        try desk.expectArrival(user: "support")
        try desk.cycle()
        let notification = try #require(try desk.inbox("bob", count: 2).first)
        let replyTo = try #require(notification.replyTo.first?.address)
        try desk.sendRaw(from: "bob", rcpt: replyTo, user: "support", """
            From: Bob <bob@example.test>
            To: \(replyTo)
            Subject: Re: \(notification.subject ?? "")
            Message-ID: <\(UUID().uuidString.lowercased())@agent.example.test>
            In-Reply-To: <\(notification.messageID ?? "")>
            Content-Type: text/plain; charset=utf-8

            Unplug it, please.
            """)
        try desk.cycle()
        let reply = try Self.row(desk, event: .agentReply, ticket: "SUPP-1")
        #expect(reply.status == .sent, "an agent's own reply is never withheld")
        // The warning was queued by that send; the next run sends it.
        _ = try desk.gateway.dispatchOutbox()
        let warning = try Self.row(desk, event: .deliveryFailed, ticket: "SUPP-1")
        #expect(warning.status == .sent && warning.recipientList == ["bob@example.test"])
        #expect(try warning.plannedMail()?.facts.delivery?.sentAnyway == true)
        let warned = try #require(try desk.inbox("bob", count: 3).last)
        #expect(warned.messageID == warning.messageId)
        #expect(try desk.database.history(ticketId: try desk.ticket("SUPP-1").id ?? 0).contains { $0.toValue == "sent_anyway" })

        // The reply bounces too, and is marked so; the pause runs on.
        try desk.expectArrival(user: "support")
        try desk.cycle()
        #expect(try Self.row(desk, event: .agentReply, ticket: "SUPP-1").status == .bounced)
        #expect(try desk.database.suppressions(at: desk.clock.now()).map(\.address) == [Self.ghost])
    }

    /// A person at a mail system writing about returned mail is a request, not a bounce: only
    /// reports that return a mail of ours (or reach a bounce address) are read as reports.
    @Test func aRequestThatReadsLikeABounceIsATicket() throws {
        let desk = try Self.desk(signed: false)
        defer { desk.stop() }
        try desk.sendRaw(from: "postmaster", rcpt: "support@example.test", user: "support", """
            From: Postmaster <postmaster@example.test>
            To: support@example.test
            Subject: Returned mail from your servers - please help
            Message-ID: <\(UUID().uuidString.lowercased())@example.test>
            Content-Type: text/plain; charset=utf-8

            Since Monday our customers get your mail back: 550 5.1.1 user unknown.
            """)
        let summaries = try desk.cycle()
        #expect(summaries.map(\.reports).reduce(0, +) == 0)
        #expect(try desk.database.tickets(status: nil, mailbox: nil).map(\.key) == ["SUPP-1"])
        #expect(try desk.database.suppressions(at: desk.clock.now()).isEmpty)
    }

    @Test func withoutASecretTheBounceIsMatchedByItsMessageID() throws {
        let desk = try Self.desk(signed: false)
        defer { desk.stop() }
        try Self.ghostWrites(desk, subject: "Printer on fire")
        try desk.cycle()
        let ack = try Self.row(desk, event: .ticketCreated, ticket: "SUPP-1")
        #expect(ack.envelopeFrom == "support@example.test", "no secret to sign a bounce address with")
        try desk.expectArrival(user: "support")
        try desk.cycle()
        #expect(try Self.row(desk, event: .ticketCreated, ticket: "SUPP-1").status == .bounced)
        #expect(try desk.database.tickets(status: nil, mailbox: nil).count == 1)
        #expect(try desk.database.suppressions(at: desk.clock.now()).map(\.address) == [Self.ghost])
    }
}

/// A broken autoresponder that answers every mail with a new one, without any auto-reply
/// header, makes a ticket per answer; the loop cap stops the acknowledgements, and so the loop.
@Suite("Loop caps, on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct LoopCapTests {
    @Test func anAutoresponderAnsweringEveryMailStopsAtTheCap() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "ooo", subject: "Question", body: "Is the shop open on Sunday?\n")
        var answered = 0
        // Bounded: without the cap this would go on for ever.
        for _ in 0..<25 {
            try desk.cycle()
            let acknowledged = try desk.database.outbox(status: .sent).filter { $0.event == MailEvent.ticketCreated.rawValue }.count
            let inbox = try desk.inbox("ooo", count: acknowledged)
            guard inbox.count > answered else { break }
            for _ in answered..<inbox.count {
                // What a broken autoresponder writes: a new subject, no threading, no markers.
                try desk.send(from: "ooo", subject: "I am away until Monday", body: "I will read your mail when I am back.\n")
            }
            answered = inbox.count
        }
        let cap = LoopCaps.standard.perRecipient[0].count
        #expect(answered == cap, "acknowledgements stop at the cap of \(cap) per 10 minutes")
        #expect(try desk.database.tickets(status: nil, mailbox: nil).count == cap + 1)
        let withheld = try desk.database.outbox(status: .withheld)
        #expect(withheld.count == 1 && withheld.first?.recipientList == ["ooo@example.test"])
        #expect(withheld.first?.lastError?.contains("loop cap") == true, "\(withheld.first?.lastError ?? "-")")
        let last = try desk.ticket("SUPP-\(cap + 1)")
        #expect(try desk.database.history(ticketId: last.id ?? 0).contains { $0.kind == .delivery && $0.note?.contains("10 per 10 minutes") == true })
    }
}
