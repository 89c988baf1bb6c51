/// A failed IMAP or SMTP exchange, with what an operator needs to act on it.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this was; decides whether retrying can help.
    public enum Kind: Sendable, Equatable {
        case connection
        case authentication
        case timeout
        case tls
        /// The server refused the command or the message (`responseCode` has the code where known).
        case rejected
        /// The mailbox's UIDVALIDITY changed, or the message no longer exists.
        case notFound
        case protocolError
        case setup
        /// The message cannot be expressed for this server, whatever it is sent with later: an
        /// address with a non-ASCII local part to a server without SMTPUTF8, or a domain IDNA refuses.
        case unsupported
    }

    public var kind: Kind
    /// libcurl's result code (`CURLE_…`), or 0 when the error did not come from libcurl.
    public var curlCode: Int
    /// The last protocol response code where one was seen (an SMTP reply code such as 550).
    public var responseCode: Int
    public var message: String
    /// The server's own refusal line (`NO [NONEXISTENT] …`, `550 5.1.1 …`; IMAP tag removed,
    /// password never included), when the server gave one; `message` quotes it too.
    public var serverReply: String?

    public init(kind: Kind, curlCode: Int = 0, responseCode: Int = 0, message: String, serverReply: String? = nil) {
        self.kind = kind
        self.curlCode = curlCode
        self.responseCode = responseCode
        self.message = message
        self.serverReply = serverReply
    }

    /// Whether the same request may succeed later (network trouble, a 4xx reply).
    public var isTransient: Bool {
        switch kind {
        case .connection, .timeout, .tls: return true
        case .rejected: return !(500..<600).contains(responseCode)
        case .authentication, .notFound, .protocolError, .setup, .unsupported: return false
        }
    }

    public var description: String {
        // The quoted server line carries its code already.
        guard serverReply == nil, responseCode != 0 else { return message }
        return message + " (server reply \(responseCode))"
    }
}
