public import Foundation
public import HelpdeskCore
public import HelpdeskStore
import PostgresNIO

extension PostgresStore: SLAStore {
    /// At start, so a policy edited in the config applies to the tickets already there.
    @discardableResult
    public func refreshClocks(policies: [String: SLAPolicy], now: Date) throws -> Int {
        let names = policies.keys.sorted()
        return try pool.withConnection { session in
            let open = try session.rows("""
                SELECT id, mailbox FROM ticket WHERE status NOT IN \(TicketStatus.finishedSQL) AND mailbox = ANY($1) ORDER BY id
                """, [names]).map { (id: try $0["id"].decode(Int64.self), mailbox: try $0["mailbox"].decode(String.self)) }
            // One statement, so its own transaction: `<> ALL` of no names holds for every mailbox.
            let orphans = Set(try session.rows("""
                DELETE FROM ticket_sla s USING ticket t WHERE t.id = s.ticket_id AND t.mailbox <> ALL($1) RETURNING s.ticket_id
                """, [names]).map { try $0["ticket_id"].decode(Int64.self) })
            // In short transactions: the pollers keep recording mail meanwhile.
            for start in stride(from: 0, to: open.count, by: 200) {
                let batch = open[start..<min(start + 200, open.count)]
                try session.transaction {
                    // Locked in id order (no deadlock with another instance doing the same): two
                    // rewrites of one ticket's clocks at once would collide on ticket_sla's key.
                    try session.execute("SELECT id FROM ticket WHERE id = ANY($1) ORDER BY id FOR UPDATE", [batch.map { $0.id }])
                    for (id, mailbox) in batch {
                        guard let policy = policies[mailbox] else { continue }
                        try refreshClocks(session, ticketId: id, policy: policy, now: now)
                    }
                }
            }
            return open.count + orphans.count
        }
    }

    /// The clocks of one ticket, first response first.
    public func sla(ticketId: Int64) throws -> [TicketSLARecord] {
        try pool.withConnection { session in
            try session.fetchAll(TicketClock.self, "SELECT * FROM ticket_sla WHERE ticket_id = $1 ORDER BY target", [ticketId])
                .sorted { $0.target == .firstResponse && $1.target != .firstResponse }
        }
    }

    public func slaNotices(ticketId: Int64) throws -> [SLANoticeRecord] {
        try pool.withConnection { session in
            // Ties (a breach and the warning it silences) in key order, as SQLite's key index reads them.
            try session.fetchAll(SLANoticeRecord.self, "SELECT * FROM sla_notice WHERE ticket_id = $1 ORDER BY at, target, kind", [ticketId])
        }
    }

    /// Targets past their warning point or target at `now` whose notice was not recorded yet; a
    /// target past both is only due its breach. A clock standing still is warned when it runs again.
    public func dueSLANotices(now: Date) throws -> [SLANoticeDue] {
        try pool.withConnection { session in
            try session.rows("""
                SELECT s.ticket_id, t.key, s.target,
                  CASE WHEN s.due_at IS NOT NULL AND s.due_at <= $1 THEN 'breach' ELSE 'warning' END AS kind
                FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id
                WHERE (s.due_at IS NOT NULL AND s.due_at <= $1 AND NOT EXISTS (
                         SELECT 1 FROM sla_notice n WHERE n.ticket_id = s.ticket_id AND n.target = s.target AND n.kind = 'breach'))
                   OR (s.outcome = 'running' AND s.warn_at IS NOT NULL AND s.warn_at <= $1 AND (s.due_at IS NULL OR s.due_at > $1) AND NOT EXISTS (
                         SELECT 1 FROM sla_notice n WHERE n.ticket_id = s.ticket_id AND n.target = s.target AND n.kind = 'warning'))
                ORDER BY s.ticket_id, s.target
                """, [now]).compactMap { row in
                guard let target = SLATarget(rawValue: try row["target"].decode(String.self)),
                      let kind = SLANoticeKind(rawValue: try row["kind"].decode(String.self))
                else { return nil }
                return SLANoticeDue(ticketId: try row["ticket_id"].decode(Int64.self), ticketKey: try row["key"].decode(String.self),
                                    target: target, kind: kind)
            }
        }
    }

    /// Exactly once per ticket, target and kind. The recomputed clock is committed even when
    /// nothing is recorded, so a warning whose clock stands still is not picked up again until it runs.
    public func recordSLANotice(
        _ notice: SLANoticeDue, at now: Date, policies: [String: SLAPolicy], decide: (TicketRecord, TicketSLARecord) -> SLANoticePlan?
    ) throws -> Bool {
        try pool.withConnection { session in
            try session.transaction {
                // The ticket row is locked first, not only the notice inserted ON CONFLICT DO NOTHING:
                // another instance on the same notice would otherwise rewrite the same clocks meanwhile
                // and fail on ticket_sla's key. Locked, it waits here and then sees the notice below.
                guard let ticket = try session.fetchOne(Ticket.self, "SELECT * FROM ticket WHERE id = $1 FOR UPDATE", [notice.ticketId]),
                      try session.value("""
                          SELECT EXISTS (SELECT 1 FROM sla_notice WHERE ticket_id = $1 AND target = $2 AND kind = $3)
                          """, [notice.ticketId, notice.target.rawValue, notice.kind.rawValue], as: Bool.self) == false
                else { return false }
                // Fresh figures for the mail (elapsed), and the rules see the clock as it is now.
                if let policy = policies[ticket.mailbox] {
                    try refreshClocks(session, ticketId: notice.ticketId, policy: policy, now: now)
                }
                guard let clock = try session.fetchOne(TicketClock.self, "SELECT * FROM ticket_sla WHERE ticket_id = $1 AND target = $2",
                                                       [notice.ticketId, notice.target.rawValue]),
                      let plan = decide(ticket, clock)
                else { return false }
                // The key still has the last word: no row inserted is a notice recorded before.
                let inserted = try session.execute("""
                    INSERT INTO sla_notice (ticket_id, target, kind, at, due_at, mailed) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT DO NOTHING
                    """, [notice.ticketId, notice.target.rawValue, notice.kind.rawValue, now, clock.dueAt, !plan.mail.isEmpty])
                guard inserted == 1 else { return false }
                if plan.silencesWarning {
                    try session.execute("""
                        INSERT INTO sla_notice (ticket_id, target, kind, at, due_at, mailed) VALUES ($1, $2, 'warning', $3, $4, false)
                        ON CONFLICT DO NOTHING
                        """, [notice.ticketId, notice.target.rawValue, now, clock.dueAt])
                }
                if var event = plan.event {
                    event.ticketId = notice.ticketId
                    try session.insert(event, into: "ticket_event", returningID: false)
                }
                for mail in plan.mail {
                    try enqueue(session, mail, ticketId: notice.ticketId, at: now)
                }
                return true
            }
        }
    }

    /// Resolved tickets of `mailbox` whose resolution and last comment are both before `cutoff`.
    public func resolvedTickets(mailbox: String, idleBefore cutoff: Date) throws -> [TicketRecord] {
        try pool.withConnection { session in
            try session.fetchAll(Ticket.self, """
                SELECT t.* FROM ticket t WHERE t.mailbox = $1 AND t.status = 'resolved'
                  AND COALESCE((SELECT MAX(at) FROM ticket_event e
                                WHERE e.ticket_id = t.id AND e.kind = 'status' AND e.to_value = 'resolved'), t.updated_at) < $2
                  AND NOT EXISTS (SELECT 1 FROM comment c WHERE c.ticket_id = t.id AND c.created_at >= $2)
                ORDER BY t.id
                """, [mailbox, cutoff])
        }
    }

    /// Every clock of tickets created at or after `since`, for reports.
    public func slaReportRows(since: Date?) throws -> [SLAReportRow] {
        try pool.withConnection { session in
            // Mailboxes in code point order, as SQLite sorts text, whatever the database's collation.
            let rows = try session.rows("""
                SELECT t.mailbox AS t_mailbox, t.priority AS t_priority, t.status AS t_status, t.organization AS t_organization, s.*
                FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id
                \(since == nil ? "" : "WHERE t.created_at >= $1") ORDER BY t.mailbox COLLATE "C", t.id, s.target
                """, since.map { [$0] } ?? [])
            return try rows.compactMap { row in
                guard let priority = TicketPriority(rawValue: try row["t_priority"].decode(String.self)),
                      let status = TicketStatus(rawValue: try row["t_status"].decode(String.self))
                else { return nil }
                let clock: TicketClock
                do {
                    clock = try PostgresRowDecoder.decode(TicketClock.self, from: row)
                } catch {
                    throw PostgresStoreError("a stored TicketClock could not be read: \(error)")
                }
                return SLAReportRow(mailbox: try row["t_mailbox"].decode(String.self), priority: priority,
                                    organization: try row["t_organization"].decode(String?.self),
                                    ticketId: try row["ticket_id"].decode(Int64.self), finished: status.isFinished, sla: clock)
            }
        }
    }
}
