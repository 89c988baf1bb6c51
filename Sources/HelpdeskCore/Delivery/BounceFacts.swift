import Foundation

/// One address a bounce reports, as the edge read it from the bounce.
public struct BouncedRecipient: Sendable, Equatable {
    /// The final recipient, lower-cased.
    public var address: String
    /// The address as our mail named it, when the bounce gives it and it differs (an alias).
    public var originalAddress: String?
    /// The enhanced status code, e.g. "5.1.1".
    public var status: String?
    public var diagnostic: String?
    /// 5.x.x: the address does not take mail. Otherwise delayed, and may still arrive.
    public var permanent: Bool

    public init(address: String, originalAddress: String? = nil, status: String?, diagnostic: String?, permanent: Bool) {
        self.address = address.lowercased()
        self.originalAddress = originalAddress?.lowercased()
        self.status = status
        self.diagnostic = diagnostic
        self.permanent = permanent
    }
}

/// The mail a bounce is about, as the store read it in the transaction that records the bounce.
public struct BouncedMail: Sendable, Equatable {
    public var outboxId: Int64
    public var mailbox: String
    /// Nil for a row whose event this version does not know.
    public var event: MailEvent?
    /// Lower-cased, in the order the row lists them.
    public var recipients: [String]
    /// The ticket now, when the mail belongs to one.
    public var ticket: Ticket?
    /// This very report was recorded before (the same bounce, delivered twice), or the mail
    /// bounced already.
    public var alreadyBounced: Bool
    /// Named by its signed envelope sender, not only by a Message-ID its recipients have seen.
    public var signed = false

    public init(outboxId: Int64, mailbox: String, event: MailEvent?, recipients: [String], ticket: Ticket?, alreadyBounced: Bool) {
        self.outboxId = outboxId
        self.mailbox = mailbox
        self.event = event
        self.recipients = recipients.map { $0.lowercased() }
        self.ticket = ticket
        self.alreadyBounced = alreadyBounced
    }
}

/// What a bounce does: the outbox row marked, history, suppressions and mail to agents, all
/// recorded in one transaction.
public struct BouncePlan: Sendable, Equatable {
    /// Set when the row becomes `bounced` (a hard bounce of one of its recipients).
    public var bounced: BouncedRecipient?
    /// Delivery notes for the ticket (its id filled in).
    public var events: [TicketEvent]
    public var suppressions: [Suppression]
    public var mail: [PlannedMail]

    public init(bounced: BouncedRecipient? = nil, events: [TicketEvent] = [], suppressions: [Suppression] = [], mail: [PlannedMail] = []) {
        self.bounced = bounced
        self.events = events
        self.suppressions = suppressions
        self.mail = mail
    }

    /// A bounce that changes nothing (unknown mail, recorded before).
    public static let none = BouncePlan()
}

/// What the outbox does with one claimed mail before sending it.
public enum DeliveryGate: Sendable, Equatable {
    case send
    /// An agent's reply to addresses that bounced: sent, and the agent is told.
    case sendAnyway([Suppression])
    /// Not sent: the row is closed as withheld, and the ticket gets a note.
    case withhold(WithholdReason)
}

/// Why an automatic mail was not sent.
public enum WithholdReason: Sendable, Equatable, CustomStringConvertible {
    /// The address bounced hard and is paused.
    case suppressed(Suppression)
    /// The address had its share of automatic mail within the window.
    case recipientCap(address: String, window: CapWindow)
    /// The ticket had its share of automatic mail within the window.
    case ticketCap(window: CapWindow)

    public var description: String {
        switch self {
        case .suppressed(let suppression):
            "\(suppression.address) bounced (\(suppression.status ?? "no status")); automatic mail to it is paused until \(DeliveryRules.day(suppression.until))"
        case .recipientCap(let address, let window):
            "loop cap: \(address) had \(window) automatic mails"
        case .ticketCap(let window):
            "loop cap: the ticket had \(window) automatic mails"
        }
    }

    /// The window the cap counts in, for logging once per window.
    public var window: CapWindow? {
        switch self {
        case .suppressed: nil
        case .recipientCap(_, let window), .ticketCap(let window): window
        }
    }
}
