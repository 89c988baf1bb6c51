public import Foundation
import HelpdeskStore

extension HelpdeskGateway {
    /// The gateway's health from what the store holds now (see `GatewayStatus`).
    public func status(defaultInterval: TimeInterval = 300) throws -> GatewayStatus {
        let wiring = current
        return GatewayStatus.evaluate(
            configured: wiring.config.mailboxes.map { ($0.name, $0.imap != nil) },
            polls: try database.pollStates(), health: try database.health(at: now()), now: now(), defaultInterval: defaultInterval)
    }

    /// Whether the gateway can do its work: every polled mailbox polled successfully within 3× its
    /// interval, and the database writable. The reasons when it cannot; empty when ready. (One
    /// failed poll makes `status` unhealthy but not this: the poller retries, and a passing
    /// network blip should not flap a readiness probe.)
    public func readiness() -> [String] {
        var reasons: [String] = []
        do {
            try database.checkWritable()
        } catch {
            reasons.append("database not writable: \(error)")
        }
        if let failure = activity.lastWriteFailure {
            reasons.append("the last write to the database failed: \(failure)")
        }
        do {
            // Only the polls: a probe every few seconds should not count the whole store.
            let wiring = current
            let status = GatewayStatus.evaluate(
                configured: wiring.config.mailboxes.map { ($0.name, $0.imap != nil) }, polls: try database.pollStates(),
                health: StoreHealth(), now: now(), defaultInterval: 300)
            for mailbox in status.mailboxes where mailbox.stale {
                reasons += mailbox.problems.map { "\(mailbox.name): \($0)" }
            }
        } catch {
            reasons.append("cannot read the store: \(error)")
        }
        return reasons
    }
}
