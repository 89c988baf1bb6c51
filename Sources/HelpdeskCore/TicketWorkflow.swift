/// Who asks for a status change; each role has its own set of allowed moves.
public enum ActorRole: String, Sendable, Codable, CaseIterable {
    /// The ticket's requester, whose reply is the only way they change a status.
    case requester
    /// A configured agent of the ticket's mailbox.
    case agent
    /// An administrator, who may repair any status.
    case admin
    /// The gateway's own rules: requester replies, the SLA auto-close, approval timers.
    case system
    /// Someone deciding a request for approval.
    case approver
}

/// Which status changes each role may make, as one explicit table.
public enum TicketWorkflow {
    /// The explicit table as rows, for the README and tests: (from, to, roles allowed).
    /// Every pair of different statuses has a row, so the admin's any-to-any is visible too.
    public static let table: [(from: TicketStatus, to: TicketStatus, roles: Set<ActorRole>)] = [
        (.new, .open, [.admin, .agent]),
        (.new, .pending, [.admin, .agent]),
        (.new, .onHold, [.admin, .agent]),
        (.new, .resolved, [.admin, .agent]),
        (.new, .closed, [.admin, .agent]),
        (.new, .cancelled, [.admin, .agent]),

        (.open, .new, [.admin]),
        (.open, .pending, [.admin, .agent]),
        (.open, .onHold, [.admin, .agent]),
        (.open, .resolved, [.admin, .agent]),
        (.open, .closed, [.admin, .agent]),
        (.open, .cancelled, [.admin, .agent]),

        (.pending, .new, [.admin]),
        (.pending, .open, [.admin, .agent, .requester, .system]),
        (.pending, .onHold, [.admin, .agent]),
        (.pending, .resolved, [.admin, .agent]),
        (.pending, .closed, [.admin, .agent]),
        (.pending, .cancelled, [.admin, .agent]),

        (.onHold, .new, [.admin]),
        (.onHold, .open, [.admin, .agent]),
        (.onHold, .pending, [.admin, .agent]),
        (.onHold, .resolved, [.admin, .agent]),
        (.onHold, .closed, [.admin, .agent]),
        (.onHold, .cancelled, [.admin, .agent]),

        (.resolved, .new, [.admin]),
        (.resolved, .open, [.admin, .agent, .requester, .system]),
        (.resolved, .pending, [.admin]),
        (.resolved, .onHold, [.admin]),
        (.resolved, .closed, [.admin, .agent, .system]),
        (.resolved, .cancelled, [.admin]),

        // Final for everyone but an admin: a requester's reply to these starts a new ticket.
        (.closed, .new, [.admin]),
        (.closed, .open, [.admin]),
        (.closed, .pending, [.admin]),
        (.closed, .onHold, [.admin]),
        (.closed, .resolved, [.admin]),
        (.closed, .cancelled, [.admin]),

        (.cancelled, .new, [.admin]),
        (.cancelled, .open, [.admin]),
        (.cancelled, .pending, [.admin]),
        (.cancelled, .onHold, [.admin]),
        (.cancelled, .resolved, [.admin]),
        (.cancelled, .closed, [.admin]),
        (.cancelled, .pendingApproval, [.admin]),

        // Waiting for approval: an approver's yes opens it, a no (or the expiry) cancels it;
        // agents may only cancel it, and nothing else enters it but a new ticket or an admin.
        (.pendingApproval, .new, [.admin]),
        (.pendingApproval, .open, [.admin, .approver]),
        (.pendingApproval, .pending, [.admin]),
        (.pendingApproval, .onHold, [.admin]),
        (.pendingApproval, .resolved, [.admin]),
        (.pendingApproval, .closed, [.admin]),
        (.pendingApproval, .cancelled, [.admin, .agent, .approver, .system]),
        (.new, .pendingApproval, [.admin]),
        (.open, .pendingApproval, [.admin]),
        (.pending, .pendingApproval, [.admin]),
        (.onHold, .pendingApproval, [.admin]),
        (.resolved, .pendingApproval, [.admin]),
        (.closed, .pendingApproval, [.admin]),
    ]

    /// nil when allowed, else the reason in plain words (e.g. "a closed ticket cannot be reopened by an agent; an admin can do it, or the requester's reply starts a new ticket").
    public static func refusal(from: TicketStatus, to: TicketStatus, by role: ActorRole) -> String? {
        if from == to { return "the ticket is already \(to.rawValue)" }
        if roles(from: from, to: to).contains(role) { return nil }
        let move = "\(from.rawValue) to \(to.rawValue)"
        switch role {
        case .admin:
            // Unreachable while the table gives admins every pair; kept so a table edit fails loudly in tests.
            return "an admin cannot move a ticket from \(move)"
        case .requester:
            return "a requester's reply only reopens a pending or resolved ticket; it cannot move one from \(move)"
        case .approver:
            return "an approver's answer only opens or cancels a ticket waiting for approval; it cannot move one from \(move)"
        case .system:
            return "the gateway only reopens a pending or resolved ticket on a reply and closes a resolved one after its SLA; it cannot move one from \(move)"
        case .agent:
            if from == .pendingApproval {
                return "a ticket waiting for approval is opened by its approver's yes; an agent can only cancel it"
            }
            if to == .pendingApproval {
                return "only a new request that needs approval waits for it; an agent cannot put a ticket back there"
            }
            if from == .closed || from == .cancelled {
                let verb = to == .closed || to == .cancelled ? "changed to \(to.rawValue)" : "reopened"
                return "a \(from.rawValue) ticket cannot be \(verb) by an agent; an admin can do it, or the requester's reply starts a new ticket"
            }
            if to == .new {
                return "an agent cannot set a ticket back to new; use open instead, or ask an admin"
            }
            if from == .resolved {
                return "an agent can only reopen or close a resolved ticket; set it to open first, then to \(to.rawValue)"
            }
            return "an agent cannot move a ticket from \(move)"
        }
    }

    /// The statuses `role` may move a ticket to from `from`, in `TicketStatus.allCases` order.
    public static func allowedTargets(from: TicketStatus, by role: ActorRole) -> [TicketStatus] {
        TicketStatus.allCases.filter { refusal(from: from, to: $0, by: role) == nil }
    }

    private static func roles(from: TicketStatus, to: TicketStatus) -> Set<ActorRole> {
        table.first { $0.from == from && $0.to == to }?.roles ?? []
    }
}

