import CCurl

/// An SMTP submission client on libcurl; consecutive sends reuse one connection.
/// Not Sendable: use it from one thread at a time.
public final class SMTPClient {
    public let endpoint: ServerEndpoint
    private let curl: CurlEasy

    public init(endpoint: ServerEndpoint) throws(TransportError) {
        self.endpoint = endpoint
        curl = try CurlEasy()
        try curl.configure(for: endpoint)
        // The URL path is the name we greet with (EHLO); default to our own host name.
        let url = endpoint.path.isEmpty ? "\(endpoint.baseURL)/mailgate.localhost" : "\(endpoint.baseURL)/\(endpoint.path)"
        try curl.set(CURLOPT_URL, url)
        try curl.set(CURLOPT_UPLOAD, 1)
        // One cached connection: a fresh one replaces it instead of piling up beside it.
        try curl.set(CURLOPT_MAXCONNECTS, 1)
        try curl.setReadFunction(ByteSource.readCallback)
        try curl.setWriteFunction(ByteSink.writeCallback)
    }

    /// Servers cap messages per session (OpenSMTPD: 100, then 452), so after this many sends
    /// the next one opens a new connection.
    public var messagesPerConnection = 50
    private var sentOnConnection = 0

    /// Sends one message (CRLF line ends; libcurl dot-stuffs) to every recipient, or throws.
    /// `from` is the envelope sender; an empty string sends the null reverse-path `<>`.
    /// A temporary refusal on a reused connection is tried once more on a fresh one.
    public func send(from: String, to recipients: [String], message: [UInt8]) throws(TransportError) {
        guard !recipients.isEmpty else {
            throw TransportError(kind: .setup, message: "no recipients for an SMTP send")
        }
        for address in [from] + recipients where address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) {
            throw TransportError(kind: .setup, message: "refusing an SMTP envelope address with CR, LF or angle brackets: \(address.debugDescription)")
        }
        let reusing = sentOnConnection > 0 && sentOnConnection < messagesPerConnection
        do {
            try attempt(from: from, to: recipients, message: message, fresh: !reusing && sentOnConnection > 0)
        } catch where reusing && error.kind == .rejected && (400..<500).contains(error.responseCode) {
            // Only a reply the server gave (a 4xx such as 452 "too many messages") is retried: a
            // dropped connection after the final "." may mean the message was already taken.
            try attempt(from: from, to: recipients, message: message, fresh: true)
        }
    }

    private func attempt(from: String, to recipients: [String], message: [UInt8], fresh: Bool) throws(TransportError) {
        try curl.set(CURLOPT_FRESH_CONNECT, fresh ? 1 : 0)
        try curl.set(CURLOPT_MAIL_FROM, "<\(from)>")
        try curl.set(CURLOPT_MAIL_RCPT, list: recipients.map { "<\($0)>" })
        defer { curl.freeLists() }
        let source = ByteSource(message)
        let sink = ByteSink(limit: 1 << 16)
        try curl.set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(source).toOpaque())
        try curl.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
        try curl.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(message.count))
        defer {
            _ = try? curl.set(CURLOPT_READDATA, pointer: nil)
            _ = try? curl.set(CURLOPT_WRITEDATA, pointer: nil)
        }
        do {
            try curl.perform("SMTP delivery to \(recipients.joined(separator: ", ")) via \(endpoint.baseURL)")
        } catch {
            // Whatever state the session is in now, the next message starts on a new one.
            sentOnConnection = messagesPerConnection
            throw error
        }
        // CURLINFO_NUM_CONNECTS counts connections this transfer had to open: 0 means reused.
        sentOnConnection = curl.getLong(CURLINFO_NUM_CONNECTS) > 0 ? 1 : sentOnConnection + 1
    }
}
