import Foundation
import HelpdeskStore
import Logging
import MailTransport

/// Reads new mail from one mailbox's IMAP folder into the pipeline. A message is flagged on the
/// server only after the transaction recording it has committed; the cursor in SQLite, not the
/// flags, decides what is new, so a crash anywhere leads to reprocessing, never to loss.
struct MailboxPoller {
    /// Keyword set on every message the gateway has recorded.
    static let processedKeyword = "$Helpdesk-Processed"
    /// Keyword added to messages recorded but not processed (too large, failing).
    static let quarantinedKeyword = "$Helpdesk-Quarantined"
    /// Messages read with one FETCH and handed to the recording thread together.
    static let batchSize = 100
    /// Messages after which a transaction takes no further batch: batches already read when one
    /// is recorded join its transaction until it has this many (the last one is recorded whole).
    /// At 10,000 messages each commit wrote hundreds of scattered index pages, and fewer of them
    /// made the poll a quarter faster; larger batches would hold more in memory.
    static let transactionSize = 400
    /// Messages recorded under one savepoint before each gets its own (`recordingGroup`): the
    /// group's undo copy of the pages it changes stays in memory until it ends (a group of 100
    /// raised the poll's peak memory by 3 MB, one of 25 by 1.2 MB), while the pages every
    /// message changes are copied once a group instead of once a message.
    static let groupSize = 10
    /// Bytes read with one FETCH at most (a larger message is read on its own).
    static let batchBytes = 16 << 20

    let pipeline: IngestionPipeline
    let store: any InboundStore
    let endpoint: ServerEndpoint
    let logger: Logger
    let shutdown: ShutdownSignal?
    /// Called after each committed transaction (a batch or a few), while a long poll goes on.
    var onProgress: ((PollProgress) -> Void)? = nil
    /// Whether the poll is likely to find mail (the first of a process, or one after a poll that
    /// found some and did not fail): the reading connection then logs in beside the first one.
    /// Otherwise it is opened once there is something to read, so a quiet mailbox costs one
    /// login a poll, and a failing one one login a retry.
    var expectingMail = true
    /// Connections already logging in (the first poll of `helpdesk poll`); taken instead of
    /// opening new ones.
    var logins: EarlyLogins? = nil

    func poll() -> PollSummary {
        var summary = PollSummary(mailbox: pipeline.mailbox.name)
        do {
            try run(&summary)
        } catch {
            summary.error = "\(error)"
            logger.error("poll failed", metadata: ["mailbox": "\(summary.mailbox)", "error": "\(error)"])
        }
        return summary
    }

    private func run(_ summary: inout PollSummary) throws {
        let mailbox = pipeline.mailbox
        let early = logins?.reader ?? (expectingMail ? .reader(endpoint) : nil)
        // Not taken (nothing new, or an error first): closed before the poll returns.
        defer { early?.close() }
        let (client, status) = try logins?.client.take() ?? Self.openClient(endpoint, maximumMessageSize: mailbox.maximumMessageSize)
        var lastUID: UInt32 = 0
        if let cursor = try store.cursor(mailbox: mailbox.name) {
            if cursor.uidValidity == Int64(status.uidValidity) {
                lastUID = UInt32(clamping: cursor.lastUid)
            } else {
                // The server renumbered the folder: read it all again; Message-ID dedupe keeps
                // what we already have from being recorded twice.
                logger.warning("UIDVALIDITY changed; rescanning the folder", metadata: [
                    "mailbox": "\(mailbox.name)", "old": "\(cursor.uidValidity)", "new": "\(status.uidValidity)"])
                try store.resetCursor(mailbox: mailbox.name, uidValidity: status.uidValidity, at: pipeline.now())
            }
        }
        if lastUID > 0 {
            try flagStragglers(client, status: status, upTo: lastUID)
            try afterProcessingLeftovers(client, upTo: lastUID)
        }

        let uids = try client.uids(after: lastUID, below: status.uidNext)
        summary.unrecorded = uids.count
        guard !uids.isEmpty else { return }
        try record(uids, status: status, client: client, reader: early?.takeRefreshed() ?? IMAPBulkReader(endpoint: endpoint), into: &summary)
    }

    /// A connection for searching and flagging, logged in, with the folder's STATUS.
    static func openClient(_ endpoint: ServerEndpoint, maximumMessageSize: Int) throws(TransportError) -> (IMAPClient, MailboxStatus) {
        let client = try IMAPClient(endpoint: endpoint, maximumMessageSize: maximumMessageSize)
        return (client, try client.status())
    }

    /// Reads `uids` in batches on a thread of its own (fetch, parse, files) while this thread
    /// records them, a batch or a few at a time in one transaction, and a queue flags each
    /// committed transaction's messages while the next is recorded, so the two cores overlap.
    /// The first message that cannot be recorded stops the poll as before: what came before it
    /// is committed (and flagged, unless the flags could not be sent: the next poll sends them),
    /// it and what follows stay unrecorded for the next poll.
    private func record(_ uids: [UInt32], status: MailboxStatus, client: IMAPClient, reader: IMAPBulkReader, into summary: inout PollSummary) throws {
        // Renumbered between STATUS and EXAMINE (in either order): the next poll rescans.
        guard reader.uidValidity == status.uidValidity else { return }
        let batchPipeline = pipeline.deferringFileSync()
        let batches = HandOff<ReadBatch>(capacity: 2)
        let stages = PollStages()
        let reading = BatchReader(
            reader: reader, pipeline: batchPipeline, uidValidity: status.uidValidity, batchSize: Self.batchSize,
            batchBytes: Self.batchBytes, shutdown: shutdown, stages: stages)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            reading.run(uids, into: batches)
            finished.signal()
        }.start()
        let flags = ServerFlagging(client: client, stages: stages)
        // Asks the server about a message it did not return, on a connection of its own: the
        // flagging one may be busy, and this is asked inside a transaction (rare: opened when
        // first needed).
        let asking = OnDemandClient { try IMAPClient(endpoint: endpoint, maximumMessageSize: pipeline.mailbox.maximumMessageSize) }
        // Runs after the ones below have waited for the reader and the flags, whose figures are
        // then final.
        defer { report(stages) }
        defer {
            // On every way out: stop the reader and wait for it, so nothing outlives the poll.
            batches.close()
            finished.wait()
        }
        // On a way out by an error, that error is the one reported; the flags already queued
        // (two transactions' at most) are still sent, as they were before the error.
        defer { try? flags.finish() }
        let started = ContinuousClock.now
        var done = 0

        while true {
            // A failed flag stops the poll, as it did when flags were sent between transactions.
            if let failure = flags.failure { throw failure }
            var step = ContinuousClock.now
            // Handed to the transaction, which lets go of each batch once recorded.
            var first = batches.take()
            guard first != nil else { break }
            stages.recordWait += PollStages.since(step)
            step = ContinuousClock.now
            let stepCPU = PollStages.threadCPU()
            var flushWait = 0.0
            let outcome = try store.recordingBatch { recorder in
                var outcome = BatchOutcome()
                var flushes: [PendingFlush] = []
                var seen = 0
                var next = first
                first = nil
                while let batch = next {
                    if let flush = batch.flush { flushes.append(flush) }
                    for start in stride(from: 0, to: batch.messages.count, by: Self.groupSize) {
                        let group = batch.messages[start..<min(start + Self.groupSize, batch.messages.count)]
                        // May run a second time, from scratch, when one of its messages fails: its
                        // part of the outcome starts empty, and it logs nothing itself.
                        let body = { (recorder: any InboundRecorder) -> BatchOutcome in
                            var part = BatchOutcome()
                            for message in group {
                                if shutdown?.isRequested == true { break }
                                do {
                                    try record(message, in: recorder, status: status, asking: asking, into: &part)
                                } catch {
                                    part.failure = error
                                    break
                                }
                                if part.renumbered { break }
                            }
                            return part
                        }
                        // A message the reader could not read fails for sure, and one the server
                        // did not return is asked about on IMAP: their group is isolated message by
                        // message from the start rather than run twice.
                        let allPrepared = group.allSatisfy { if case .prepared = $0.content { true } else { false } }
                        let part = allPrepared ? try recorder.recordingGroup(body, failed: { $0.failure != nil }) : body(recorder)
                        for (result, prepared) in part.results { batchPipeline.log(result, uid: prepared.uid, suppression: prepared.suppression) }
                        seen += group.count
                        outcome.add(part)
                        guard outcome.failure == nil, !outcome.renumbered, shutdown?.isRequested != true else { break }
                    }
                    // A batch already read joins the transaction; it never waits for the reader
                    // while it holds the write lock.
                    guard outcome.failure == nil, !outcome.renumbered, shutdown?.isRequested != true,
                          seen < Self.transactionSize
                    else { break }
                    next = batches.takeIfReady()
                }
                // Their files must be on disk before their records are committed. The flushes
                // started as the batches were read and went on while they were recorded: waited
                // for only now, they hold the write lock no longer than they outlast the
                // recording, and a failed one rolls the whole transaction back (read again on
                // the next poll).
                let flushing = ContinuousClock.now
                for flush in flushes { try flush.wait() }
                flushWait = PollStages.since(flushing)
                return outcome
            }
            stages.flushWait += flushWait
            stages.recordBusy += PollStages.since(step) - flushWait
            stages.recordCPU += PollStages.threadCPU() - stepCPU
            summary.fetched += outcome.recorded.count
            summary.addCounts(of: outcome.tally)
            let processed = outcome.recorded.map(\.uid)
            let quarantined = outcome.recorded.filter(\.quarantined).map(\.uid)
            summary.unrecorded = (summary.unrecorded ?? 0) - outcome.recorded.count - outcome.vanished.count
            // Renumbered folder: its UIDs now name other messages, so nothing is flagged or moved
            // by them; the next poll rescans, and what this one recorded is found again by
            // Message-ID and flagged under its new UID.
            if outcome.renumbered {
                flags.abandon()
                try flags.finish()
                return
            }
            let afterProcessing = pipeline.mailbox.afterProcessing
            flags.add { client in
                try Self.finish(client, processed: processed, quarantined: quarantined, afterProcessing: afterProcessing)
            }
            done += outcome.recorded.count + outcome.vanished.count
            let elapsed = ContinuousClock.now - started
            onProgress?(PollProgress(
                mailbox: pipeline.mailbox.name, done: done, total: uids.count,
                elapsed: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            if let failure = outcome.failure {
                // What came before it is committed: flagged before the poll stops, as before.
                do {
                    try flags.finish()
                } catch {
                    logger.warning("could not flag recorded messages; the next poll flags them", metadata: [
                        "mailbox": "\(pipeline.mailbox.name)", "error": "\(error)"])
                }
                throw failure
            }
            if shutdown?.isRequested == true { break }
        }
        // The log's last pages are copied beside the last flags instead of at close (`poll`);
        // in the daemon, after each poll that recorded mail (passive, on its own thread).
        if done > 0 { store.pollRecorded() }
        try flags.finish()
    }

    /// Records one message read by the reading thread into the transaction's `outcome`; throws
    /// when the poll must stop at it.
    private func record(
        _ message: ReadMessage, in recorder: any InboundRecorder, status: MailboxStatus, asking: OnDemandClient, into outcome: inout BatchOutcome
    ) throws {
        switch message.content {
        case .prepared(let prepared):
            let result = try prepared.record(recorder)
            outcome.results.append((result, prepared))
            count(result, into: &outcome.tally)
            let keptAside = if case .quarantined = result { true } else { false }
            outcome.recorded.append((message.uid, keptAside))
        case .vanished:
            // Decided here, before any later message moves the cursor past it.
            switch try vanishedMessage(message.uid, status: status, client: asking.client()) {
            case .expunged: outcome.vanished.append(message.uid)
            case .renumbered: outcome.renumbered = true
            }
        case .failed(let error):
            throw error
        }
    }

    private func report(_ stages: PollStages) {
        logger.debug("poll stages", metadata: ["mailbox": "\(pipeline.mailbox.name)", "stages": "\(stages.description)"])
        if ProcessInfo.processInfo.environment["MAILGATE_POLL_STAGES"] != nil {
            FileHandle.standardError.write(Data("poll stages, \(pipeline.mailbox.name): \(stages.description)\n".utf8))
        }
    }

    private enum Vanished { case expunged, renumbered }

    /// What became of a message the server returned nothing for. Expunged since the search: it is
    /// skipped. The folder renumbered: the poll ends, and the next one rescans. Still there (the
    /// server would not give it, e.g. [UNAVAILABLE]): throws, so the poll stops before the cursor
    /// can move past a message never recorded.
    private func vanishedMessage(_ uid: UInt32, status: MailboxStatus, client: IMAPClient) throws -> Vanished {
        if try client.status().uidValidity != status.uidValidity { return .renumbered }
        if try client.search("UID \(uid)").contains(uid) {
            throw TransportError(kind: .notFound, message: "the IMAP server did not return message UID \(uid) in \(endpoint.path.isEmpty ? "INBOX" : endpoint.path), though it still holds it; the next poll tries again")
        }
        logger.notice("message vanished before fetch", metadata: ["mailbox": "\(pipeline.mailbox.name)", "uid": "\(uid)"])
        return .expunged
    }

    /// Flags committed messages, then does what the mailbox's `after_processing` says with them.
    private static func finish(_ client: IMAPClient, processed: [UInt32], quarantined: [UInt32], afterProcessing: AfterProcessing) throws {
        try client.addFlags([processedKeyword], to: processed)
        try client.addFlags([quarantinedKeyword], to: quarantined)
        if case .move(let folder) = afterProcessing, !processed.isEmpty {
            try client.createFolder(folder)
            try client.move(processed, to: folder)
        }
    }

    /// What `after_processing` still owes messages recorded before: moves a crash cut short, and
    /// deletions that have come due. Only flagged messages at or below the cursor are touched,
    /// so nothing unrecorded ever leaves the folder.
    private func afterProcessingLeftovers(_ client: IMAPClient, upTo lastUID: UInt32) throws {
        switch pipeline.mailbox.afterProcessing {
        case .flag:
            return
        case .move(let folder):
            let left = try client.search("UID 1:\(lastUID) KEYWORD \(Self.processedKeyword)")
            guard !left.isEmpty else { return }
            try client.createFolder(folder)
            try client.move(left, to: folder)
        case .deleteAfter(let days):
            let cutoff = pipeline.now().addingTimeInterval(-Double(days) * 86_400)
            let due = try client.search("UID 1:\(lastUID) KEYWORD \(Self.processedKeyword) BEFORE \(Self.imapDate(cutoff))")
            guard !due.isEmpty else { return }
            try client.delete(due)
            logger.info("deleted processed messages past after_processing's delete_after", metadata: [
                "mailbox": "\(pipeline.mailbox.name)", "count": "\(due.count)"])
        }
    }

    /// A date as IMAP SEARCH takes it (RFC 3501 date: `1-Nov-2026`), in UTC.
    static func imapDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(parts.day ?? 1)-\(months[(parts.month ?? 1) - 1])-\(parts.year ?? 1970)"
    }

    /// Messages recorded in an earlier run whose flagging was cut short by a crash.
    private func flagStragglers(_ client: IMAPClient, status: MailboxStatus, upTo lastUID: UInt32) throws {
        let unflagged = try client.search("UID 1:\(lastUID) UNKEYWORD \(Self.processedKeyword)")
        let recorded = try store.recordedUIDs(mailbox: pipeline.mailbox.name, uidValidity: status.uidValidity, among: unflagged)
        try client.addFlags([Self.processedKeyword], to: unflagged.filter(recorded.contains))
    }

    private func count(_ result: IngestResult, into summary: inout PollSummary) {
        switch result {
        case .ticketCreated: summary.ticketsCreated += 1
        case .commentAdded: summary.commentsAdded += 1
        case .duplicate, .alreadyRecorded: summary.duplicates += 1
        case .quarantined: summary.quarantined += 1
        case .bounce: summary.reports += 1
        }
    }
}

/// An IMAP client made the first time it is asked for (it connects on its first command), on
/// the recording thread.
final class OnDemandClient {
    private let open: () throws -> IMAPClient
    private var opened: IMAPClient?

    init(_ open: @escaping () throws -> IMAPClient) {
        self.open = open
    }

    func client() throws -> IMAPClient {
        if let opened { return opened }
        let made = try open()
        opened = made
        return made
    }
}
