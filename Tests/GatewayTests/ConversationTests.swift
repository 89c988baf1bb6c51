import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

/// Issue 4's threading scenarios, each on its own real Dovecot + OpenSMTPD pair.
@Suite("Conversations on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct ConversationTests {
    @Test func threadsByReferencesAloneWhenTheSubjectWasEdited() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        let request = try desk.send(from: "alice", subject: "Printer jammed", body: "Paper jam on floor 3.\n")
        try desk.cycle()
        let ack = try desk.lastSent(to: "alice")
        // No In-Reply-To, no key in the subject: References alone must find the ticket.
        try desk.send(from: "alice", subject: "completely new words", body: "Now it smokes.\n\n> Paper jam on floor 3.\n",
                      references: [request, ack])
        try desk.cycle()

        #expect(try desk.database.tickets().map(\.key) == ["SUPP-1"])
        let comments = try desk.comments("SUPP-1")
        #expect(comments.count == 2)
        #expect(comments.last?.reply == "Now it smokes.")
        #expect(comments.last?.body.contains("> Paper jam") == true)
        // Bob, the agent, was told of the new ticket and of the answer, both threaded to the request.
        let bob = try desk.inbox("bob", count: 2)
        #expect(bob.map { $0.subject?.contains("[SUPP-1]") == true } == [true, true])
        #expect(bob.first?.subject?.contains("New ticket") == true)
        #expect(bob.last?.textBody?.contains("Now it smokes.") == true)
        #expect(bob.last?.textBody?.contains("Paper jam on floor 3") == false, "notifications show the reply part only")
        #expect(bob.last?.inReplyTo.isEmpty == false)
        #expect(bob.last?.autoSubmitted == "auto-generated")
    }

    @Test func threadsByTokenAloneAfterLocalizedPrefixes() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "VPN drops")
        try desk.cycle()
        try desk.send(from: "alice", subject: "AW: Re: [#SUPP-1] VPN drops", body: "Still dropping.\n")
        try desk.send(from: "alice", subject: "SV: [OTHER-1] VPN drops", body: "Someone else's key.\n")
        try desk.cycle()

        #expect(try desk.database.tickets().map(\.key) == ["SUPP-1", "SUPP-2"])
        let comments = try desk.comments("SUPP-1")
        #expect(comments.count == 2)
        #expect(comments.last?.body == "Still dropping.\n")
        #expect(try desk.comments("SUPP-2").first?.body == "Someone else's key.\n", "an unconfigured prefix is not a token")
    }

    @Test func aCcParticipantsReplyGoesOnTheTicket() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", cc: ["carol", "bob"], subject: "Order 1234 missing")
        try desk.cycle()
        // The agent in Cc is an agent, not a participant; carol is.
        #expect(try desk.participants("SUPP-1") == ["alice@example.test", "carol@example.test"])

        try desk.send(from: "carol", subject: "Re: [SUPP-1] Order 1234 missing", body: "I am Alice's colleague; same here.\n")
        try desk.cycle()
        let comments = try desk.comments("SUPP-1")
        #expect(comments.map(\.authorAddress) == ["alice@example.test", "carol@example.test"])
        #expect(comments.last?.authorRole == .participant)
        #expect(comments.last?.visibility == .public)
        #expect(try desk.database.tickets().count == 1)
    }

    @Test func aStrangerWithAValidTokenStartsALinkedTicket() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Password reset")
        try desk.cycle()
        let alicesAck = try desk.lastSent(to: "alice")
        // Erin saw the key somewhere and answers with it, even with the right References.
        try desk.send(from: "erin", subject: "Re: [SUPP-1] Password reset", body: "Please reset mine too.\n",
                      inReplyTo: alicesAck, references: [alicesAck])
        try desk.cycle()

        #expect(try desk.comments("SUPP-1").count == 1)
        let new = try desk.ticket("SUPP-2")
        #expect(new.requesterAddress == "erin@example.test")
        #expect(new.linkedTicketId == (try desk.ticket("SUPP-1").id))
        #expect(new.linkReason == .unknownSender)
        let erin = try desk.inbox("erin", count: 1)
        #expect(new.subject == "Password reset", "the old key is not carried into the new ticket")
        #expect(erin.first?.subject == "[SUPP-2] Password reset")
        #expect(erin.first?.textBody?.contains("referred to ticket SUPP-1, which you are not part of") == true)
    }

    @Test func aStrangersFollowUpCanBeAnInternalNote() throws {
        let desk = try HelpDesk(extra: "stranger_follow_ups: internal_note")
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Invoice wrong")
        try desk.cycle()
        try desk.send(from: "erin", subject: "Re: [SUPP-1] Invoice wrong", body: "Sign-up code 1234.\n")
        try desk.cycle()

        #expect(try desk.database.tickets().count == 1)
        let comments = try desk.comments("SUPP-1")
        #expect(comments.last?.visibility == .internal)
        #expect(comments.last?.authorRole == .stranger)
        #expect(try desk.database.outbox().filter { $0.recipientList.contains("erin@example.test") }.isEmpty)
    }

    @Test func aReplyReopensAResolvedTicket() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Laptop slow")
        try desk.cycle()
        try desk.setStatus("SUPP-1", "resolved")
        try desk.send(from: "alice", subject: "Re: [SUPP-1] Laptop slow", body: "It is slow again.\n")
        try desk.cycle()

        #expect(try desk.ticket("SUPP-1").status == .open)
        #expect(try desk.comments("SUPP-1").count == 2)
        #expect(try desk.database.tickets().count == 1)
        let bob = try desk.inbox("bob", count: 2)
        #expect(bob.last?.textBody?.contains("which is open again") == true)
    }

    @Test func aReplyToAClosedTicketStartsALinkedOne() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Monitor flickers")
        try desk.cycle()
        try desk.setStatus("SUPP-1", "closed")
        try desk.send(from: "alice", subject: "Re: [SUPP-1] Monitor flickers", body: "It is back.\n")
        try desk.cycle()

        #expect(try desk.ticket("SUPP-1").status == .closed)
        #expect(try desk.comments("SUPP-1").count == 1)
        let new = try desk.ticket("SUPP-2")
        #expect(new.linkReason == .ticketClosed)
        #expect(new.linkedTicketId == (try desk.ticket("SUPP-1").id))
        let alice = try desk.inbox("alice", count: 2)
        #expect(alice.last?.subject == "[SUPP-2] Monitor flickers")
        #expect(alice.last?.textBody?.contains("Your earlier ticket SUPP-1 is closed") == true)
    }

    @Test func oneMessageToTwoSupportAddressesIsOneTicket() throws {
        let desk = try HelpDesk { fixture in try fixture.addMailbox("sales", key: "SALES", agents: ["dana"]) }
        defer { desk.stop() }
        try desk.send(from: "alice", to: ["support"], cc: ["sales"], subject: "Quote and a bug")
        let summaries = try desk.cycle()
        #expect(summaries.map(\.fetched) == [1, 1])

        let tickets = try desk.database.tickets()
        #expect(tickets.count == 1)
        let key = try #require(tickets.first?.key)
        #expect(try desk.participants(key) == ["alice@example.test"], "support addresses are not participants")
        #expect(try desk.database.inboundMessages().map(\.outcome).sorted { $0.rawValue < $1.rawValue } == [.duplicate, .ticketCreated])
        #expect(try desk.database.outbox().filter { $0.event == "ticket_created" }.count == 1)
    }

    @Test func anOutOfOfficeAnswerChangesNothing() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Printer")
        try desk.cycle()
        try desk.setStatus("SUPP-1", "closed")
        try desk.send(from: "alice", subject: "Automatic reply: [SUPP-1] Printer", body: "Away until Monday.\n",
                      headers: ["Auto-Submitted: auto-replied"])
        try desk.cycle()

        #expect(try desk.database.tickets().count == 1, "no new ticket from a robot")
        #expect(try desk.ticket("SUPP-1").status == .closed)
        #expect(try desk.comments("SUPP-1").last?.visibility == .internal)
    }
}
