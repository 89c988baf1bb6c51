public import Foundation
import GRDB
public import HelpdeskCore

/// A warning or breach that is due and not told yet.
public struct SLANoticeDue: Sendable, Equatable {
    public var ticketId: Int64
    public var ticketKey: String
    public var target: SLATarget
    public var kind: SLANoticeRecord.Kind
}

extension HelpdeskDatabase {
    /// Recomputes the clocks of one ticket from its history (inside the caller's transaction).
    /// SLA times come from the server's own records only: creation, status changes and the first
    /// public answer, never from a date in a message.
    func refreshSLA(_ db: Database, ticketId: Int64, now: Date) throws {
        // A database opened without policies (a tool, an admin command) leaves clocks alone;
        // only `refreshSLA(now:)` drops those of mailboxes that lost their policy.
        guard let ticket = try TicketRecord.fetchOne(db, key: ticketId), let policy = slaPolicies[ticket.mailbox] else { return }
        // Commit order, not `at` order: a message stamped when it was fetched may commit after a
        // change made meanwhile, and the last row written is the status the ticket has.
        let events = try TicketEventRecord.filter(Column("ticket_id") == ticketId && Column("kind") == TicketEventRecord.Kind.status.rawValue)
            .order(Column("id")).fetchAll(db)
        var statuses: [(at: Date, status: TicketStatus)] = [(ticket.createdAt, .new)]
        for event in events {
            guard let value = event.toValue, let status = TicketStatus(rawValue: value) else { continue }
            statuses.append((max(event.at, statuses[statuses.count - 1].at), status))
        }
        if statuses[statuses.count - 1].status != ticket.status { statuses.append((max(ticket.updatedAt, statuses[statuses.count - 1].at), ticket.status)) }
        let evaluations = SLAClock.evaluate(
            policy: policy, priority: ticket.priority, createdAt: ticket.createdAt, statuses: statuses,
            firstResponseAt: ticket.firstResponseAt, now: now)
        try db.execute(sql: "DELETE FROM ticket_sla WHERE ticket_id = ?", arguments: [ticketId])
        for evaluation in evaluations {
            try TicketSLARecord(
                ticketId: ticketId, target: evaluation.target, duration: evaluation.duration, dueAt: evaluation.state.due,
                warnAt: evaluation.state.warnAt, outcome: evaluation.outcome, elapsed: evaluation.state.elapsed,
                completed: evaluation.completed, updatedAt: now
            ).insert(db)
        }
    }

    /// Recomputes every ticket still being worked on, and drops clocks of mailboxes that lost their
    /// policy: at start, so a policy edited in the config applies to the tickets already there.
    /// Returns how many tickets were looked at.
    @discardableResult
    public func refreshSLA(now: Date) throws -> Int {
        let policies = Self.jsonArray(slaPolicies.keys.sorted())
        let (ids, orphans) = try writer.read { db in
            let open = try Int64.fetchAll(db, sql: """
                SELECT id FROM ticket WHERE status NOT IN ('resolved','closed','cancelled')
                  AND mailbox IN (SELECT value FROM json_each(?))
                """, arguments: [policies])
            let orphans = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT ticket_id FROM ticket_sla JOIN ticket ON ticket.id = ticket_sla.ticket_id
                WHERE ticket.mailbox NOT IN (SELECT value FROM json_each(?))
                """, arguments: [policies])
            return (open, orphans)
        }
        try writer.write { db in
            for id in orphans { try db.execute(sql: "DELETE FROM ticket_sla WHERE ticket_id = ?", arguments: [id]) }
        }
        // In short transactions (about 0.35 ms a ticket): the pollers keep recording mail meanwhile.
        for batch in stride(from: 0, to: ids.count, by: 200) {
            try writer.write { db in
                for id in ids[batch..<min(batch + 200, ids.count)] { try refreshSLA(db, ticketId: id, now: now) }
            }
        }
        return ids.count + orphans.count
    }

    /// The clocks of one ticket, first response first.
    public func sla(ticketId: Int64) throws -> [TicketSLARecord] {
        try writer.read { db in
            try TicketSLARecord.filter(Column("ticket_id") == ticketId).fetchAll(db)
                .sorted { $0.target == .firstResponse && $1.target != .firstResponse }
        }
    }

    public func slaNotices(ticketId: Int64) throws -> [SLANoticeRecord] {
        try writer.read { try SLANoticeRecord.filter(Column("ticket_id") == ticketId).order(Column("at")).fetchAll($0) }
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
                guard let target = SLATarget(rawValue: row["target"]), let kind = SLANoticeRecord.Kind(rawValue: row["kind"]) else { return nil }
                return SLANoticeDue(ticketId: row["ticket_id"], ticketKey: row["key"], target: target, kind: kind)
            }
        }
    }

    /// Records one warning or breach, exactly once: the notice row, for a breach its history row,
    /// and the mail `makeMail` renders, all in one transaction. Only news is mailed: a warning of a
    /// running clock, a breach of a target not reached on a ticket still worked on; the rest is
    /// recorded quietly. False when it was recorded before (another process, an earlier run) or is
    /// not due any more (the clock was recomputed meanwhile).
    public func recordSLANotice(
        _ notice: SLANoticeDue, at now: Date, makeMail: (TicketRecord, TicketSLARecord) throws -> [OutboxDraft]
    ) throws -> Bool {
        try writer.write { db in
            let key: [String: any DatabaseValueConvertible] = ["ticket_id": notice.ticketId, "target": notice.target.rawValue]
            let recorded = try SLANoticeRecord.fetchOne(db, key: key.merging(["kind": notice.kind.rawValue]) { $1 })
            guard recorded == nil else { return false }
            // Fresh figures for the mail (elapsed), and the check below sees the clock as it is now.
            try refreshSLA(db, ticketId: notice.ticketId, now: now)
            guard let ticket = try TicketRecord.fetchOne(db, key: notice.ticketId), let sla = try TicketSLARecord.fetchOne(db, key: key)
            else { return false }
            let point = notice.kind == .breach ? sla.dueAt : sla.warnAt
            guard let point, point <= now else { return false }
            // A warning is news only while its clock runs; one that stopped meanwhile waits (a
            // paused clock is warned when it runs again) or is moot (met). The recomputed clock is
            // committed either way, so the same warning is not picked up again while it stands still.
            if notice.kind == .warning && sla.outcome != .running { return false }
            let news = notice.kind == .warning || (!sla.completed && sla.outcome != .met && sla.outcome != .ended)
            let drafts = news && !ticket.status.isFinished ? try makeMail(ticket, sla) : []
            try SLANoticeRecord(ticketId: notice.ticketId, target: notice.target, kind: notice.kind, at: now, dueAt: sla.dueAt,
                                mailed: !drafts.isEmpty).insert(db)
            if notice.kind == .breach {
                // A warning after the breach would only confuse.
                try db.execute(sql: """
                    INSERT OR IGNORE INTO sla_notice (ticket_id, target, kind, at, due_at, mailed) VALUES (?, ?, 'warning', ?, ?, 0)
                    """, arguments: [notice.ticketId, notice.target.rawValue, now, sla.dueAt])
                try recordEvent(db, TicketEventRecord(
                    ticketId: notice.ticketId, at: now, actor: TicketActor.gateway.address, actorRole: .system, kind: .sla,
                    from: notice.target.rawValue, to: "breached",
                    note: "due \(Self.timestamp(point)), target \(SLADuration.format(sla.duration))"))
            }
            for draft in drafts {
                try enqueue(db, draft, mailbox: ticket.mailbox, ticketId: notice.ticketId, at: now)
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
                SELECT t.mailbox AS t_mailbox, t.priority AS t_priority, t.status AS t_status, s.*
                FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id
                WHERE t.created_at >= ? ORDER BY t.mailbox, t.id, s.target
                """, arguments: [since ?? Date.distantPast])
            return try rows.compactMap { row in
                guard let priority = TicketPriority(rawValue: row["t_priority"]), let status = TicketStatus(rawValue: row["t_status"])
                else { return nil }
                return SLAReportRow(mailbox: row["t_mailbox"], priority: priority, ticketId: row["ticket_id"],
                                    finished: status.isFinished, sla: try TicketSLARecord(row: row))
            }
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func jsonArray(_ values: [String]) -> String {
        let data = (try? JSONEncoder().encode(values)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
