import HelpdeskCore
import HelpdeskStore

/// The values a template can use, built the same way for real mail and for `templates check`.
enum TemplateContext {
    /// Events whose templates are rendered for a ticket, so must carry its key in the Subject.
    static let events: Set<String> = [
        "ticket_created", "agent_reply", "requester_reply", "ticket_assigned", "status_changed",
        "ticket_resolved", "sla_warning", "sla_breach", "command_rejected", "new_ticket",
    ]

    /// `{{ticket.key}}`, `{{requester.name}}`, `{{mailbox.address}}`, `{{message.body}}` …
    /// Every value but the body is made one line: templates put them in header lines, where a line
    /// break from a sender would inject headers of their choosing.
    static func values(ticket: TicketRecord, mailbox: MailboxConfig, messageBody: String, messageSubject: String) -> [String: Any] {
        [
            "ticket": [
                "key": ticket.key, "subject": oneLine(ticket.subject), "status": ticket.status.rawValue,
                "priority": ticket.priority.rawValue, "number": ticket.number,
            ] as [String: Any],
            "requester": [
                "name": oneLine(ticket.requesterName ?? ticket.requesterAddress), "address": oneLine(ticket.requesterAddress),
            ],
            "mailbox": [
                "address": mailbox.address, "name": oneLine(mailbox.displayName ?? mailbox.address), "key": mailbox.keyPrefix,
            ],
            "message": ["body": messageBody, "subject": oneLine(messageSubject)],
        ]
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// A made-up ticket for checking templates without a database.
    static var sample: (ticketKey: String, values: [String: Any]) {
        let key = "SAMPLE-123"
        let values: [String: Any] = [
            "ticket": ["key": key, "subject": "Printer on fire", "status": "new", "priority": "normal", "number": 123] as [String: Any],
            "requester": ["name": "Alice Example", "address": "alice@example.test"],
            "mailbox": ["address": "support@example.test", "name": "Example Support", "key": "SAMPLE"],
            "message": ["body": "The printer in room 3 is on fire.\n", "subject": "Printer on fire"],
        ]
        return (key, values)
    }
}
