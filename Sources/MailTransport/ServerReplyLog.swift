import CCurl
import Foundation

/// The last few lines a mail server sent on the control connection during one transfer, so a
/// failure can quote the server's own words (`NO [NONEXISTENT] …`, `550 5.1.1 …`) instead of only
/// libcurl's summary. Only what the server sends is kept: what we send carries the password.
final class ServerReplyLog {
    /// Enough for a multi-line SMTP reply or an IMAP untagged line and its tagged answer.
    static let maximumLines = 8
    /// A UID SEARCH answer can be a megabyte on one line; an error needs only its start.
    static let maximumLineLength = 512

    private(set) var lines: [String] = []
    /// Never shown in an error, in case a broken server echoes a command back.
    private var secrets: [String] = []

    func reset() { lines.removeAll(keepingCapacity: true) }

    /// The password, and the base64 forms libcurl sends it in (SASL PLAIN and LOGIN).
    func hide(password: String, username: String?) {
        guard !password.isEmpty else { return }
        secrets = [password, Data(password.utf8).base64EncodedString(),
                   Data("\0\(username ?? "")\0\(password)".utf8).base64EncodedString()]
    }

    /// One more secret to keep out of errors: a bearer token, a client secret, a refresh token.
    func hide(secret: String) {
        if !secret.isEmpty, !secrets.contains(secret) { secrets.append(secret) }
    }

    func record(_ bytes: UnsafeBufferPointer<UInt8>) {
        // One callback may hold several lines; each keeps a bounded prefix.
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var text = String(decoding: line.prefix(Self.maximumLineLength), as: UTF8.self)
            while text.last == "\r" || text.last == " " { text.removeLast() }
            guard !text.isEmpty else { continue }
            if lines.count == Self.maximumLines { lines.removeFirst() }
            lines.append(text)
        }
    }

    /// The server's refusal in this transfer, passwords removed, or nil when it refused nothing.
    var refusal: String? { Self.refusal(in: lines).map(redacted) }

    func redacted(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[password]") }
    }

    /// The last refusal among server lines: an SMTP 4xx/5xx reply, else an IMAP tagged NO/BAD
    /// (without its tag), else an untagged BYE/NO/BAD. Tagged answers win over untagged ones,
    /// because the tagged line is the answer to the command that failed.
    static func refusal(in lines: [String]) -> String? {
        for line in lines.reversed() {
            if isSMTPRefusal(line) { return line }
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            if words.count >= 2, words[0] != "*", words[0] != "+", isIMAPRefusal(words[1]) {
                return withoutTimings(String(line.dropFirst(words[0].count + 1)))
            }
        }
        for line in lines.reversed() {
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            if words.count >= 2, words[0] == "*", isIMAPRefusal(words[1]) || words[1].uppercased() == "BYE" {
                return String(line.dropFirst(2))
            }
        }
        return nil
    }

    /// Dovecot ends tagged replies with its timings, ` (0.002 + 0.000 secs).`: noise that would make
    /// every repeat of one error look like a new one.
    static func withoutTimings(_ line: String) -> String {
        guard line.hasSuffix(" secs).") || line.hasSuffix(" secs)"), let open = line.range(of: " (", options: .backwards) else { return line }
        let inner = line[open.upperBound...].prefix { $0 != "s" }
        guard inner.contains(where: \.isNumber), inner.allSatisfy({ $0.isNumber || $0 == "." || $0 == "+" || $0 == " " }) else { return line }
        return String(line[..<open.lowerBound])
    }

    private static func isIMAPRefusal(_ word: Substring) -> Bool {
        let upper = word.uppercased()
        return upper == "NO" || upper == "BAD"
    }

    /// `550 5.1.1 …`, `452-…`, or a bare `554`.
    private static func isSMTPRefusal(_ line: String) -> Bool {
        let bytes = Array(line.utf8.prefix(4))
        guard bytes.count >= 3, bytes[0] == UInt8(ascii: "4") || bytes[0] == UInt8(ascii: "5"),
              bytes[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return false }
        return bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
    }

    /// Keeps the lines of `CURLINFO_HEADER_IN` (what the server sent) and ignores everything
    /// else, above all `CURLINFO_HEADER_OUT`, which holds our LOGIN/AUTH lines.
    static let debugCallback: ccurl_debug_callback = { _, type, data, size, context in
        guard type == CURLINFO_HEADER_IN, let data, let context, size > 0 else { return 0 }
        let log = Unmanaged<ServerReplyLog>.fromOpaque(context).takeUnretainedValue()
        data.withMemoryRebound(to: UInt8.self, capacity: size) { log.record(UnsafeBufferPointer(start: $0, count: size)) }
        return 0
    }
}
