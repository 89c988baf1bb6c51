public import Foundation
import GRDB
import HelpdeskCore

extension HelpdeskDatabase {
    /// Applies `change` to the ticket `key` in one transaction, with its history and the mail
    /// `makeMail` renders (`ticket_assigned` …). Throws `ChangeRefused` and changes nothing when
    /// any part is not allowed. `agents`: who may be assigned.
    public func update(
        ticketKey key: String, change: TicketChange, actor: TicketActor, agents: Set<String>, at now: Date,
        assignment: AssignmentPlan? = nil, makeMail: (TicketRecord, [TicketEventRecord]) throws -> [OutboxDraft] = { _, _ in [] }
    ) throws -> (TicketRecord, [TicketEventRecord]) {
        try writer.write { db in
            guard var ticket = try TicketRecord.filter(Column("key") == key.uppercased()).fetchOne(db) else {
                throw ChangeRefused(what: key, reason: "no such ticket; `helpdesk tickets list` shows the keys")
            }
            let events = try apply(db, change, to: &ticket, actor: actor, agents: agents, at: now, assignment: assignment)
            if let id = ticket.id { try refreshSLA(db, ticketId: id, now: now) }
            for draft in try makeMail(ticket, events) {
                try enqueue(db, draft, mailbox: ticket.mailbox, ticketId: ticket.id, at: now)
            }
            return (ticket, events)
        }
    }

    /// The ticket's history, oldest first.
    public func history(ticketId: Int64) throws -> [TicketEventRecord] {
        try writer.read { try TicketEventRecord.filter(Column("ticket_id") == ticketId).order(Column("id")).fetchAll($0) }
    }

    public func tags(ticketId: Int64) throws -> [String] {
        try writer.read { try String.fetchAll($0, sql: "SELECT tag FROM ticket_tag WHERE ticket_id = ? ORDER BY tag", arguments: [ticketId]) }
    }

    /// Applies every part of `change` or, on the first refusal, none (a savepoint is rolled back).
    /// Returns the history rows written.
    /// With `assignment`, a tag added to a ticket nobody has yet may give it to an agent with the
    /// skill the tag calls for (skill rules by tag).
    func apply(
        _ db: Database, _ change: TicketChange, to ticket: inout TicketRecord, actor: TicketActor, agents: Set<String>, at now: Date,
        assignment: AssignmentPlan? = nil
    ) throws -> [TicketEventRecord] {
        var events: [TicketEventRecord] = []
        var updated = ticket
        try db.inSavepoint {
            events = try applyUnchecked(db, change, to: &updated, actor: actor, agents: agents, at: now)
            if let plan = assignment, plan.strategy != .manual, updated.assignee == nil, !change.addTags.isEmpty, let id = updated.id {
                let tags = Set(try String.fetchAll(db, sql: "SELECT tag FROM ticket_tag WHERE ticket_id = ?", arguments: [id]))
                if !Assignment.requiredSkills(subject: "", body: "", tags: tags, rules: plan.rules).isEmpty,
                   let agent = try autoAssignee(db, for: updated, plan: plan, body: "", tags: tags) {
                    var event = TicketEventRecord(ticketId: id, at: now, actor: TicketActor.gateway.address, actorRole: .system,
                                                  kind: .assignee, from: nil, to: agent, note: "skill by tag")
                    try event.insert(db)
                    events.append(event)
                    updated.assignee = agent
                    try updated.update(db)
                }
            }
            return .commit
        }
        ticket = updated
        return events
    }

    private func applyUnchecked(
        _ db: Database, _ change: TicketChange, to ticket: inout TicketRecord, actor: TicketActor, agents: Set<String>, at now: Date
    ) throws -> [TicketEventRecord] {
        guard let ticketId = ticket.id else { throw DatabaseError(message: "ticket without id") }
        var events: [TicketEventRecord] = []
        func event(_ kind: TicketEventRecord.Kind, _ from: String?, _ to: String?, _ note: String? = nil) {
            events.append(TicketEventRecord(ticketId: ticketId, at: now, actor: actor.address, actorRole: actor.role, kind: kind, from: from, to: to, note: note))
        }
        if actor.role == .requester && (change.assignee != nil || change.priority != nil || !change.addTags.isEmpty
            || !change.removeTags.isEmpty || !change.addParticipants.isEmpty || !change.removeParticipants.isEmpty) {
            throw ChangeRefused(what: "", reason: "requesters add comments only; agents change tickets")
        }
        if let status = change.status, status != ticket.status {
            if let refusal = TicketWorkflow.refusal(from: ticket.status, to: status, by: actor.role) {
                throw ChangeRefused(what: "status \(status.rawValue)", reason: refusal)
            }
            event(.status, ticket.status.rawValue, status.rawValue)
            ticket.status = status
        }
        if let assignee = change.assignee {
            let target: String?
            switch assignee {
            case .agent(let reference):
                guard let address = Self.agentAddress(reference, among: agents) else {
                    throw ChangeRefused(what: "assign \(reference)", reason: "not an agent of mailbox \(ticket.mailbox); agents: \(agents.sorted().joined(separator: ", "))")
                }
                target = address
            case .nobody:
                target = nil
            }
            if target != ticket.assignee {
                event(.assignee, ticket.assignee, target)
                ticket.assignee = target
            }
        }
        if let priority = change.priority, priority != ticket.priority {
            event(.priority, ticket.priority.rawValue, priority.rawValue)
            ticket.priority = priority
        }
        for tag in change.addTags {
            try db.execute(sql: "INSERT OR IGNORE INTO ticket_tag (ticket_id, tag) VALUES (?, ?)", arguments: [ticketId, tag])
            if db.changesCount > 0 { event(.tag, nil, tag) }
        }
        for tag in change.removeTags {
            try db.execute(sql: "DELETE FROM ticket_tag WHERE ticket_id = ? AND tag = ?", arguments: [ticketId, tag])
            if db.changesCount > 0 { event(.tag, tag, nil) }
        }
        for address in change.addParticipants {
            if try setParticipant(db, ticketId: ticketId, address: address, present: true, at: now) { event(.participant, nil, address.lowercased()) }
        }
        for address in change.removeParticipants {
            if try setParticipant(db, ticketId: ticketId, address: address, present: false, at: now) { event(.participant, address.lowercased(), nil) }
        }
        if !events.isEmpty {
            ticket.updatedAt = now
            try ticket.update(db)
        }
        for index in events.indices { try events[index].insert(db) }
        return events
    }

    /// `dana@example.com`, or `dana` when exactly one agent's address starts with `dana@`.
    static func agentAddress(_ reference: String, among agents: Set<String>) -> String? {
        let wanted = reference.lowercased()
        if agents.contains(wanted) { return wanted }
        guard !wanted.contains("@") else { return nil }
        let matches = agents.filter { $0.hasPrefix(wanted + "@") }
        return matches.count == 1 ? matches.first : nil
    }

    /// Adds (or brings back) or removes one participant; true when something changed.
    func setParticipant(_ db: Database, ticketId: Int64, address: String, name: String? = nil, present: Bool, at now: Date) throws -> Bool {
        let address = address.lowercased()
        if !present {
            try db.execute(sql: "UPDATE participant SET removed_at = ? WHERE ticket_id = ? AND address = ? AND removed_at IS NULL",
                           arguments: [now, ticketId, address])
            return db.changesCount > 0
        }
        if var existing = try ParticipantRecord.fetchOne(db, key: ["ticket_id": ticketId, "address": address]) {
            guard existing.removedAt != nil else { return false }
            existing.removedAt = nil
            try existing.update(db)
            return true
        }
        let count = try ParticipantRecord.filter(Column("ticket_id") == ticketId && Column("removed_at") == nil).fetchCount(db)
        guard count < Self.participantLimit else {
            throw ChangeRefused(what: "cc +\(address)", reason: "the ticket already has \(Self.participantLimit) participants; remove one first")
        }
        try ParticipantRecord(ticketId: ticketId, address: address, name: name, role: .cc, addedAt: now, removedAt: nil).insert(db)
        return true
    }

    /// Records one history row outside a change set (ticket created, reopened by a reply …).
    func recordEvent(_ db: Database, _ event: TicketEventRecord) throws {
        var row = event
        try row.insert(db)
    }

    // MARK: Round robin

    public func lastAssignee(mailbox: String) throws -> String? {
        try writer.read { try String.fetchOne($0, sql: "SELECT last_assignee FROM assignment_pointer WHERE mailbox = ?", arguments: [mailbox]) }
    }

    func setLastAssignee(_ db: Database, mailbox: String, agent: String, at now: Date) throws {
        try db.execute(sql: """
            INSERT INTO assignment_pointer (mailbox, last_assignee, updated_at) VALUES (?, ?, ?)
            ON CONFLICT(mailbox) DO UPDATE SET last_assignee = excluded.last_assignee, updated_at = excluded.updated_at
            """, arguments: [mailbox, agent, now])
    }

    /// Open tickets (not resolved, closed or cancelled) per assignee of `mailbox`.
    func openCounts(_ db: Database, mailbox: String) throws -> [String: Int] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT assignee, COUNT(*) AS n FROM ticket
            WHERE mailbox = ? AND assignee IS NOT NULL AND status NOT IN ('resolved','closed','cancelled')
            GROUP BY assignee
            """, arguments: [mailbox])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["assignee"] as String, $0["n"] as Int) })
    }
}
