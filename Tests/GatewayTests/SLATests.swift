import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

/// Issue 6 on real servers: SLA clocks run on the gateway's own clock, and warnings and breaches
/// reach the agents' IMAP inboxes exactly once.
@Suite("SLA clocks on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct SLATests {
    static func policy(_ targets: String, extra: String = "") -> String {
        """
        sla:
          time: calendar
          warn_at: 50%
        \(extra.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n"))
          targets:
        \(targets.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        """
    }

    static func subjects(_ messages: [Message]) -> [String] { messages.map { $0.subject ?? "" } }

    @Test func aShortTargetBreachesOnceAndTheAgentIsToldAcrossARestart() throws {
        let desk = try HelpDesk(extra: Self.policy("normal: {first_response: 10m, resolution: 2h}", extra: "escalation: carol@example.test"))
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "VPN drops every hour")
        try desk.cycle()
        let ticket = try desk.ticket("SUPP-1")
        let id = try #require(ticket.id)
        let clocks = try desk.database.sla(ticketId: id)
        #expect(clocks.map(\.target) == [.firstResponse, .resolution])
        #expect(clocks.first?.dueAt == ticket.createdAt.addingTimeInterval(600), "due = created + 10 min in calendar time")
        #expect(clocks.first?.warnAt == ticket.createdAt.addingTimeInterval(300))
        #expect(try desk.gateway.checkSLA() == SLACheckSummary(), "nothing is due yet")

        desk.clock.advance(6 * 60)
        #expect(try desk.gateway.checkSLA().warnings == 1)
        _ = try desk.gateway.dispatchOutbox()
        // The MTA delivers each SMTP transaction on its own, so arrival order is not sending order.
        let warned = Self.subjects(try desk.inbox("bob", count: 2))
        #expect(warned.filter { $0.hasPrefix("[SUPP-1] SLA warning: first response") }.count == 1, "\(warned)")

        desk.clock.advance(5 * 60)
        let breach = try desk.gateway.checkSLA()
        #expect(breach.breaches == 1 && breach.warnings == 0)
        _ = try desk.gateway.dispatchOutbox()
        let told = try #require(try desk.inbox("bob", count: 3).first { $0.subject?.contains("SLA breached") == true })
        #expect(told.subject?.hasPrefix("[SUPP-1] SLA breached: first response") == true, "\(told.subject ?? "-")")
        #expect(told.textBody?.contains("within 10m") == true, "\(told.textBody ?? "-")")
        // The escalation address hears of both, too.
        #expect(Self.subjects(try desk.inbox("carol", count: 2)).map { $0.contains("SLA") } == [true, true])
        let history = try desk.database.history(ticketId: id)
        let recorded = try #require(history.last)
        #expect(recorded.kind == .sla && recorded.fromValue == "first_response" && recorded.toValue == "breached")
        #expect(recorded.actorRole == .system)

        // A new process (recomputing every clock at start) tells nobody again.
        desk.restart()
        desk.clock.advance(60)
        let again = try desk.gateway.checkSLA(refreshing: true)
        #expect(again.warnings == 0 && again.breaches == 0 && again.refreshed == 1)
        #expect(try desk.database.outbox().filter { $0.event == "sla_breach" }.count == 2, "bob and carol, once each")
        #expect(try desk.database.history(ticketId: id).filter { $0.kind == .sla }.count == 1)
    }

    @Test func pendingStopsTheClockAndTheRequesterReplyRestartsIt() throws {
        let desk = try HelpDesk(extra: Self.policy("normal: {first_response: 10m}"))
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Cannot print")
        try desk.cycle()
        desk.clock.advance(120)
        _ = try desk.gateway.updateTicket(key: "SUPP-1", change: TicketChange(status: .pending), actor: TicketActor(address: "admin", role: .admin))
        let id = try #require(try desk.ticket("SUPP-1").id)
        #expect(try desk.database.sla(ticketId: id).first?.outcome == .paused)

        // An hour waiting on the requester is no breach.
        desk.clock.advance(3600)
        #expect(try desk.gateway.checkSLA() == SLACheckSummary())

        try desk.send(from: "alice", subject: "Re: [SUPP-1] Cannot print", body: "Here is the printer model.\n")
        try desk.cycle()
        let ticket = try desk.ticket("SUPP-1")
        #expect(ticket.status == .open, "her reply takes it off pending")
        let statuses = try desk.database.history(ticketId: id).filter { $0.kind == .status }
        let paused = try #require(statuses.first { $0.toValue == "pending" }?.at)
        let resumed = try #require(statuses.last { $0.toValue == "open" }?.at)
        let clock = try #require(try desk.database.sla(ticketId: id).first)
        #expect(clock.outcome == .running)
        // 10 minutes less what ran before the pause, counted from her reply.
        let expected = resumed.addingTimeInterval(600 - paused.timeIntervalSince(ticket.createdAt))
        #expect(abs((clock.dueAt ?? .distantPast).timeIntervalSince(expected)) < 0.01, "\(String(describing: clock.dueAt)) vs \(expected)")

        desk.clock.advance(9 * 60)
        #expect(try desk.gateway.checkSLA().breaches == 1)
    }

    @Test func aPriorityChangeRecomputesTheTargets() throws {
        let desk = try HelpDesk(extra: Self.policy("normal: {first_response: 1h}\nurgent: {first_response: 5m}"))
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Site is down")
        try desk.cycle()
        desk.clock.advance(10 * 60)
        #expect(try desk.gateway.checkSLA() == SLACheckSummary(), "10 minutes of a 1 h target: not even the warning")
        _ = try desk.gateway.updateTicket(key: "SUPP-1", change: TicketChange(priority: .urgent), actor: TicketActor(address: "admin", role: .admin))
        let id = try #require(try desk.ticket("SUPP-1").id)
        let clock = try #require(try desk.database.sla(ticketId: id).first)
        #expect(clock.duration == 300 && clock.outcome == .breached)
        let summary = try desk.gateway.checkSLA()
        #expect(summary.breaches == 1 && summary.warnings == 0, "past both points at once: only the breach is told")
        _ = try desk.gateway.dispatchOutbox()
        let subjects = Self.subjects(try desk.inbox("bob", count: 2))
        #expect(subjects.contains { $0.contains("SLA breached") }, "\(subjects)")
    }

    @Test func aResolvedTicketClosesAfterTheConfiguredDaysWithoutAReply() throws {
        let desk = try HelpDesk(extra: Self.policy("normal: {resolution: 3d}", extra: "auto_close_days: 2"))
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Password reset")
        try desk.send(from: "erin", subject: "Another question")
        try desk.cycle()
        let admin = TicketActor(address: "admin", role: .admin)
        _ = try desk.gateway.updateTicket(key: "SUPP-1", change: TicketChange(status: .resolved), actor: admin)
        let id = try #require(try desk.ticket("SUPP-1").id)
        #expect(try desk.database.sla(ticketId: id).first?.outcome == .met)

        desk.clock.advance(86_400)
        #expect(try desk.gateway.checkSLA().autoClosed == 0)
        desk.clock.advance(86_400 + 60)
        #expect(try desk.gateway.checkSLA().autoClosed == 1)
        #expect(try desk.ticket("SUPP-1").status == .closed)
        #expect(try desk.ticket("SUPP-2").status == .new, "only resolved tickets close")
        let closing = try #require(try desk.database.history(ticketId: id).last)
        #expect(closing.kind == .status && closing.toValue == "closed" && closing.actorRole == .system)
    }
}
