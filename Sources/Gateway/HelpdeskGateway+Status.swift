public import Foundation
public import HelpdeskStore

extension HelpdeskGateway {
    /// The health of the gateway working on `settings`' database, from what the store holds now
    /// (see `GatewayStatus`). Needs only the mailbox files and the database, not templates or
    /// secrets, so it answers whatever else is broken; broken mailbox files are a problem of
    /// their own, and the mailboxes the store knows stand in for them.
    public static func status(
        settings: GatewaySettings, store: some GatewayStateStore & LeaseStore, defaultInterval: TimeInterval = 300, now: Date = Date()
    ) throws -> GatewayStatus {
        let polls = try store.pollStates()
        var configProblem: String?
        let configured: [(name: String, polled: Bool)]
        do {
            configured = try ConfigDirectory.load(path: settings.configDirectory).mailboxes.map { ($0.name, $0.imap != nil) }
        } catch {
            configProblem = "\(error)"
            configured = polls.map { ($0.mailbox, true) }
        }
        var status = GatewayStatus.evaluate(
            configured: configured, polls: polls, health: try store.health(at: now), now: now, defaultInterval: defaultInterval)
        status.configProblem = configProblem
        status.healthy = status.healthy && configProblem == nil
        // Who works what: several instances on one PostgreSQL database split the mailboxes.
        let running = Dictionary(try store.leases().filter { $0.isHeld(at: now) }.map { ($0.name, $0) }) { first, _ in first }
        for index in status.mailboxes.indices {
            let lease = running[LeaseKeeper.mailbox(status.mailboxes[index].name)]
            status.mailboxes[index].workedBy = lease?.holder
            status.mailboxes[index].leaseExpiresAt = lease?.expiresAt
        }
        status.housekeepingBy = running[LeaseKeeper.housekeeping]?.holder
        return status
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
