/// Every kind of mail the gateway sends: the one list that templates, rendering and the outbox
/// share. The raw value names the template (`templates/<event>.mustache`) and the outbox row.
public enum MailEvent: String, Sendable, Codable, CaseIterable {
    /// The requester's acknowledgement of a new ticket.
    case ticketCreated = "ticket_created"
    /// To each agent of the mailbox: a ticket nobody was given.
    case newTicket = "new_ticket"
    /// To the assignee (or every agent): the requester answered.
    case requesterReply = "requester_reply"
    /// An agent's public comment, to the participants.
    case agentReply = "agent_reply"
    /// To an agent a ticket was given to.
    case ticketAssigned = "ticket_assigned"
    /// To an agent whose mail ran nothing, with the line and reason.
    case commandRejected = "command_rejected"
    case slaWarning = "sla_warning"
    case slaBreach = "sla_breach"
    /// To the sender of a message kept aside for its size.
    case messageTooLarge = "message_too_large"
    /// To an agent whose public reply went out without its files, which were over the limit.
    case deliveryPartial = "delivery_partial"
    /// To the assignee (or every agent): a mail of the ticket bounced, or an agent's reply went
    /// to an address that bounced before.
    case deliveryFailed = "delivery_failed"
    /// To an approver: a request waits for their `#approve` or `#reject` (also the reminder, and
    /// to the agents when an expired request is escalated to them).
    case approvalRequested = "approval_requested"
    /// To the requester: their request was approved and is being worked on.
    case approvalGranted = "approval_granted"
    /// To the requester: their request was rejected, with the reason.
    case approvalRejected = "approval_rejected"
    /// To the requester and the approvers: nobody decided in time.
    case approvalExpired = "approval_expired"

    /// Whether the mail is about a ticket, so its Subject must carry the key.
    public var isAboutTicket: Bool { self != .messageTooLarge }

    /// Answers the sender of the message in hand (RFC 3834 `auto-replied`); other automatic mail
    /// is `auto-generated`.
    public var answersSender: Bool { self == .ticketCreated || self == .messageTooLarge }

    /// Carries a person's words: not marked automatic, so the requester's mail system treats it
    /// as the human answer it is (loops are still caught by the marker header).
    public var isWritten: Bool { self == .agentReply }

    /// Sent by the gateway on its own to whoever wrote in (acknowledgements, notices): what a
    /// broken autoresponder answers, so it counts against the loop caps.
    public var isCapped: Bool { self == .ticketCreated || self == .messageTooLarge }
}
