/// How a message that answers an existing ticket relates to it.
public enum SenderRole: String, Sendable, Codable, CaseIterable {
    /// The requester or a participant (Cc) of the ticket.
    case participant
    /// A configured agent of the ticket's mailbox.
    case agent
    /// Anybody else: someone who learnt the ticket's address or token.
    case stranger
}

/// What a mailbox does with a follow-up from a stranger.
public enum StrangerPolicy: String, Sendable, Codable, CaseIterable {
    /// Open a new ticket that links to the old one (the default: a leaked token gives no access).
    case newTicket = "new_ticket"
    /// Append it to the ticket as an internal note, never sent to the requester.
    case internalNote = "internal_note"
}

/// The outcome of a follow-up, decided from the ticket's status and who wrote it.
public enum FollowUpAction: Sendable, Equatable {
    /// Append a comment; `newStatus` is the status the ticket moves to, if it changes.
    case append(visibility: CommentVisibility, newStatus: TicketStatus?)
    /// Open a new ticket linked to the old one.
    case newLinkedTicket(reason: LinkReason)
    /// An agent's mail: what it may do depends on what proves its sender, which only the
    /// recording (that knows the ticket) can judge; unproved or automatic, it is an internal note.
    case agentMail
}

/// Why a follow-up became a new ticket instead of a comment.
public enum LinkReason: String, Sendable, Codable {
    /// The old ticket was closed (or cancelled): its conversation is over.
    case ticketClosed = "ticket_closed"
    /// The sender is neither a participant nor an agent.
    case unknownSender = "unknown_sender"
}

/// The threading rules after a ticket was found: reopen, continue, or start anew.
public enum FollowUpRule {
    /// `automatic` is a message no person wrote (an out-of-office, a bounce, list mail): it is
    /// kept as an internal note and changes nothing, so robots cannot reopen or spawn tickets.
    public static func action(status: TicketStatus, sender: SenderRole, strangers: StrangerPolicy, automatic: Bool = false) -> FollowUpAction {
        if sender == .agent { return .agentMail }
        if automatic { return .append(visibility: .internal, newStatus: nil) }
        switch sender {
        case .stranger:
            switch strangers {
            case .newTicket: return .newLinkedTicket(reason: .unknownSender)
            case .internalNote: return .append(visibility: .internal, newStatus: nil)
            }
        case .agent:
            return .agentMail
        case .participant:
            switch status {
            case .closed, .cancelled: return .newLinkedTicket(reason: .ticketClosed)
            // The requester answered: the ticket is theirs to act on again (and a resolved one reopens).
            case .resolved, .pending: return .append(visibility: .public, newStatus: .open)
            // Waiting for approval: the requester's word is added; only the approver decides.
            case .new, .open, .onHold, .pendingApproval: return .append(visibility: .public, newStatus: nil)
            }
        }
    }
}
