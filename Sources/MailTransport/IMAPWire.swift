import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One logged-in IMAP connection spoken to directly: libcurl connects, starts TLS and logs in
/// (CONNECT_ONLY, so OAuth2 and every login method work as for `IMAPClient`), then commands and
/// answers go over curl_easy_send/recv. Used where libcurl's own IMAP has no command (IDLE) or
/// drops what a command returns (a FETCH of many messages, whose literals it does not pass on).
/// Not Sendable: one thread at a time.
final class IMAPWire {
    let endpoint: ServerEndpoint
    /// What the connection is for, in messages: "IDLE", "bulk fetch".
    let purpose: String
    private let curl: CurlEasy
    private let socket: Int32
    /// Bytes received and not yet read; `readOffset` is where the unread part starts, so taking
    /// a line or a literal does not move the rest.
    private var buffer: [UInt8] = []
    private var readOffset = 0
    private var tagNumber = 0
    /// Bytes asked of libcurl per receive: large, so a bulk fetch needs few calls.
    private static let receiveSize = 256 * 1024

    init(endpoint: ServerEndpoint, purpose: String) throws(TransportError) {
        self.endpoint = endpoint
        self.purpose = purpose
        curl = try CurlEasy()
        try curl.configure(for: endpoint)
        try curl.set(CURLOPT_URL, "\(endpoint.baseURL)/")
        try curl.set(CURLOPT_CONNECT_ONLY, 1)
        try curl.perform("IMAP login for \(purpose) on \(endpoint.baseURL)")
        guard let socket = curl.activeSocket else {
            throw TransportError(kind: .connection, message: "IMAP \(purpose) on \(endpoint.baseURL): libcurl kept no connection open")
        }
        self.socket = socket
    }

    /// The timeout for one answer: the endpoint's transfer timeout.
    var answerTimeout: Double { Double(endpoint.transferTimeout) }

    /// Sends one tagged command and reads to its tagged answer; the untagged lines before it.
    func run(_ command: String) throws(TransportError) -> [String] {
        let tag = nextTag()
        try send("\(tag) \(command)\r\n")
        var lines: [String] = []
        while true {
            let line = try requireLine(doing: command)
            if line.hasPrefix(tag + " ") {
                guard line.dropFirst(tag.count + 1).uppercased().hasPrefix("OK") else { throw refusal(line, doing: command) }
                return lines
            }
            try checkBye(line)
            lines.append(line)
        }
    }

    func nextTag() -> String {
        tagNumber += 1
        return "i\(tagNumber)"
    }

    /// The next line, or a timeout error naming `command`.
    func requireLine(doing command: String) throws(TransportError) -> String {
        guard let line = try readLine(until: Date().addingTimeInterval(answerTimeout)) else {
            throw TransportError(kind: .timeout, message: "IMAP \(Self.verb(command)) on \(endpoint.baseURL): no answer within \(Int(answerTimeout)) s")
        }
        return line
    }

    func refusal(_ line: String, doing what: String) -> TransportError {
        let reply = String(line.split(separator: " ", maxSplits: 1).last ?? "")
        return TransportError(kind: .rejected, message: "IMAP \(Self.verb(what)) on \(endpoint.baseURL) failed: \(reply)", serverReply: reply)
    }

    func checkBye(_ line: String) throws(TransportError) {
        guard line.uppercased().hasPrefix("* BYE") else { return }
        throw TransportError(
            kind: .connection, message: "IMAP server \(endpoint.baseURL) closed the \(purpose) connection: \(line.dropFirst(2))",
            serverReply: String(line.dropFirst(2)))
    }

    /// The command's first word, or its first two for UID commands: what a message names.
    static func verb(_ command: String) -> String {
        let words = command.split(separator: " ")
        return words.first?.uppercased() == "UID" ? words.prefix(2).joined(separator: " ") : String(words.first ?? "")
    }

    func send(_ text: String) throws(TransportError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = try curl.send(bytes[offset...])
            if sent == 0 {
                guard wait(for: Int16(POLLOUT), until: Date().addingTimeInterval(answerTimeout)) == .socket else {
                    throw TransportError(kind: .timeout, message: "IMAP \(purpose) on \(endpoint.baseURL): could not send within \(Int(answerTimeout)) s")
                }
            }
            offset += sent
        }
    }

    /// The next line without its CRLF, or nil when none came before `deadline` (or before `beacon`
    /// turned readable).
    func readLine(until deadline: Date, orWhenReadable beacon: Int32? = nil) throws(TransportError) -> String? {
        // Bytes after `readOffset` already searched: relative, as `fill` may move the buffer.
        var scanned = 0
        while true {
            if let end = buffer[(readOffset + scanned)...].firstIndex(of: 0x0A) {
                var lineEnd = end
                if lineEnd > readOffset, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let text = String(decoding: buffer[readOffset..<lineEnd], as: UTF8.self)
                readOffset = end + 1
                return text
            }
            scanned = buffer.count - readOffset
            // No server line (literals aside) is this long.
            guard scanned < 1 << 20 else {
                throw TransportError(kind: .protocolError, message: "IMAP \(purpose) on \(endpoint.baseURL): a server line longer than 1 MB")
            }
            guard try fill(until: deadline, orWhenReadable: beacon) else { return nil }
        }
    }

    /// Exactly `count` bytes (an IMAP literal), or a timeout error.
    func readBytes(_ count: Int, doing command: String) throws(TransportError) -> [UInt8] {
        let deadline = Date().addingTimeInterval(answerTimeout)
        while buffer.count - readOffset < count {
            guard try fill(until: deadline, orWhenReadable: nil, reserving: count) else {
                throw TransportError(kind: .timeout, message: "IMAP \(Self.verb(command)) on \(endpoint.baseURL): a literal of \(count) bytes did not arrive within \(Int(answerTimeout)) s")
            }
        }
        let bytes = Array(buffer[readOffset..<readOffset + count])
        readOffset += count
        return bytes
    }

    /// Receives more bytes; false when none came before `deadline` or the beacon turned readable.
    private func fill(until deadline: Date, orWhenReadable beacon: Int32?, reserving: Int = 0) throws(TransportError) -> Bool {
        if readOffset > 0, readOffset >= buffer.count / 2 {
            buffer.removeSubrange(..<readOffset)
            readOffset = 0
        }
        // Grown by doubling: reserving just enough would copy the buffer on nearly every receive
        // near the end of a large literal.
        let needed = max(buffer.count + Self.receiveSize, readOffset + reserving)
        if needed > buffer.capacity { buffer.reserveCapacity(max(needed, buffer.capacity * 2)) }
        while true {
            if let received = try curl.receive(appendingTo: &buffer, upTo: Self.receiveSize) {
                guard received > 0 else {
                    throw TransportError(kind: .connection, message: "IMAP server \(endpoint.baseURL) closed the \(purpose) connection")
                }
                return true
            }
            guard wait(for: Int16(POLLIN), until: deadline, beacon: beacon) == .socket else { return false }
        }
    }

    private enum Readiness { case socket, beacon, timeout }

    /// Waits until the socket is ready for `events`, `beacon` is readable, or `deadline` passes.
    private func wait(for events: Int16, until deadline: Date, beacon: Int32? = nil) -> Readiness {
        var descriptors = [pollfd(fd: socket, events: events, revents: 0)]
        if let beacon { descriptors.append(pollfd(fd: beacon, events: Int16(POLLIN), revents: 0)) }
        while true {
            let milliseconds = Int32(max(0, min(deadline.timeIntervalSinceNow * 1000, 60_000)).rounded(.up))
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready > 0 { return descriptors[0].revents != 0 ? .socket : .beacon }
            if ready < 0 && errno == EINTR { continue }
            if Date() >= deadline { return .timeout }
            if ready < 0 { return .socket }  // let the read report the error
        }
    }
}
