import Foundation
import HelpdeskCore
import HelpdeskStore
import PostgresNIO

extension PostgresStore {
    /// The ticket and what the rules need around it, read inside the caller's transaction (the
    /// ticket's row already locked by the caller when it will be changed).
    func snapshot(_ session: PostgresSession, of ticket: Ticket, strategy: AssignmentStrategy?, requesterThread: Bool) throws -> TicketSnapshot {
        guard let id = ticket.id else { throw PostgresStoreError("a ticket without id reached the store; report this as a bug") }
        let all = try session.fetchAll(Participant.self, "SELECT * FROM participant WHERE ticket_id = $1 ORDER BY added_at, address COLLATE \"C\"", [id])
        let tags = try session.rows("SELECT tag FROM ticket_tag WHERE ticket_id = $1", [id]).map { try $0["tag"].decode(String.self) }
        var thread: [String] = []
        if requesterThread {
            thread = try session.rows("""
                SELECT message_id FROM (
                  SELECT message_id, created_at AS at, 0 AS source, id FROM comment
                  WHERE ticket_id = $1 AND author_role = 'participant' AND visibility = 'public' AND message_id IS NOT NULL
                  UNION ALL
                  SELECT message_id, created_at AS at, 1 AS source, id FROM outbox
                  WHERE ticket_id = $1 AND event IN ($2, $3)
                ) AS thread ORDER BY at, source, id
                """, [id, MailEvent.ticketCreated.rawValue, MailEvent.agentReply.rawValue]).map { try $0["message_id"].decode(String.self) }
        }
        var snapshot = TicketSnapshot(
            ticket: ticket, participants: all.filter { $0.removedAt == nil }, removedParticipants: all.filter { $0.removedAt != nil },
            tags: Set(tags), requesterThread: thread,
            assignment: try strategy.map { try assignmentState(session, mailbox: ticket.mailbox, strategy: $0) } ?? AssignmentState(),
            approval: try approval(session, ticketId: id))
        // What a request for approval made by a tag needs; only for a ticket that has none yet.
        if snapshot.approval == nil, !ticket.status.isFinished {
            snapshot.requester = try contact(session, address: ticket.requesterAddress)
            // As much as a request keeps (`Approval.request`), not a whole long first message.
            snapshot.requestText = try session.value(
                "SELECT left(COALESCE(reply, body), 20000) FROM comment WHERE ticket_id = $1 ORDER BY id LIMIT 1", [id], as: String.self)
        }
        return snapshot
    }

    /// The round-robin pointer (for round robin) and open tickets per assignee (for least open).
    func assignmentState(_ session: PostgresSession, mailbox: String, strategy: AssignmentStrategy) throws -> AssignmentState {
        var state = AssignmentState()
        if strategy == .roundRobin {
            state.lastAssignee = try session.value("SELECT last_assignee FROM assignment_pointer WHERE mailbox = $1", [mailbox], as: String.self)
        }
        if strategy == .leastOpen {
            let rows = try session.rows("""
                SELECT assignee, COUNT(*) AS n FROM ticket
                WHERE mailbox = $1 AND assignee IS NOT NULL AND status NOT IN \(TicketStatus.finishedSQL)
                GROUP BY assignee
                """, [mailbox])
            state.openCounts = Dictionary(uniqueKeysWithValues: try rows.map { (try $0["assignee"].decode(String.self), Int(try $0["n"].decode(Int64.self))) })
        }
        return state
    }

    /// Writes a ticket plan inside the caller's transaction, as the SQLite store does: the ticket
    /// (inserted when new), participants, tags, history, the round-robin pointer, mail, clocks.
    /// `comment`: stores the comment the plan's mail is about before the mail is queued.
    func persist(
        _ session: PostgresSession, _ plan: TicketPlan, at now: Date, comment: ((Int64) throws -> CommentRecord)? = nil
    ) throws -> (Ticket, [TicketEvent]) {
        var ticket = plan.ticket
        let isNew = ticket.id == nil
        if let id = ticket.id {
            try session.update(ticket, in: "ticket", id: id)
        } else {
            ticket.id = try session.insert(ticket, into: "ticket")
        }
        guard let ticketId = ticket.id else { throw PostgresStoreError("a ticket was stored without an id; report this as a bug") }
        for change in plan.participants {
            switch change {
            case .add(let person, let role):
                try session.insert(Participant(ticketId: ticketId, address: person.address, name: person.name, role: role, addedAt: now),
                                   into: "participant", returningID: false, onConflict: "DO NOTHING")
            case .restore(let address):
                try session.execute("UPDATE participant SET removed_at = NULL WHERE ticket_id = $1 AND address = $2", [ticketId, address])
            case .remove(let address):
                try session.execute("UPDATE participant SET removed_at = $3 WHERE ticket_id = $1 AND address = $2 AND removed_at IS NULL",
                                    [ticketId, address, now])
            }
        }
        for tag in plan.addTags {
            try session.execute("INSERT INTO ticket_tag (ticket_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING", [ticketId, tag])
        }
        for tag in plan.removeTags {
            try session.execute("DELETE FROM ticket_tag WHERE ticket_id = $1 AND tag = $2", [ticketId, tag])
        }
        var events: [TicketEvent] = []
        for var event in plan.events {
            event.ticketId = ticketId
            event.id = try session.insert(event, into: "ticket_event")
            events.append(event)
        }
        if let approval = plan.approval {
            try writeApproval(session, StoredApproval(approval, ticketId: ticketId))
        }
        if let agent = plan.roundRobin {
            try session.execute("""
                INSERT INTO assignment_pointer (mailbox, last_assignee, updated_at) VALUES ($1, $2, $3)
                ON CONFLICT (mailbox) DO UPDATE SET last_assignee = excluded.last_assignee, updated_at = excluded.updated_at
                """, [ticket.mailbox, agent, now])
        }
        let stored = try comment?(ticketId)
        try enqueue(session, plan.mail, ticketId: ticketId, at: now, textsOf: stored)
        if let policy = plan.sla {
            if isNew {
                try insertClocks(session, ticket: ticket, statusEvents: events, policy: policy, now: now)
            } else {
                try refreshClocks(session, ticketId: ticketId, policy: policy, now: now)
            }
        }
        return (ticket, events)
    }
}
