import Foundation

/// Reads many messages of one folder with one command (`UID FETCH 1:200 (UID BODY.PEEK[])`), over
/// a connection of its own, opened read-only (EXAMINE), so nothing it reads changes a flag.
/// libcurl fetches one message per URL and drops the literals of a FETCH sent as a custom
/// command, so this reader reads the answer itself (`IMAPFetchResponse`).
/// Not Sendable: one thread at a time.
public final class IMAPBulkReader {
    public let endpoint: ServerEndpoint
    /// The folder, as in the URL path (`INBOX`).
    public let folder: String
    /// The folder's UIDVALIDITY as EXAMINE gave it.
    public let uidValidity: UInt32
    private let wire: IMAPWire

    public init(endpoint: ServerEndpoint) throws(TransportError) {
        self.endpoint = endpoint
        folder = endpoint.path.isEmpty ? "INBOX" : endpoint.path
        wire = try IMAPWire(endpoint: endpoint, purpose: "bulk fetch")
        let lines = try wire.run("EXAMINE " + IMAPClient.quoted(folder))
        guard let validity = lines.lazy.compactMap(Self.uidValidity(in:)).first else {
            throw TransportError(kind: .protocolError, message: "IMAP EXAMINE of \(folder) on \(endpoint.baseURL) gave no UIDVALIDITY")
        }
        uidValidity = validity
    }

    /// Brings the session's view of the folder up to date (NOOP): a connection that examined it
    /// before another one's search is told of the messages that arrived in between, so it can
    /// fetch every UID that search found.
    public func refresh() throws(TransportError) {
        _ = try wire.run("NOOP")
    }

    /// `RFC822.SIZE` of each of `uids` the folder still holds.
    public func sizes(of uids: [UInt32]) throws(TransportError) -> [UInt32: Int] {
        var sizes: [UInt32: Int] = [:]
        for response in try fetch(uids, items: "UID RFC822.SIZE") {
            if let uid = response.uid, let size = response.number("RFC822.SIZE") { sizes[uid] = size }
        }
        return sizes
    }

    /// The whole messages with these UIDs as the server stores them, by UID; a UID the folder
    /// no longer holds is absent. The caller keeps the set small enough to hold in memory.
    public func messages(_ uids: [UInt32]) throws(TransportError) -> [UInt32: [UInt8]] {
        var messages: [UInt32: [UInt8]] = [:]
        for response in try fetch(uids, items: "UID BODY.PEEK[]") {
            if let uid = response.uid, let body = response.literal("BODY[]") { messages[uid] = body }
        }
        return messages
    }

    /// At most the first `limit` bytes of a message's header section, nil when the folder no
    /// longer holds it: enough to answer the sender of a message too large to download.
    public func header(of uid: UInt32, limit: Int = 1 << 20) throws(TransportError) -> [UInt8]? {
        try fetch([uid], items: "UID BODY.PEEK[HEADER]<0.\(limit)>").first { $0.uid == uid }?.literal("BODY[HEADER]<0>")
    }

    private func fetch(_ uids: [UInt32], items: String) throws(TransportError) -> [IMAPFetchResponse] {
        guard !uids.isEmpty else { return [] }
        let command = "UID FETCH \(Self.sequenceSet(uids)) (\(items))"
        let tag = wire.nextTag()
        try wire.send("\(tag) \(command)\r\n")
        var responses: [IMAPFetchResponse] = []
        while true {
            let line = try wire.requireLine(doing: command)
            if line.hasPrefix(tag + " ") {
                guard line.dropFirst(tag.count + 1).uppercased().hasPrefix("OK") else { throw wire.refusal(line, doing: command) }
                return responses
            }
            try wire.checkBye(line)
            // Whatever the line is, its literals must be read, or the next line starts inside one.
            var segments = [line]
            var literals: [[UInt8]] = []
            while let count = IMAPFetchResponse.literalCount(endingLine: segments[segments.count - 1]) {
                literals.append(try wire.readBytes(count, doing: command))
                segments.append(try wire.requireLine(doing: command))
            }
            if let response = IMAPFetchResponse(segments: segments, literals: literals) { responses.append(response) }
        }
    }

    /// `1:5,7,9:12` for UIDs in any order.
    static func sequenceSet(_ uids: [UInt32]) -> String {
        let sorted = Array(Set(uids)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index]):\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// The number in `* OK [UIDVALIDITY 3857529045] UIDs valid`.
    static func uidValidity(in line: String) -> UInt32? {
        guard let range = line.range(of: "[UIDVALIDITY ", options: .caseInsensitive) else { return nil }
        return UInt32(line[range.upperBound...].prefix { $0.isNumber })
    }
}
