import CCurl
public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One IMAP connection that waits in IDLE (RFC 2177) for news in a folder, so new mail is read
/// the moment it arrives instead of at the next poll. It only watches: fetching, recording and
/// flagging stay with `IMAPClient` and the poller, so crash safety is theirs as before.
/// libcurl has no IDLE: the handle connects and logs in (CONNECT_ONLY), and the commands go over
/// curl_easy_send/recv. Not Sendable: one thread at a time.
public final class IMAPIdleConnection {
    /// Why `wait` returned.
    public enum Wake: Sendable, Equatable {
        /// The folder changed (EXISTS): there may be new mail.
        case newMail
        /// The deadline passed with no news.
        case timedOut
        /// `shouldStop` said so.
        case stopped
    }

    public let endpoint: ServerEndpoint
    /// Whether the server offers IDLE; when it does not, `wait` must not be called.
    public private(set) var supportsIdle = false
    private let curl: CurlEasy
    private let socket: Int32
    private var pending: [UInt8] = []
    private var tagNumber = 0

    /// Connects, logs in and opens the folder read-only (EXAMINE). Throws like any IMAP transfer.
    public init(endpoint: ServerEndpoint) throws(TransportError) {
        self.endpoint = endpoint
        curl = try CurlEasy()
        try curl.configure(for: endpoint)
        try curl.set(CURLOPT_URL, "\(endpoint.baseURL)/")
        try curl.set(CURLOPT_CONNECT_ONLY, 1)
        try curl.perform("IMAP login for IDLE on \(endpoint.baseURL)")
        guard let socket = curl.activeSocket else {
            throw TransportError(kind: .connection, message: "IMAP IDLE on \(endpoint.baseURL): libcurl kept no connection open")
        }
        self.socket = socket
        let capabilities = try run("CAPABILITY")
        supportsIdle = capabilities.contains { line in
            line.uppercased().hasPrefix("* CAPABILITY") && line.uppercased().split(separator: " ").contains("IDLE")
        }
        if supportsIdle {
            let folder = endpoint.path.isEmpty ? "INBOX" : endpoint.path
            _ = try run("EXAMINE " + IMAPClient.quoted(folder))
        }
    }

    /// Waits in IDLE until the folder changes, `deadline` passes, or `shouldStop()` (asked about
    /// every `checkEvery` seconds) is true; then ends the IDLE (DONE) so the connection can wait
    /// again. A server may end IDLE itself after 30 minutes, so deadlines stay well under that.
    /// With a `beacon` (a descriptor that turns readable when `shouldStop` may have changed), the
    /// wait sleeps in poll() until news, the beacon or the deadline: no wake-ups while idle.
    public func wait(
        until deadline: Date, checkEvery: Double = 1, beacon: () -> Int32? = { nil }, shouldStop: () -> Bool
    ) throws(TransportError) -> Wake {
        let tag = nextTag()
        try send("\(tag) IDLE\r\n")
        while true {
            guard let line = try readLine(until: Date().addingTimeInterval(30)) else {
                throw TransportError(kind: .timeout, message: "IMAP IDLE on \(endpoint.baseURL): no answer to IDLE within 30 s")
            }
            if line.hasPrefix("+") { break }
            if line.hasPrefix(tag + " ") { throw refusal(line, doing: "IDLE") }
            try checkBye(line)
        }
        var wake = Wake.timedOut
        while wake == .timedOut {
            // The beacon before the look: a change announced in between shows in one or the other.
            let descriptor = beacon()
            if shouldStop() {
                wake = .stopped
                break
            }
            let now = Date()
            if now >= deadline { break }
            let until = descriptor == nil ? min(deadline, now.addingTimeInterval(checkEvery)) : deadline
            // Up to the next look at `shouldStop`, or the first news: then at once, not at `until`.
            while wake == .timedOut, let line = try readLine(until: until, orWhenReadable: descriptor) {
                try checkBye(line)
                if Self.isNews(line) { wake = .newMail }
            }
        }
        try send("DONE\r\n")
        // Until the IDLE's own tagged answer; news in between still counts.
        while true {
            guard let line = try readLine(until: Date().addingTimeInterval(30)) else {
                throw TransportError(kind: .timeout, message: "IMAP IDLE on \(endpoint.baseURL): no answer to DONE within 30 s")
            }
            if line.hasPrefix(tag + " ") {
                guard line.dropFirst(tag.count + 1).uppercased().hasPrefix("OK") else { throw refusal(line, doing: "IDLE") }
                break
            }
            try checkBye(line)
            if Self.isNews(line), wake == .timedOut { wake = .newMail }
        }
        return wake
    }

    /// `* N EXISTS`: the folder has a new message count (RFC 3501 7.3.1).
    public static func isNews(_ line: String) -> Bool {
        let parts = line.split(separator: " ")
        return parts.count >= 3 && parts[0] == "*" && Int(parts[1]) != nil && parts[2].uppercased() == "EXISTS"
    }

    // MARK: The conversation

    /// Sends one tagged command and reads to its tagged answer; the untagged lines before it.
    private func run(_ command: String) throws(TransportError) -> [String] {
        let tag = nextTag()
        try send("\(tag) \(command)\r\n")
        var lines: [String] = []
        while true {
            guard let line = try readLine(until: Date().addingTimeInterval(Double(endpoint.transferTimeout))) else {
                throw TransportError(kind: .timeout, message: "IMAP \(command.split(separator: " ").first ?? "") on \(endpoint.baseURL): no answer within \(endpoint.transferTimeout) s")
            }
            if line.hasPrefix(tag + " ") {
                guard line.dropFirst(tag.count + 1).uppercased().hasPrefix("OK") else { throw refusal(line, doing: command) }
                return lines
            }
            try checkBye(line)
            lines.append(line)
        }
    }

    private func nextTag() -> String {
        tagNumber += 1
        return "i\(tagNumber)"
    }

    private func refusal(_ line: String, doing what: String) -> TransportError {
        let reply = String(line.split(separator: " ", maxSplits: 1).last ?? "")
        return TransportError(
            kind: .rejected, message: "IMAP \(what.split(separator: " ").first ?? "") on \(endpoint.baseURL) failed: \(reply)", serverReply: reply)
    }

    private func checkBye(_ line: String) throws(TransportError) {
        guard line.uppercased().hasPrefix("* BYE") else { return }
        throw TransportError(kind: .connection, message: "IMAP server \(endpoint.baseURL) closed the IDLE connection: \(line.dropFirst(2))", serverReply: String(line.dropFirst(2)))
    }

    private func send(_ text: String) throws(TransportError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = try curl.send(bytes[offset...])
            if sent == 0 {
                guard wait(for: Int16(POLLOUT), until: Date().addingTimeInterval(30)) == .socket else {
                    throw TransportError(kind: .timeout, message: "IMAP IDLE on \(endpoint.baseURL): could not send within 30 s")
                }
            }
            offset += sent
        }
    }

    /// The next line without its CRLF, or nil when none came before `deadline` (or before `beacon`
    /// turned readable).
    private func readLine(until deadline: Date, orWhenReadable beacon: Int32? = nil) throws(TransportError) -> String? {
        while true {
            if let end = pending.firstIndex(of: 0x0A) {
                var line = pending[..<end]
                if line.last == 0x0D { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                pending.removeSubrange(...end)
                return text
            }
            // A line without an end this long is not IMAP the way a server talks during IDLE.
            guard pending.count < 1 << 20 else {
                throw TransportError(kind: .protocolError, message: "IMAP IDLE on \(endpoint.baseURL): a server line longer than 1 MB")
            }
            if let bytes = try curl.receive(upTo: 16_384) {
                guard !bytes.isEmpty else {
                    throw TransportError(kind: .connection, message: "IMAP server \(endpoint.baseURL) closed the IDLE connection")
                }
                pending += bytes
                continue
            }
            guard wait(for: Int16(POLLIN), until: deadline, beacon: beacon) == .socket else { return nil }
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
