import Foundation
import HelpdeskCore
import HelpdeskStore
import Logging
import Synchronization

// Every mailbox works on threads of its own, so a server that hangs (transfer timeouts are 30 s
// or more) stalls only its own mailbox. Threads, not tasks: libcurl blocks for a whole transfer,
// which would starve Swift concurrency's small cooperative pool.
extension HelpdeskGateway {
    /// Polls each mailbox once (or just `mailbox`), all at the same time; summaries come back in
    /// configuration order.
    /// `progress`: where a long poll shows how far it has got.
    public func pollOnce(mailbox: String? = nil, shutdown: ShutdownSignal? = nil, progress: PollProgressDisplay? = nil) throws -> [PollSummary] {
        let selected = try mailbox.map { name in
            guard let found = config.mailbox(named: name) else {
                throw ConfigError(file: config.path, field: "", problem: "no mailbox named '\(name)'; known: \(config.mailboxes.map(\.name).joined(separator: ", "))")
            }
            return [found]
        } ?? config.mailboxes
        if let name = mailbox, imapEndpoints[name] == nil {
            throw ConfigError(file: config.mailbox(named: name)?.file ?? config.path, field: "imap",
                              problem: "mailbox '\(name)' has no imap section, so there is nothing to poll; it is fed by `helpdesk ingest`")
        }
        let pollable = selected.map(\.name).filter { imapEndpoints[$0] != nil && pipelines[$0] != nil }
        let summaries = Self.onThreads(pollable, named: { "poll \($0)" }) { self.poll($0, shutdown: shutdown, interval: nil, progress: progress) }
        let untaken = earlyLogins.withLock { logins in
            defer { logins = [:] }
            return logins.values
        }
        for logins in untaken { logins.close() }
        return summaries
    }

    /// Sends whatever in the outbox is due now, every mailbox at the same time.
    public func dispatchOutbox() throws -> DispatchSummary {
        warnAboutUnsendableOutbox()
        let results = Self.onThreads(config.mailboxes.map(\.name), named: { "outbox \($0)" }) { name in
            Result {
                let summary = try self.dispatcher(shutdown: nil).dispatchDue(mailbox: name)
                self.record(summary, mailbox: name)
                return summary
            }
        }
        var total = DispatchSummary()
        for result in results {
            let summary = try result.get()
            total.sent += summary.sent
            total.retrying += summary.retrying
            total.failed += summary.failed
            total.unrendered += summary.unrendered
        }
        return total
    }

    /// Runs one poller and one outbox dispatcher per mailbox, each every `interval` seconds, and
    /// the SLA clock service every `slaInterval` seconds, until `shutdown` is requested; returns
    /// once every thread has finished the message in hand.
    public func run(interval: Double, slaInterval: Double = 30, shutdown: ShutdownSignal) {
        run(RunSchedule(interval: interval, slaInterval: slaInterval), shutdown: shutdown, reload: nil)
    }

    /// The daemon: pollers and outbox dispatchers per mailbox, the SLA clock, retention, a
    /// heartbeat line, and a reload of the configuration whenever `reload` is signalled (SIGHUP).
    public func run(_ schedule: RunSchedule, shutdown: ShutdownSignal, reload: ReloadSignal?) {
        logger.info("gateway running", metadata: ["mailboxes": "\(config.mailboxes.map(\.name).joined(separator: ","))", "interval_s": "\(schedule.interval)"])
        warnAboutUnsendableOutbox()
        let threads = DispatchGroup()
        let loops = MailboxLoops()
        let leases = LeaseKeeper(
            store: database, duration: schedule.lease, exclusive: !StoreLocation(settings.databasePath).isShared, logger: logger, now: now)
        // Taken once before the loops start, so their first polls need not wait for the keeper.
        takeOver(leases.refresh(wantedLeases()).gained, loops: loops)
        let keeper = DispatchGroup()
        // The keeper renews until the work in hand is done, not only until shutdown is asked:
        // a send or a batch finishing after its lease lapsed could be done twice.
        let keeperStop = ShutdownSignal()
        Self.startThread(named: "leases", in: keeper) { self.leaseLoop(leases, loops: loops, shutdown: shutdown, stop: keeperStop) }
        startLoops(loops, schedule: schedule, leases: leases, shutdown: shutdown, in: threads)
        // Housekeeping on this thread: SLA clocks every `slaInterval` (recomputed in full at
        // start), levels for the metrics, raw messages past their retention at start and hourly,
        // a heartbeat line, and reloads.
        var lastPrune = Date.distantPast
        var lastHeartbeat = Date()
        var nextSLA = Date.distantPast
        var nextOutboxCheck = Date.distantPast
        var slaPasses = 0
        repeat {
            // Taken before looking for a reload: a SIGHUP from here on cuts the sleep below short.
            let wakeCount = shutdown.wakeCount
            if reload?.take() == true, self.reload(logging: true) {
                // An edited SLA policy applies to the open tickets too: recompute them all now.
                slaPasses = 0
                nextSLA = .distantPast
                warnAboutUnsendableOutbox()
                startLoops(loops, schedule: schedule, leases: leases, shutdown: shutdown, in: threads)
                loops.wakeAll()
                // Connections waiting in IDLE look whether their server settings changed.
                shutdown.changes.announce()
            }
            if Date() >= nextSLA {
                nextSLA = Date().addingTimeInterval(schedule.slaInterval)
                // One instance at a time checks the clocks and approval timers (both exactly-once anyway).
                if config.mailboxes.contains(where: { $0.sla != nil || $0.approvals != nil }), leases.holds(LeaseKeeper.housekeeping) {
                    do {
                        let summary = try checkSLA(refreshing: slaPasses == 0)
                        slaPasses += 1
                        GatewayMetrics.slaChecked(summary)
                        if summary.warnings + summary.breaches + summary.autoClosed
                            + summary.approvalReminders + summary.approvalsExpired + summary.approvalsEscalated > 0 {
                            logger.info("sla", metadata: ["summary": "\(summary)"])
                            // Warnings wait in the outbox; send them now, not after `interval`.
                            loops.wakeAll()
                        }
                    } catch {
                        logger.error("sla check failed; retrying", metadata: ["error": "\(error)", "retry_in_s": "\(schedule.slaInterval)"])
                    }
                }
                if let health = try? database.health(at: now()) {
                    GatewayMetrics.sampled(health, mailboxes: config.mailboxes.map(\.name), at: now())
                }
            }
            if Date() >= nextOutboxCheck {
                // One read for all mailboxes instead of each sender waking to look: rows queued by
                // another process (`helpdesk tickets update`) or due for a retry wake their sender.
                nextOutboxCheck = Date().addingTimeInterval(schedule.interval)
                for mailbox in (try? database.mailboxesWithDueOutbox(at: now())) ?? [] { loops.wakeUp(for: mailbox).signal() }
            }
            if Date().timeIntervalSince(lastPrune) >= 3600, leases.holds(LeaseKeeper.housekeeping) {
                lastPrune = Date()
                do {
                    let pruned = try pruneRawMessages()
                    if pruned.messages > 0 { logger.info("retention", metadata: ["summary": "\(pruned)"]) }
                } catch {
                    logger.error("raw message retention failed; retrying in an hour", metadata: ["error": "\(error)"])
                }
            }
            if Date().timeIntervalSince(lastHeartbeat) >= schedule.heartbeat {
                lastHeartbeat = Date()
                let counts = activity.take()
                logger.info("heartbeat", metadata: [
                    "polls": "\(counts.polls)", "failed_polls": "\(counts.failedPolls)", "messages": "\(counts.messages)",
                    "sent": "\(counts.sent)", "retrying": "\(counts.retrying)", "failed": "\(counts.failed)",
                    "since_s": "\(Int(schedule.heartbeat))"])
            }
            let wait = min(nextSLA.timeIntervalSinceNow, nextOutboxCheck.timeIntervalSinceNow,
                           lastHeartbeat.addingTimeInterval(schedule.heartbeat).timeIntervalSinceNow)
            _ = shutdown.wait(seconds: max(0.01, wait), unlessWokenSince: wakeCount)
        } while !shutdown.isRequested
        // The outbox loops sleep on their own condition, mailboxes held elsewhere on the keeper's;
        // shutdown alone wakes neither.
        loops.stopAll()
        leases.wakeWaiters()
        threads.wait()
        // Given back once the work in hand is done: another instance takes over at once.
        keeperStop.request()
        keeper.wait()
        leases.releaseAll()
        logger.info("gateway stopped")
    }

    /// Reloads the configuration and logs the outcome: what changed, or every problem of a set
    /// that was refused (the running set stays).
    @discardableResult
    func reload(logging: Bool) -> Bool {
        do {
            let summary = try reload()
            logger.notice("configuration reloaded", metadata: [
                "mailboxes": "\(summary.mailboxes.joined(separator: ","))", "templates": "\(summary.templates)",
                "added": "\(summary.added.joined(separator: ","))", "removed": "\(summary.removed.joined(separator: ","))"])
            return true
        } catch {
            logger.error("reload refused; the running configuration stays", metadata: [
                "errors": "\(error)", "fix": "correct the files and send SIGHUP again (`helpdesk reload`)"])
            return false
        }
    }

    /// Starts the poll and outbox threads of every configured mailbox that lacks one (a reload
    /// may add a mailbox, or an IMAP section to one); loops of mailboxes (or sections) removed by
    /// a reload end by themselves after the unit of work in hand.
    private func startLoops(_ loops: MailboxLoops, schedule: RunSchedule, leases: LeaseKeeper, shutdown: ShutdownSignal, in threads: DispatchGroup) {
        // Few first polls and IDLE logins at a time: 200 mailboxes connecting at once on 2 cores
        // had the server answer some logins after the 15 s connect timeout.
        let startGate = DispatchSemaphore(value: Self.concurrentStarts)
        for name in config.mailboxes.map(\.name) {
            let wakeUp = loops.wakeUp(for: name)
            if imapEndpoints[name] != nil, loops.start(.poll, name) {
                Self.startThread(named: "poll \(name)", in: threads) {
                    self.pollLoop(name, schedule: schedule, leases: leases, wakeUp: wakeUp, shutdown: shutdown, startGate: startGate)
                    loops.finished(.poll, name)
                }
            }
            if loops.start(.outbox, name) {
                Self.startThread(named: "outbox \(name)", in: threads) {
                    self.dispatchLoop(name, interval: Self.outboxSafetyInterval, leases: leases, wakeUp: wakeUp, shutdown: shutdown)
                    loops.finished(.outbox, name)
                }
            }
        }
    }

    /// Mail queued for a mailbox that has no config file any more waits, unsent and unfailed;
    /// say so, since nothing else will.
    private func warnAboutUnsendableOutbox() {
        let configured = Set(config.mailboxes.map(\.name))
        for (mailbox, count) in (try? database.pendingOutboxCounts()) ?? [:] where !configured.contains(mailbox) {
            logger.warning("outbox mail waits for a mailbox with no config file", metadata: [
                "mailbox": "\(mailbox)", "pending": "\(count)",
                "fix": "restore \(config.path)/\(mailbox).yaml (a renamed file keeps its old name in the outbox)"])
        }
    }

    static let concurrentStarts = 8
    /// Senders are woken by the pollers, the SLA pass and the outbox watcher; on their own they
    /// look only this often, so an idle gateway with hundreds of mailboxes stays asleep.
    static let outboxSafetyInterval: Double = 300

    /// Takes and renews this instance's leases every third of their duration until `stop`;
    /// a mailbox gained is polled and sent for at once, a lease lost ends its IDLE wait.
    private func leaseLoop(_ leases: LeaseKeeper, loops: MailboxLoops, shutdown: ShutdownSignal, stop: ShutdownSignal) {
        while !stop.wait(seconds: leases.duration / 3) {
            let (gained, lost) = leases.refresh(wantedLeases())
            takeOver(gained, loops: loops)
            if !lost.isEmpty { shutdown.changes.announce() }
        }
    }

    /// Mailboxes whose lease came here: mail the previous holder (another instance whose lease
    /// lapsed, or this one before a crash) claimed and never sent is due now, not when its claims
    /// run out. Only that holder's claims: a `helpdesk outbox flush` beside it keeps its own.
    private func takeOver(_ gained: [LeaseGrant], loops: MailboxLoops) {
        for grant in gained where grant.name.hasPrefix("mailbox:") {
            let mailbox = String(grant.name.dropFirst("mailbox:".count))
            if let previous = grant.previousHolder {
                do {
                    let released = try database.releaseClaims(mailbox: mailbox, ownerPrefix: "\(previous) ")
                    if released > 0 {
                        logger.notice("took over unsent mail of the previous holder", metadata: [
                            "mailbox": "\(mailbox)", "rows": "\(released)", "from": "\(previous)"])
                    }
                } catch {
                    logger.warning("could not take over the previous holder's claims; they run out by themselves", metadata: [
                        "mailbox": "\(mailbox)", "error": "\(error)"])
                }
            }
            loops.wakeUp(for: mailbox).signal()
        }
    }

    /// The leases this instance works under: each configured mailbox, and the housekeeping.
    private func wantedLeases() -> [String] {
        [LeaseKeeper.housekeeping] + config.mailboxes.map { LeaseKeeper.mailbox($0.name) }
    }

    private func pollLoop(
        _ name: String, schedule: RunSchedule, leases: LeaseKeeper, wakeUp: OutboxWakeUp, shutdown: ShutdownSignal, startGate: DispatchSemaphore
    ) {
        let watcher = IdleWatcher(mailbox: name, logger: logger)
        let progress = PollProgressDisplay.log(logger)
        // Held for the first poll and the first IDLE login, then given back for good.
        var holdsGate = true
        startGate.wait()
        func leaveGate() {
            if holdsGate { startGate.signal() }
            holdsGate = false
        }
        defer { leaveGate() }
        // Ends when a reload removed the mailbox (or its IMAP section).
        while !shutdown.isRequested, let endpoint = imapEndpoints[name] {
            guard leases.holds(LeaseKeeper.mailbox(name)) else {
                // Another instance works this mailbox: wait until its lease lapses and ours comes.
                leaveGate()
                leases.waitForChange(seconds: schedule.lease / 3)
                continue
            }
            // In IDLE the next poll comes with news, or after `fullPoll` at the latest.
            let expected = schedule.idle && watcher.isWatching ? schedule.fullPoll : schedule.interval
            let summary = poll(name, shutdown: shutdown, interval: expected, progress: progress)
            if summary.ticketsCreated + summary.commentsAdded + summary.duplicates + summary.quarantined + summary.reports > 0 {
                // Recorded mail may have queued an acknowledgement: send it now, not after `interval`.
                wakeUp.signal()
            }
            if summary.fetched > 0 { logger.info("poll", metadata: ["mailbox": "\(name)", "summary": "\(summary)"]) }
            if summary.error != nil || !schedule.idle { leaveGate() }
            if summary.error != nil {
                // The poller logged the error itself; other mailboxes go on meanwhile.
                logger.warning("poll stopped; retrying", metadata: ["mailbox": "\(name)", "retry_in_s": "\(schedule.interval)"])
            } else if schedule.idle,
                      watcher.waitForNews(endpoint: endpoint, until: Date().addingTimeInterval(schedule.fullPoll),
                                          beacon: { shutdown.changes.descriptor }, shouldStop: {
                          // A reload that changed the server settings needs a new connection; a lease
                          // lost leaves the mailbox to the instance that took it.
                          shutdown.isRequested || self.imapEndpoints[name] != endpoint || !leases.holds(LeaseKeeper.mailbox(name))
                      }) {
                // The first call only logged in (it returns at once, to poll again): now others may.
                leaveGate()
                // News came: the poll it wakes expects mail (`MailboxPoller.expectingMail`).
                _ = quietMailboxes.withLock { $0.remove(name) }
                continue
            }
            leaveGate()
            shutdown.wait(seconds: schedule.interval)
        }
    }

    private func dispatchLoop(_ name: String, interval: Double, leases: LeaseKeeper, wakeUp: OutboxWakeUp, shutdown: ShutdownSignal) {
        repeat {
            guard config.mailbox(named: name) != nil else { return }
            // One sender per mailbox across instances, so each recipient's loop caps are counted
            // by one; the keeper wakes this loop when the lease comes here.
            guard leases.holds(LeaseKeeper.mailbox(name)) else { continue }
            do {
                let sent = try dispatcher(shutdown: shutdown, leases: leases).dispatchDue(mailbox: name)
                record(sent, mailbox: name)
                if sent.sent + sent.retrying + sent.failed + sent.unrendered > 0 {
                    logger.info("dispatch", metadata: ["mailbox": "\(name)", "summary": "\(sent)"])
                }
            } catch {
                logger.error("dispatch failed; retrying", metadata: ["mailbox": "\(name)", "error": "\(error)", "retry_in_s": "\(interval)"])
            }
        } while wakeUp.wait(seconds: interval) && !shutdown.isRequested
    }

    /// Polls one mailbox and records how it went: in the store (for `helpdesk status` and
    /// /readyz), in the metrics and in the heartbeat's counts.
    private func poll(_ name: String, shutdown: ShutdownSignal?, interval: Double?, progress: PollProgressDisplay?) -> PollSummary {
        let wiring = current
        guard let pipeline = wiring.pipelines[name], let endpoint = wiring.imapEndpoints[name] else { return PollSummary(mailbox: name) }
        let started = Date()
        var poller = MailboxPoller(pipeline: pipeline, store: database, endpoint: endpoint, logger: logger, shutdown: shutdown)
        poller.expectingMail = !quietMailboxes.withLock { $0.contains(name) }
        poller.logins = earlyLogins.withLock { $0.removeValue(forKey: name) }
        poller.onProgress = { [database, now, activity] done in
            activity.recordWrite { try database.recordPollProgress(mailbox: name, at: now()) }
            progress?.update(done)
        }
        var summary = poller.poll()
        // A failed poll counts as quiet too: its retries must not log in twice each.
        let quiet = summary.error != nil || (summary.fetched == 0 && (summary.unrecorded ?? 0) == 0)
        quietMailboxes.withLock { if quiet { $0.insert(name) } else { $0.remove(name) } }
        progress?.finished(mailbox: name)
        let ended = Date()
        let duration = ended.timeIntervalSince(started)
        summary.seconds = duration
        GatewayMetrics.polled(mailbox: name, duration: duration, failed: summary.error != nil, at: ended)
        activity.add(summary)
        let recorded = activity.recordWrite {
            try database.recordPoll(PollReport(
                mailbox: name, at: now(), duration: duration, error: summary.error, unrecorded: summary.unrecorded, interval: interval))
        }
        if let error = recorded {
            logger.error("could not record the poll's outcome", metadata: ["mailbox": "\(name)", "error": "\(error)"])
        }
        return summary
    }

    private func record(_ summary: DispatchSummary, mailbox: String) {
        GatewayMetrics.dispatched(mailbox: mailbox, summary)
        activity.add(summary)
    }

    /// `leases`: in `run`, the dispatcher sends only the mail of mailboxes this instance holds,
    /// under claims named after it (see `leaseLoop`).
    private func dispatcher(shutdown: ShutdownSignal?, leases: LeaseKeeper? = nil) -> OutboxDispatcher {
        // One snapshot: the endpoints and the renderer of the same configuration.
        let wiring = current
        var dispatcher = OutboxDispatcher(
            store: database, endpoints: wiring.smtpEndpoints, renderer: wiring.renderer, schedule: .standard, logger: logger, now: now,
            shutdown: shutdown)
        if let leases {
            dispatcher.owner = "\(leases.holder) \(UUID().uuidString.prefix(8))"
            dispatcher.maySend = { leases.holds(LeaseKeeper.mailbox($0)) }
        }
        return dispatcher
    }

    private static func startThread(named name: String, in group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = name
        thread.start()
    }

    /// `body` for every element, each on its own thread; the results in the elements' order.
    private static func onThreads<Value: Sendable>(
        _ names: [String], named threadName: (String) -> String, _ body: @escaping @Sendable (String) -> Value
    ) -> [Value] {
        let results = ThreadResults<Value>(count: names.count)
        let group = DispatchGroup()
        for (index, name) in names.enumerated() {
            startThread(named: threadName(name), in: group) { results.store(body(name), at: index) }
        }
        group.wait()
        return results.values
    }
}

/// Wakes one mailbox's outbox loop before its interval is up: when its poller recorded mail, or
/// to stop.
final class OutboxWakeUp: @unchecked Sendable {
    // NSCondition guards both flags; @unchecked because the lock makes access safe.
    private let condition = NSCondition()
    private var pending = false
    private var stopped = false

    func signal() {
        condition.lock()
        pending = true
        condition.broadcast()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps up to `seconds` or until signalled; false once stopped.
    func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !pending && !stopped && condition.wait(until: deadline) {}
        pending = false
        return !stopped
    }
}

/// Which loops run, by kind and mailbox, and the wake-up each mailbox's poller and outbox share.
private final class MailboxLoops: Sendable {
    enum Kind { case poll, outbox }

    private struct State {
        var running: Set<String> = []
        /// Kept for the life of the run: a loop that ends and a new one for the same mailbox
        /// share it, so no signal is lost in between.
        var wakeUps: [String: OutboxWakeUp] = [:]
    }

    private let state = Mutex(State())

    func wakeUp(for name: String) -> OutboxWakeUp {
        state.withLock { state in
            if let wakeUp = state.wakeUps[name] { return wakeUp }
            let wakeUp = OutboxWakeUp()
            state.wakeUps[name] = wakeUp
            return wakeUp
        }
    }

    /// Marks the loop as running; false when it already was (a reload within one interval of
    /// removing and adding back the mailbox finds its old loop still there, and keeps it).
    func start(_ kind: Kind, _ name: String) -> Bool {
        state.withLock { $0.running.insert("\(kind) \(name)").inserted }
    }

    func finished(_ kind: Kind, _ name: String) { _ = state.withLock { $0.running.remove("\(kind) \(name)") } }

    func wakeAll() { state.withLock { $0.wakeUps.values.forEach { $0.signal() } } }

    func stopAll() { state.withLock { $0.wakeUps.values.forEach { $0.stop() } } }
}

/// One slot per thread of `onThreads`.
private final class ThreadResults<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func store(_ value: Value, at index: Int) { slots.withLock { $0[index] = value } }

    var values: [Value] { slots.withLock { $0.compactMap { $0 } } }
}
