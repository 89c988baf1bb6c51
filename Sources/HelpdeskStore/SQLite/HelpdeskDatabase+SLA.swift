public import Foundation
import GRDB
public import HelpdeskCore

// MARK: SLAStore

extension HelpdeskDatabase {
    /// Recomputes the clocks of one ticket with `policy` from its history, inside the caller's
    /// transaction. SLA times come from the server's own records only: creation, status changes
    /// and the first public answer, never from a date in a message.
    func refreshClocks(_ db: Database, ticketId: Int64, policy: SLAPolicy, now: Date) throws {
        // Cached statements: a recorded follow-up comes here, and compiling these three cost more
        // than running them.
        guard let ticket = try Ticket.fetchOne(db.cachedStatement(sql: "SELECT * FROM ticket WHERE id = ?"), arguments: [ticketId])
        else { return }
        // Commit order, not `at` order: a message stamped when it was fetched may commit after a
        // change made meanwhile, and the last row written is the status the ticket has.
        let events = try TicketEvent.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM ticket_event WHERE ticket_id = ? AND kind = ? ORDER BY id"),
            arguments: [ticketId, TicketEvent.Kind.status.rawValue])
        try db.cachedStatement(sql: "DELETE FROM ticket_sla WHERE ticket_id = ?").execute(arguments: [ticketId])
        try insertClocks(db, ticket: ticket, statusEvents: events, policy: policy, now: now)
    }

    /// Writes the clocks of a ticket that has none, from its status events in commit order
    /// (other kinds of event are skipped).
    func insertClocks(_ db: Database, ticket: Ticket, statusEvents events: [TicketEvent], policy: SLAPolicy, now: Date) throws {
        guard let ticketId = ticket.id else { return }
        let statuses = events.compactMap { event in
            event.kind == .status ? event.toValue.flatMap(TicketStatus.init(rawValue:)).map { (at: event.at, status: $0) } : nil
        }
        for evaluation in SLAClock.evaluate(policy: policy, ticket: ticket, statusEvents: statuses, now: now) {
            try db.insertRow(TicketClock(ticketId: ticketId, evaluation: evaluation, at: now))
        }
    }

    /// At start, so a policy edited in the config applies to the tickets already there.
    @discardableResult
    public func refreshClocks(policies slaPolicies: [String: SLAPolicy], now: Date) throws -> Int {
        let policies = Self.jsonArray(slaPolicies.keys.sorted())
        let (ids, orphans) = try writer.read { db in
            let open = try Row.fetchAll(db, sql: """
                SELECT id, mailbox FROM ticket WHERE status NOT IN \(TicketStatus.finishedSQL)
                  AND mailbox IN (SELECT value FROM json_each(?))
                """, arguments: [policies])
            let orphans = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT ticket_id FROM ticket_sla JOIN ticket ON ticket.id = ticket_sla.ticket_id
                WHERE ticket.mailbox NOT IN (SELECT value FROM json_each(?))
                """, arguments: [policies])
            return (open.map { ($0["id"] as Int64, $0["mailbox"] as String) }, orphans)
        }
        try writer.write { db in
            for id in orphans { try db.execute(sql: "DELETE FROM ticket_sla WHERE ticket_id = ?", arguments: [id]) }
        }
        // In short transactions (about 0.35 ms a ticket): the pollers keep recording mail meanwhile.
        for batch in stride(from: 0, to: ids.count, by: 200) {
            try writer.write { db in
                for (id, mailbox) in ids[batch..<min(batch + 200, ids.count)] {
                    guard let policy = slaPolicies[mailbox] else { continue }
                    try refreshClocks(db, ticketId: id, policy: policy, now: now)
                }
            }
        }
        return ids.count + orphans.count
    }

    /// The clocks of one ticket, first response first.
    public func sla(ticketId: Int64) throws -> [TicketSLARecord] {
        try writer.read { db in
            try TicketClock.filter(TicketClock.Columns.ticketId == ticketId).fetchAll(db)
                .sorted { $0.target == .firstResponse && $1.target != .firstResponse }
        }
    }

    public func slaNotices(ticketId: Int64) throws -> [SLANoticeRecord] {
        try writer.read { try SLANoticeRecord.filter(SLANoticeRecord.Columns.ticketId == ticketId).order(SLANoticeRecord.Columns.at).fetchAll($0) }
    }

    /// Targets past their warning point or target at `now` whose notice was not recorded yet; a
    /// target past both is only due its breach. A clock standing still is warned when it runs again.
    public func dueSLANotices(now: Date) throws -> [SLANoticeDue] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.ticket_id, t.key, s.target,
                  CASE WHEN s.due_at IS NOT NULL AND s.due_at <= :now THEN 'breach' ELSE 'warning' END AS kind
                FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id
                WHERE (s.due_at IS NOT NULL AND s.due_at <= :now AND NOT EXISTS (
                         SELECT 1 FROM sla_notice n WHERE n.ticket_id = s.ticket_id AND n.target = s.target AND n.kind = 'breach'))
                   OR (s.outcome = 'running' AND s.warn_at IS NOT NULL AND s.warn_at <= :now AND (s.due_at IS NULL OR s.due_at > :now) AND NOT EXISTS (
                         SELECT 1 FROM sla_notice n WHERE n.ticket_id = s.ticket_id AND n.target = s.target AND n.kind = 'warning'))
                ORDER BY s.ticket_id, s.target
                """, arguments: ["now": now])
            return rows.compactMap { row in
                guard let target = SLATarget(rawValue: row["target"]), let kind = SLANoticeKind(rawValue: row["kind"]) else { return nil }
                return SLANoticeDue(ticketId: row["ticket_id"], ticketKey: row["key"], target: target, kind: kind)
            }
        }
    }

    /// Exactly once per ticket, target and kind: the `sla_notice` key makes it the database's job.
    /// The recomputed clock is committed even when nothing is recorded, so a warning whose clock
    /// stands still is not picked up again until it runs.
    public func recordSLANotice(
        _ notice: SLANoticeDue, at now: Date, policies: [String: SLAPolicy], decide: (TicketRecord, TicketSLARecord) -> SLANoticePlan?
    ) throws -> Bool {
        try writer.write { db in
            let key: [String: any DatabaseValueConvertible] = ["ticket_id": notice.ticketId, "target": notice.target.rawValue]
            guard try SLANoticeRecord.fetchOne(db, key: key.merging(["kind": notice.kind.rawValue]) { $1 }) == nil else { return false }
            // Fresh figures for the mail (elapsed), and the rules see the clock as it is now.
            if let mailbox = try Ticket.fetchOne(db, key: notice.ticketId)?.mailbox, let policy = policies[mailbox] {
                try refreshClocks(db, ticketId: notice.ticketId, policy: policy, now: now)
            }
            guard let ticket = try Ticket.fetchOne(db, key: notice.ticketId), let clock = try TicketClock.fetchOne(db, key: key),
                  let plan = decide(ticket, clock)
            else { return false }
            try SLANoticeRecord(ticketId: notice.ticketId, target: notice.target, kind: notice.kind, at: now, dueAt: clock.dueAt,
                                mailed: !plan.mail.isEmpty).insert(db)
            if plan.silencesWarning {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO sla_notice (ticket_id, target, kind, at, due_at, mailed) VALUES (?, ?, 'warning', ?, ?, 0)
                    """, arguments: [notice.ticketId, notice.target.rawValue, now, clock.dueAt])
            }
            if var event = plan.event {
                event.ticketId = notice.ticketId
                try event.insert(db)
            }
            for mail in plan.mail {
                try enqueue(db, mail, ticketId: notice.ticketId, at: now)
            }
            return true
        }
    }

    /// Resolved tickets of `mailbox` whose resolution and last comment are both before `cutoff`.
    public func resolvedTickets(mailbox: String, idleBefore cutoff: Date) throws -> [TicketRecord] {
        try writer.read { db in
            try TicketRecord.fetchAll(db, sql: """
                SELECT * FROM ticket t WHERE t.mailbox = ? AND t.status = 'resolved'
                  AND COALESCE((SELECT MAX(at) FROM ticket_event e
                                WHERE e.ticket_id = t.id AND e.kind = 'status' AND e.to_value = 'resolved'), t.updated_at) < ?
                  AND NOT EXISTS (SELECT 1 FROM comment c WHERE c.ticket_id = t.id AND c.created_at >= ?)
                ORDER BY t.id
                """, arguments: [mailbox, cutoff, cutoff])
        }
    }

    /// Every clock of tickets created at or after `since`, for reports.
    public func slaReportRows(since: Date?) throws -> [SLAReportRow] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.mailbox AS t_mailbox, t.priority AS t_priority, t.status AS t_status, t.organization AS t_organization, s.*
                FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id
                WHERE t.created_at >= ? ORDER BY t.mailbox, t.id, s.target
                """, arguments: [since ?? Date.distantPast])
            return try rows.compactMap { row in
                guard let priority = TicketPriority(rawValue: row["t_priority"]), let status = TicketStatus(rawValue: row["t_status"])
                else { return nil }
                return SLAReportRow(mailbox: row["t_mailbox"], priority: priority, organization: row["t_organization"], ticketId: row["ticket_id"],
                                    finished: status.isFinished, sla: try TicketSLARecord(row: row))
            }
        }
    }

    static func jsonArray(_ values: [String]) -> String {
        let data = (try? JSONEncoder().encode(values)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
