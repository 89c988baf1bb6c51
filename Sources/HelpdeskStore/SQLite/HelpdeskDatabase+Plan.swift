import Foundation
import GRDB
import HelpdeskCore

extension HelpdeskDatabase {
    /// The ticket and what the rules need around it, read inside the caller's transaction.
    /// `strategy`: what of the ticket's mailbox's assignment state to read (nil: none).
    func snapshot(_ db: Database, of ticket: Ticket, strategy: AssignmentStrategy?, requesterThread: Bool) throws -> TicketSnapshot {
        guard let id = ticket.id else { throw DatabaseError(message: "ticket without id") }
        // Cached statements: a follow-up's snapshot is read for every answer in a backlog.
        let all = try Participant.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM participant WHERE ticket_id = ? ORDER BY added_at, address"), arguments: [id])
        let tags = try String.fetchAll(db.cachedStatement(sql: "SELECT tag FROM ticket_tag WHERE ticket_id = ?"), arguments: [id])
        var thread: [String] = []
        if requesterThread {
            thread = try String.fetchAll(db.cachedStatement(sql: """
                SELECT message_id FROM (
                  SELECT message_id, created_at AS at, 0 AS source, id FROM comment
                  WHERE ticket_id = ? AND author_role = 'participant' AND visibility = 'public' AND message_id IS NOT NULL
                  UNION ALL
                  SELECT message_id, created_at AS at, 1 AS source, id FROM outbox
                  WHERE ticket_id = ? AND event IN (?, ?)
                ) ORDER BY at, source, id
                """), arguments: [id, id, MailEvent.ticketCreated.rawValue, MailEvent.agentReply.rawValue])
        }
        var snapshot = TicketSnapshot(
            ticket: ticket, participants: all.filter { $0.removedAt == nil }, removedParticipants: all.filter { $0.removedAt != nil },
            tags: Set(tags), requesterThread: thread,
            assignment: try strategy.map { try assignmentState(db: db, mailbox: ticket.mailbox, strategy: $0) } ?? AssignmentState(),
            approval: try approval(db, ticketId: id))
        // What a request for approval made by a tag needs; only for a ticket that has none yet.
        if snapshot.approval == nil, !ticket.status.isFinished {
            snapshot.requester = try contact(db, address: ticket.requesterAddress)
            // As much as a request keeps (`Approval.request`), not a whole long first message.
            snapshot.requestText = try String.fetchOne(
                db.cachedStatement(sql: "SELECT substr(COALESCE(reply, body), 1, 20000) FROM comment WHERE ticket_id = ? ORDER BY id LIMIT 1"),
                arguments: [id])
        }
        return snapshot
    }

    /// The round-robin pointer (for round robin) and open tickets per assignee (for least open).
    func assignmentState(db: Database, mailbox: String, strategy: AssignmentStrategy) throws -> AssignmentState {
        var state = AssignmentState()
        if strategy == .roundRobin {
            state.lastAssignee = try String.fetchOne(
                db.cachedStatement(sql: "SELECT last_assignee FROM assignment_pointer WHERE mailbox = ?"), arguments: [mailbox])
        }
        if strategy == .leastOpen {
            let rows = try Row.fetchAll(db, sql: """
                SELECT assignee, COUNT(*) AS n FROM ticket
                WHERE mailbox = ? AND assignee IS NOT NULL AND status NOT IN \(TicketStatus.finishedSQL)
                GROUP BY assignee
                """, arguments: [mailbox])
            state.openCounts = Dictionary(uniqueKeysWithValues: rows.map { ($0["assignee"] as String, $0["n"] as Int) })
        }
        return state
    }

    /// Writes a ticket plan inside the caller's transaction: the ticket row (inserted when new),
    /// participants, tags, history, the round-robin pointer, planned mail, and the SLA clocks
    /// recomputed with the plan's policy. Returns the ticket and history rows as stored.
    /// `comment`: stores the comment the plan's mail is about, given the ticket's id, before the
    /// mail is queued; mail whose text is that comment's then refers to it instead of a copy.
    func persist(
        _ db: Database, _ plan: TicketPlan, at now: Date, comment: ((Int64) throws -> CommentRecord)? = nil
    ) throws -> (Ticket, [TicketEvent]) {
        var ticket = plan.ticket
        let isNew = ticket.id == nil
        if isNew { ticket.id = try db.insertRow(ticket) } else { try ticket.update(db) }
        guard let ticketId = ticket.id else { throw DatabaseError(message: "ticket without id after insert") }
        for change in plan.participants {
            switch change {
            case .add(let person, let role):
                try db.insertRow(Participant(ticketId: ticketId, address: person.address, name: person.name, role: role, addedAt: now), orIgnore: true)
            case .restore(let address):
                try Participant.filter(Participant.Columns.ticketId == ticketId && Participant.Columns.address == address)
                    .updateAll(db, Participant.Columns.removedAt.set(to: nil))
            case .remove(let address):
                try Participant.filter(Participant.Columns.ticketId == ticketId && Participant.Columns.address == address && Participant.Columns.removedAt == nil)
                    .updateAll(db, Participant.Columns.removedAt.set(to: now))
            }
        }
        for tag in plan.addTags {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO ticket_tag (ticket_id, tag) VALUES (?, ?)").execute(arguments: [ticketId, tag])
        }
        for tag in plan.removeTags {
            try db.execute(sql: "DELETE FROM ticket_tag WHERE ticket_id = ? AND tag = ?", arguments: [ticketId, tag])
        }
        var events: [TicketEvent] = []
        for var event in plan.events {
            event.ticketId = ticketId
            event.id = try db.insertRow(event)
            events.append(event)
        }
        if let approval = plan.approval {
            try StoredApproval(approval, ticketId: ticketId).save(db)
        }
        if let agent = plan.roundRobin {
            try db.cachedStatement(sql: """
                INSERT INTO assignment_pointer (mailbox, last_assignee, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(mailbox) DO UPDATE SET last_assignee = excluded.last_assignee, updated_at = excluded.updated_at
                """).execute(arguments: [ticket.mailbox, agent, now.databaseText])
        }
        let stored = try comment?(ticketId)
        try enqueue(db, plan.mail, ticketId: ticketId, at: now, textsOf: stored)
        if let policy = plan.sla {
            // A new ticket's whole history is in hand: nothing to read back, no clocks to clear.
            if isNew {
                try insertClocks(db, ticket: ticket, statusEvents: events, policy: policy, now: now)
            } else {
                try refreshClocks(db, ticketId: ticketId, policy: policy, now: now)
            }
        }
        return (ticket, events)
    }
}
