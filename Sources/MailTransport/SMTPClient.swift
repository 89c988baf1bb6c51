import CCurl
import MIME

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
    /// Addresses go in their wire form (`WireAddress`): IDN domains as A-labels; a non-ASCII
    /// local part only to a server that offers SMTPUTF8, else the send fails as `.unsupported`.
    public func send(from: String, to recipients: [String], message: [UInt8]) throws(TransportError) {
        guard !recipients.isEmpty else {
            throw TransportError(kind: .setup, message: "no recipients for an SMTP send")
        }
        for address in [from] + recipients where address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) {
            throw TransportError(kind: .setup, message: "refusing an SMTP envelope address with CR, LF or angle brackets: \(address.debugDescription)")
        }
        let envelope = try Envelope(from: from, to: recipients)
        let reusing = sentOnConnection > 0 && sentOnConnection < messagesPerConnection
        do {
            try deliver(envelope, message: message, fresh: !reusing && sentOnConnection > 0)
        } catch where reusing && error.kind == .rejected && (400..<500).contains(error.responseCode) {
            // Only a reply the server gave (a 4xx such as 452 "too many messages") is retried: a
            // dropped connection after the final "." may mean the message was already taken.
            try deliver(envelope, message: message, fresh: true)
        }
    }

    private func deliver(_ envelope: Envelope, message: [UInt8], fresh: Bool) throws(TransportError) {
        guard let international = envelope.needingSMTPUTF8 else {
            return try attempt(from: envelope.from, to: envelope.recipients, message: message, fresh: fresh)
        }
        // Asked before every such message, even when known: libcurl replaces a connection that went
        // stale without telling, and the new one's EHLO would be read only during the send, when
        // libcurl has already written the local part raw to a server that cannot take it.
        try learnExtensions(fresh: fresh)
        guard curl.smtpExtensions.offers("SMTPUTF8") else {
            let remedy = international == envelope.originalFrom
                ? "give the mailbox an ASCII address"
                : "ask the requester for another address"
            throw TransportError(kind: .unsupported, message: """
                \(international) has a non-ASCII local part and \(endpoint.authority) does not offer SMTPUTF8 (RFC 6531); \
                it cannot be sent there without changing the address: \(remedy), or send through a server that offers SMTPUTF8
                """)
        }
        // The probe's connection is the one to use: it is the one whose EHLO was read.
        try attempt(from: envelope.from, to: envelope.recipients, message: message, fresh: false)
    }

    /// A NOOP transfer: libcurl connects (or reuses the connection), says EHLO and logs in, and
    /// the debug callback reads the server's extensions on the way.
    private func learnExtensions(fresh: Bool) throws(TransportError) {
        try curl.set(CURLOPT_FRESH_CONNECT, fresh ? 1 : 0)
        // Without recipients and upload libcurl sends the custom request instead of MAIL FROM.
        try curl.set(CURLOPT_UPLOAD, 0)
        try curl.set(CURLOPT_MAIL_RCPT, list: [])
        try curl.set(CURLOPT_CUSTOMREQUEST, "NOOP")
        // libcurl hands the NOOP answer to the write callback.
        let sink = ByteSink(limit: 1 << 16)
        try curl.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
        defer {
            // CUSTOMREQUEST sticks to the handle: left set, the next send would be a NOOP too.
            _ = try? curl.set(CURLOPT_CUSTOMREQUEST, nil)
            _ = try? curl.set(CURLOPT_UPLOAD, 1)
            _ = try? curl.set(CURLOPT_WRITEDATA, pointer: nil)
        }
        do {
            try curl.perform("SMTP NOOP to \(endpoint.authority), to learn its extensions")
        } catch where error.kind == .rejected && curl.smtpExtensions.keywords != nil {
            // A server that refuses NOOP has still answered EHLO, which is all this asked.
        } catch {
            sentOnConnection = messagesPerConnection
            throw error
        }
        // A new connection carries no message yet.
        if curl.getLong(CURLINFO_NUM_CONNECTS) > 0 { sentOnConnection = 0 }
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

/// The envelope addresses of one send in their wire form.
private struct Envelope {
    var from: String
    var recipients: [String]
    var originalFrom: String
    /// The first address (as given) whose non-ASCII local part needs SMTPUTF8, if any.
    var needingSMTPUTF8: String?

    init(from: String, to recipients: [String]) throws(TransportError) {
        originalFrom = from
        var forms: [String] = []
        for address in [from] + recipients {
            // The null reverse-path stays empty.
            guard !address.isEmpty else {
                forms.append(address)
                continue
            }
            guard let wire = WireAddress(address) else {
                throw TransportError(kind: .unsupported, message: """
                    \(address) has a domain that is not a valid internationalized domain name (IDNA, RFC 5891): \
                    it cannot be sent anywhere as written; ask for the address again
                    """)
            }
            if wire.needsSMTPUTF8, needingSMTPUTF8 == nil { needingSMTPUTF8 = address }
            forms.append(wire.envelope)
        }
        self.from = forms[0]
        self.recipients = Array(forms.dropFirst())
    }
}
