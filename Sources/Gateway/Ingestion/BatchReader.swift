import Foundation
import HelpdeskStore
import MailTransport

/// One message as the reading thread hands it over.
struct ReadMessage: Sendable {
    enum Content: Sendable {
        /// Read and prepared: the recording is left.
        case prepared(PreparedMessage)
        /// The server returned nothing for the UID: expunged, or refusing it (the poller asks which).
        case vanished
        /// Reading or preparing it failed: the poll stops here.
        case failed(any Error)
    }

    let uid: UInt32
    let content: Content
}

/// A batch as the reading thread hands it over: its messages, and the flush of their files,
/// which must end before what names those files is committed.
struct ReadBatch: Sendable {
    let messages: [ReadMessage]
    let flush: PendingFlush?
}

/// What one transaction (a batch, or several read ones) recorded, and where it stopped.
struct BatchOutcome {
    /// The recorded messages' UIDs, each with whether it was kept aside (flagged so). Their
    /// tickets and comments are not kept: a transaction of several batches would hold them all.
    var recorded: [(uid: UInt32, quarantined: Bool)] = []
    /// What they were, counted; added to the poll's summary once committed.
    var tally = PollSummary(mailbox: "")
    var vanished: [UInt32] = []
    /// The folder's UIDVALIDITY changed under the poll: it stopped, and the next one rescans.
    var renumbered = false
    var failure: (any Error)?
    /// A group's results, logged once the group is final; `add` leaves them out, so the
    /// transaction never holds more than one group's.
    var results: [(IngestResult, PreparedMessage)] = []

    /// Adds a later group's part of the transaction (its results already logged).
    mutating func add(_ part: BatchOutcome) {
        recorded += part.recorded
        tally.addCounts(of: part.tally)
        vanished += part.vanished
        renumbered = renumbered || part.renumbered
        failure = failure ?? part.failure
    }
}

/// Reads a poll's messages in batches: sizes first, then every message under the size limit with
/// one FETCH per `batchBytes`, then prepares each (parse, files), flushes the files to disk and
/// hands the batch over.
/// A message over the limit is read as its header alone. Runs on its own thread.
struct BatchReader: @unchecked Sendable {
    // @unchecked: the IMAP reader is used by the reading thread alone once `run` starts.
    let reader: IMAPBulkReader
    let pipeline: IngestionPipeline
    let uidValidity: UInt32
    let batchSize: Int
    let batchBytes: Int
    let shutdown: ShutdownSignal?
    /// Where its time goes (busy, waiting for room).
    var stages: PollStages? = nil

    func run(_ uids: [UInt32], into batches: HandOff<ReadBatch>) {
        let flushes = DispatchQueue(label: "mailgate.batch-flush")
        let started = ContinuousClock.now
        let startCPU = PollStages.threadCPU()
        defer {
            batches.close()
            if let stages {
                stages.readBusy = PollStages.since(started) - stages.readWait
                stages.readCPU = PollStages.threadCPU() - startCPU
            }
            // No flush outlives the poll.
            flushes.sync {}
        }
        let data = pipeline.data
        for window in Self.windows(of: uids, upTo: batchSize) {
            if shutdown?.isRequested == true { return }
            let batch = read(window)
            // The files the batch's records will name must be on disk before the records are.
            // The flush (syncfs: mostly waiting for the disk) runs beside both threads while this
            // one reads on; the recording thread waits for it before it commits the batch.
            let flush = batch.contains(where: { if case .prepared = $0.content { true } else { false } })
                ? PendingFlush(on: flushes) { try data.syncFileSystem() } : nil
            let handing = ContinuousClock.now
            let handed = batches.put(ReadBatch(messages: batch, flush: flush))
            stages?.readWait += PollStages.since(handing)
            guard handed else { return }
            // After a failure, the poll stops at it: reading on would be wasted.
            if batch.contains(where: { if case .failed = $0.content { true } else { false } }) { return }
        }
    }

    /// The batches to read, in order. A backlog longer than `size` starts small (8, 16, 32, …)
    /// so the recording thread starts within milliseconds instead of idling while a whole first
    /// batch is read, then goes on `size` at a time (fewer commits and flushes). A shorter one is
    /// one batch: one commit and one flush.
    static func windows(of uids: [UInt32], upTo size: Int) -> [[UInt32]] {
        if uids.count <= size { return uids.isEmpty ? [] : [uids] }
        var windows: [[UInt32]] = []
        var start = 0
        var next = min(8, max(1, size))
        while start < uids.count {
            let end = min(start + next, uids.count)
            windows.append(Array(uids[start..<end]))
            start = end
            next = min(next * 2, max(1, size))
        }
        return windows
    }

    private func read(_ window: [UInt32]) -> [ReadMessage] {
        let limit = pipeline.mailbox.maximumMessageSize
        let sizes: [UInt32: Int]
        do {
            sizes = try reader.sizes(of: window)
        } catch {
            // The window could not be read: its first message carries the error.
            return [ReadMessage(uid: window[0], content: .failed(error))]
        }
        // Each group is fetched when its first message comes up and dropped once prepared, so
        // raw bytes in memory stay within one group (`batchBytes`, or one larger message).
        let groups = Self.groups(window.filter { (sizes[$0] ?? .max) <= limit }, sizes: sizes, bytes: batchBytes)
        var groupOf: [UInt32: Int] = [:]
        for (index, group) in groups.enumerated() { for uid in group { groupOf[uid] = index } }
        var fetchedGroup = -1
        var fetched: [UInt32: [UInt8]] = [:]
        var batch: [ReadMessage] = []
        batch.reserveCapacity(window.count)
        // The window's raw messages go to one file: creating a file each was most of what
        // reading a backlog cost. Closed before the batch's flush starts.
        let pack = pipeline.data.packs.writer(at: pipeline.now())
        defer { pack.close() }
        for uid in window {
            do {
                if let group = groupOf[uid], group != fetchedGroup {
                    fetched = [:]
                    fetched = try reader.messages(groups[group])
                    fetchedGroup = group
                }
                if let raw = fetched.removeValue(forKey: uid) {
                    let prepared = try pipeline.prepare(raw: raw, uidValidity: uidValidity, uid: uid, pack: pack)
                    batch.append(ReadMessage(uid: uid, content: .prepared(prepared)))
                } else if let size = sizes[uid], size > limit {
                    // Not downloaded: the header is enough to record it and tell the sender. It is
                    // fetched in part (at most 1 MB), so only a broken connection makes it fail,
                    // and then the poll stops rather than read on from a half-read answer.
                    let header = try reader.header(of: uid) ?? []
                    let prepared = try pipeline.prepareUnfetched(header: header, size: size, uidValidity: uidValidity, uid: uid)
                    batch.append(ReadMessage(uid: uid, content: .prepared(prepared)))
                } else {
                    batch.append(ReadMessage(uid: uid, content: .vanished))
                }
            } catch {
                batch.append(ReadMessage(uid: uid, content: .failed(error)))
                break
            }
        }
        return batch
    }

    /// `uids` in order, cut into runs of at most `bytes` (a larger message alone).
    static func groups(_ uids: [UInt32], sizes: [UInt32: Int], bytes: Int) -> [[UInt32]] {
        var groups: [[UInt32]] = []
        var current: [UInt32] = []
        var total = 0
        for uid in uids {
            let size = sizes[uid] ?? 0
            if !current.isEmpty, total + size > bytes {
                groups.append(current)
                current = []
                total = 0
            }
            current.append(uid)
            total += size
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}
