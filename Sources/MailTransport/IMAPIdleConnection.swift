public import Foundation

/// One IMAP connection that waits in IDLE (RFC 2177) for news in a folder, so new mail is read
/// the moment it arrives instead of at the next poll. It only watches: fetching, recording and
/// flagging stay with `IMAPClient` and the poller, so crash safety is theirs as before.
/// libcurl has no IDLE, so it talks over an `IMAPWire`. Not Sendable: one thread at a time.
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
    private let wire: IMAPWire

    /// Connects, logs in and opens the folder read-only (EXAMINE). Throws like any IMAP transfer.
    public init(endpoint: ServerEndpoint) throws(TransportError) {
        self.endpoint = endpoint
        wire = try IMAPWire(endpoint: endpoint, purpose: "IDLE")
        let capabilities = try wire.run("CAPABILITY")
        supportsIdle = capabilities.contains { line in
            line.uppercased().hasPrefix("* CAPABILITY") && line.uppercased().split(separator: " ").contains("IDLE")
        }
        if supportsIdle {
            let folder = endpoint.path.isEmpty ? "INBOX" : endpoint.path
            _ = try wire.run("EXAMINE " + IMAPClient.quoted(folder))
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
        let tag = wire.nextTag()
        try wire.send("\(tag) IDLE\r\n")
        while true {
            guard let line = try wire.readLine(until: Date().addingTimeInterval(30)) else {
                throw TransportError(kind: .timeout, message: "IMAP IDLE on \(endpoint.baseURL): no answer to IDLE within 30 s")
            }
            if line.hasPrefix("+") { break }
            if line.hasPrefix(tag + " ") { throw wire.refusal(line, doing: "IDLE") }
            try wire.checkBye(line)
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
            while wake == .timedOut, let line = try wire.readLine(until: until, orWhenReadable: descriptor) {
                try wire.checkBye(line)
                if Self.isNews(line) { wake = .newMail }
            }
        }
        try wire.send("DONE\r\n")
        // Until the IDLE's own tagged answer; news in between still counts.
        while true {
            guard let line = try wire.readLine(until: Date().addingTimeInterval(30)) else {
                throw TransportError(kind: .timeout, message: "IMAP IDLE on \(endpoint.baseURL): no answer to DONE within 30 s")
            }
            if line.hasPrefix(tag + " ") {
                guard line.dropFirst(tag.count + 1).uppercased().hasPrefix("OK") else { throw wire.refusal(line, doing: "IDLE") }
                break
            }
            try wire.checkBye(line)
            if Self.isNews(line), wake == .timedOut { wake = .newMail }
        }
        return wake
    }

    /// `* N EXISTS`: the folder has a new message count (RFC 3501 7.3.1).
    public static func isNews(_ line: String) -> Bool {
        let parts = line.split(separator: " ")
        return parts.count >= 3 && parts[0] == "*" && Int(parts[1]) != nil && parts[2].uppercased() == "EXISTS"
    }
}
