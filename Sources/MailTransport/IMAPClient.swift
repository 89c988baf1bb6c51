import CCurl
import Foundation

/// An IMAP client for one folder on libcurl; one connection is kept and reused across calls.
/// Not Sendable: use it from one thread at a time.
public final class IMAPClient {
    public let endpoint: ServerEndpoint
    /// The folder, as in the URL path (`INBOX`).
    public let folder: String
    /// Messages larger than this are not downloaded (the fetch fails with `.rejected`).
    public var maximumMessageSize: Int
    private let curl: CurlEasy

    /// A UID SEARCH answer is one line; libcurl cuts lines longer than half its buffer, so we ask
    /// for UID windows this wide and give libcurl a large buffer.
    static let searchWindow: UInt32 = 20_000
    static let bufferSize = 1 << 20

    public init(endpoint: ServerEndpoint, maximumMessageSize: Int = 64 << 20) throws(TransportError) {
        self.endpoint = endpoint
        folder = endpoint.path.isEmpty ? "INBOX" : endpoint.path
        self.maximumMessageSize = maximumMessageSize
        curl = try CurlEasy()
        try curl.configure(for: endpoint)
        try curl.set(CURLOPT_BUFFERSIZE, Self.bufferSize)
        try curl.setWriteFunction(ByteSink.writeCallback)
    }

    /// UIDVALIDITY, UIDNEXT and the message count of the folder.
    public func status() throws(TransportError) -> MailboxStatus {
        let answer = try command("STATUS \(Self.quoted(folder)) (UIDVALIDITY UIDNEXT MESSAGES)", selectingFolder: false)
        guard let status = MailboxStatus.parse(answer) else {
            throw TransportError(kind: .protocolError, message: "IMAP STATUS for \(folder) gave no UIDVALIDITY/UIDNEXT: \(answer.prefix(200))")
        }
        return status
    }

    /// UIDs in the folder strictly above `uid` and below `uidNext`, ascending.
    public func uids(after uid: UInt32, below uidNext: UInt32) throws(TransportError) -> [UInt32] {
        var found: [UInt32] = []
        // UInt64, so windows near the top of the UID space cannot wrap around.
        var low = UInt64(uid) + 1
        while low < UInt64(uidNext) {
            let high = min(UInt64(uidNext) - 1, low + UInt64(Self.searchWindow) - 1)
            let answer = try command("UID SEARCH UID \(low):\(high)", selectingFolder: true)
            // `n:m` may also match the highest UID when the range is empty; keep only the window.
            found += Self.searchResults(answer).filter { UInt64($0) >= low && UInt64($0) <= high }
            low = high + 1
        }
        return found.sorted()
    }

    /// UIDs matching a raw IMAP search key, e.g. `UID 1:40 UNKEYWORD $Helpdesk-Processed`.
    public func search(_ criteria: String) throws(TransportError) -> [UInt32] {
        Self.searchResults(try command("UID SEARCH \(criteria)", selectingFolder: true)).sorted()
    }

    /// The whole message with this UID, as the server stores it. Sets `\Seen` (libcurl fetches BODY[]).
    public func fetch(uid: UInt32, uidValidity: UInt32? = nil) throws(TransportError) -> [UInt8] {
        try fetch(uid: uid, uidValidity: uidValidity, section: nil, limit: maximumMessageSize)
    }

    /// Only the header section of a message (`BODY[HEADER]`): enough to answer the sender of a
    /// message too large to download. At most `limit` bytes.
    public func fetchHeader(uid: UInt32, uidValidity: UInt32? = nil, limit: Int = 1 << 20) throws(TransportError) -> [UInt8] {
        try fetch(uid: uid, uidValidity: uidValidity, section: "HEADER", limit: limit)
    }

    private func fetch(uid: UInt32, uidValidity: UInt32?, section: String?, limit: Int) throws(TransportError) -> [UInt8] {
        try curl.set(CURLOPT_CUSTOMREQUEST, nil)  // sticks to the handle from the last command
        var url = "\(endpoint.baseURL)/\(Self.urlPath(folder))"
        if let uidValidity { url += ";UIDVALIDITY=\(uidValidity)" }
        url += "/;UID=\(uid)"
        if let section { url += "/;SECTION=\(section)" }
        try curl.set(CURLOPT_URL, url)
        let sink = ByteSink(limit: limit)
        try curl.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
        defer { _ = try? curl.set(CURLOPT_WRITEDATA, pointer: nil) }
        do {
            try curl.perform("IMAP fetch of UID \(uid) in \(folder)")
        } catch where error.curlCode == Int(CURLE_WRITE_ERROR.rawValue) {
            throw TransportError(kind: .rejected, curlCode: error.curlCode, message: "message UID \(uid) in \(folder) is larger than \(limit) bytes")
        }
        return sink.bytes
    }

    /// The size in bytes the server gives for a message (`RFC822.SIZE`), or nil if it gives none.
    public func size(uid: UInt32) throws(TransportError) -> Int? {
        let answer = try command("UID FETCH \(uid) (RFC822.SIZE)", selectingFolder: true)
        guard let range = answer.range(of: "RFC822.SIZE ") else { return nil }
        return Int(answer[range.upperBound...].prefix { $0.isNumber })
    }

    /// Adds flags or keywords (`\Seen`, `$Helpdesk-Processed`) to messages, without fetching them.
    public func addFlags(_ flags: [String], to uids: [UInt32]) throws(TransportError) {
        try store("+FLAGS.SILENT", flags, uids)
    }

    /// Removes flags or keywords from messages.
    public func removeFlags(_ flags: [String], from uids: [UInt32]) throws(TransportError) {
        try store("-FLAGS.SILENT", flags, uids)
    }

    private func store(_ action: String, _ flags: [String], _ uids: [UInt32]) throws(TransportError) {
        guard !uids.isEmpty, !flags.isEmpty else { return }
        // Chunks keep each command line short whatever the number of messages.
        for chunk in stride(from: 0, to: uids.count, by: 500) {
            let set = uids[chunk..<min(chunk + 500, uids.count)].map(String.init).joined(separator: ",")
            _ = try command("UID STORE \(set) \(action) (\(flags.joined(separator: " ")))", selectingFolder: true)
        }
    }

    /// Creates `folder` unless it exists (a server's ALREADYEXISTS refusal counts as done).
    public func createFolder(_ folder: String) throws(TransportError) {
        do {
            _ = try command("CREATE \(Self.quoted(folder))", selectingFolder: false)
        } catch where error.serverReply?.uppercased().contains("ALREADYEXISTS") == true || error.serverReply?.lowercased().contains("already exists") == true {
            return
        }
    }

    /// Moves messages to another folder (RFC 6851 UID MOVE), in chunks.
    public func move(_ uids: [UInt32], to folder: String) throws(TransportError) {
        for chunk in stride(from: 0, to: uids.count, by: 500) {
            let set = uids[chunk..<min(chunk + 500, uids.count)].map(String.init).joined(separator: ",")
            _ = try command("UID MOVE \(set) \(Self.quoted(folder))", selectingFolder: true)
        }
    }

    /// Deletes messages for good: \Deleted, then UID EXPUNGE of just these (RFC 4315), so other
    /// messages someone marked \Deleted stay.
    public func delete(_ uids: [UInt32]) throws(TransportError) {
        try addFlags(["\\Deleted"], to: uids)
        for chunk in stride(from: 0, to: uids.count, by: 500) {
            let set = uids[chunk..<min(chunk + 500, uids.count)].map(String.init).joined(separator: ",")
            _ = try command("UID EXPUNGE \(set)", selectingFolder: true)
        }
    }

    /// Runs a custom command and returns the server's untagged lines.
    private func command(_ text: String, selectingFolder: Bool) throws(TransportError) -> String {
        // libcurl URL-decodes custom requests: a literal % must be sent as %25.
        try curl.set(CURLOPT_CUSTOMREQUEST, text.replacingOccurrences(of: "%", with: "%25"))
        try curl.set(CURLOPT_URL, selectingFolder ? "\(endpoint.baseURL)/\(Self.urlPath(folder))" : "\(endpoint.baseURL)/")
        let sink = ByteSink()
        try curl.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
        defer { _ = try? curl.set(CURLOPT_WRITEDATA, pointer: nil) }
        try curl.perform("IMAP \(text.split(separator: " ").prefix(2).joined(separator: " ")) on \(endpoint.baseURL)")
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    static func searchResults(_ answer: String) -> [UInt32] {
        answer.split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("* SEARCH") }
            .flatMap { $0.dropFirst("* SEARCH".count).split(separator: " ").compactMap { UInt32($0) } }
    }

    static func quoted(_ folder: String) -> String {
        "\"" + folder.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Percent-encodes a folder name for the URL path (libcurl decodes it again).
    static func urlPath(_ folder: String) -> String {
        var out = ""
        for byte in folder.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "/"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
