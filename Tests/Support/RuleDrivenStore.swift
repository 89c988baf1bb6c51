public import Foundation
public import HelpdeskCore
public import HelpdeskStore
import Synchronization

/// Message-IDs `m1@test`, `m2@test` …: deterministic, so tests can name the mail they expect.
public final class TestMessageIDs: Sendable {
    private let counter = Mutex(0)
    private let domain: String

    public init(domain: String = "test") { self.domain = domain }

    /// One sequence for every caller that names none, so Message-IDs never repeat in a process.
    public static let unique = TestMessageIDs(domain: "unique.test")

    public func next(_ mailbox: String) -> String {
        counter.withLock { count in
            count += 1
            return "\(mailbox)-\(count)@\(domain)"
        }
    }
}

// The gateway's way of using a store, without the gateway: the core's rules decide, the store
// persists. Store tests use it to reach interesting states; the rules are tested on their own.
extension InboundRecorder {
    /// Records one message as the gateway does for mailbox `rules`.
    public func ingest(
        _ identity: InboundIdentity, content: InboundContent, rules: MailboxRules, mailboxes: [MailboxRules] = [],
        messageIDs: TestMessageIDs = .unique
    ) throws -> IngestResult {
        let inbound = InboundRules(receiving: rules, mailboxes: mailboxes.isEmpty ? [rules] : mailboxes) { messageIDs.next($0) }
        let all = [rules] + mailboxes
        let lookup = InboundLookup(
            keyPrefix: rules.keyPrefix, strategies: Dictionary(all.map { ($0.name, $0.assignment.strategy) }, uniquingKeysWith: { first, _ in first }))
        return try record(identity, content, lookup: lookup) {
            inbound.decide(content, snapshot: $0, at: identity.receivedAt)
        }
    }

}

extension TicketChangeStore {
    /// Applies `change` as `helpdesk tickets update` does (without its mail).
    @discardableResult
    public func update(ticketKey: String, change: TicketChange, actor: TicketActor, rules: MailboxRules, at now: Date) throws -> (TicketRecord, [TicketEventRecord]) {
        try applyChange(ticketKey: ticketKey, at: now) { snapshot in
            try ChangeRules.apply(change, to: snapshot, actor: actor, rules: rules, at: now, assignment: rules.assignment)
        }
    }

}

extension SLAStore {
    /// Records a due warning or breach as the SLA service does.
    public func recordSLANotice(_ notice: SLANoticeDue, at now: Date, rules: [MailboxRules], messageIDs: TestMessageIDs = .unique) throws -> Bool {
        let byName = Dictionary(uniqueKeysWithValues: rules.map { ($0.name, $0) })
        return try recordSLANotice(notice, at: now, policies: byName.compactMapValues(\.sla)) { ticket, clock in
            SLANoticeRules.decide(notice.kind, ticket: ticket, clock: clock, at: now, rules: byName[ticket.mailbox]) { messageIDs.next($0) }
        }
    }
}
