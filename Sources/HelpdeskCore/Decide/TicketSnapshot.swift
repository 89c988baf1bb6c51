/// A ticket with what the rules need around it, read by the store inside the transaction that
/// will record the plan made from it.
public struct TicketSnapshot: Sendable, Equatable {
    public var ticket: Ticket
    /// Who receives public replies now, in the order they joined (requester first).
    public var participants: [Participant]
    /// People an agent took off: they stay off until an agent brings them back.
    public var removedParticipants: [Participant]
    public var tags: Set<String>
    /// Message-IDs of what the requester has seen (their messages, our answers to them), oldest
    /// first: what an agent's reply to them threads under.
    public var requesterThread: [String]
    /// The ticket's mailbox's assignment pointer and counts.
    public var assignment: AssignmentState
    /// Its request for approval, when it had one.
    public var approval: Approval?
    /// The requester as a contact (their manager), and their first words: what a request for
    /// approval made later (an agent's `#tag`) needs.
    public var requester: Contact?
    public var requestText: String?

    public init(
        ticket: Ticket, participants: [Participant] = [], removedParticipants: [Participant] = [], tags: Set<String> = [],
        requesterThread: [String] = [], assignment: AssignmentState = AssignmentState(), approval: Approval? = nil
    ) {
        self.approval = approval
        self.ticket = ticket
        self.participants = participants
        self.removedParticipants = removedParticipants
        self.tags = tags
        self.requesterThread = requesterThread
        self.assignment = assignment
    }

    /// Whether `address` may add to the ticket as one of its people.
    public func isParticipant(_ address: String) -> Bool {
        // Tickets from before participants were recorded know only their requester.
        participants.contains { $0.address == address } || address == ticket.requesterAddress.lowercased()
    }
}

/// What the store reads before a message is decided: the ticket it follows up (if any) and
/// what opening a new one needs.
public struct InboundSnapshot: Sendable, Equatable {
    /// The ticket the message's references or subject key name, if any.
    public var found: TicketSnapshot?
    /// The number a new ticket with the receiving mailbox's key prefix gets.
    public var nextNumber: Int
    /// The receiving mailbox's assignment pointer and counts.
    public var assignment: AssignmentState
    /// The sender as a contact, when they wrote before or the admin set their exceptions.
    public var sender: Contact?

    public init(found: TicketSnapshot?, nextNumber: Int, assignment: AssignmentState = AssignmentState(), sender: Contact? = nil) {
        self.found = found
        self.nextNumber = nextNumber
        self.assignment = assignment
        self.sender = sender
    }
}
