import CCurl

/// Owns one libcurl easy handle; one connection is reused across its transfers.
/// Not Sendable: a handle belongs to one thread at a time, as libcurl requires.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private var errorBuffer: UnsafeMutablePointer<CChar>
    private var slists: [UnsafeMutablePointer<curl_slist>] = []
    /// What the server said during the current transfer; alive as long as the handle, which
    /// still reads the server's LOGOUT/QUIT answer in curl_easy_cleanup.
    var replies: ServerReplyLog { debugLog.replies }
    /// Everything libcurl's debug callback keeps: the server's lines and its certificate's subject.
    private let debugLog = CurlDebugLog()
    /// The SMTP extensions the server of the current connection announced.
    var smtpExtensions: SMTPExtensions { debugLog.smtpExtensions }
    /// The server a TLS error names; set by `configure(for:)`.
    var tlsPeer = TLSPeer()
    /// Set for servers with `auth: oauth2`; every transfer then logs in with its access token.
    var oauth2: OAuth2Credential?

    init() throws(TransportError) {
        let global = ccurl_global_init_once()
        guard global == CURLE_OK, let handle = curl_easy_init() else {
            throw TransportError(kind: .setup, curlCode: Int(global.rawValue), message: "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        // Signals are not safe in a multi-threaded process; timeouts then rely on the threaded resolver.
        _ = ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // The debug callback is how libcurl hands over the server's response lines; it runs only
        // in verbose mode, and with it set libcurl prints nothing itself.
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(debugLog).toOpaque())
        _ = ccurl_easy_setopt_debug_function(handle, CurlDebugLog.callback)
        _ = ccurl_easy_setopt_long(handle, CURLOPT_VERBOSE, 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        freeLists()
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(ccurl_easy_setopt_long(handle, option, value), "setting option \(option.rawValue)")
    }

    /// For `*_LARGE` options, which take a curl_off_t (64 bits), not a long.
    func set(_ option: CURLoption, offset value: Int64) throws(TransportError) {
        try check(ccurl_easy_setopt_off_t(handle, option, value), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: String?) throws(TransportError) {
        // libcurl copies string options, so the Swift string may go away after the call.
        let code: CURLcode
        if let value {
            code = value.withCString { ccurl_easy_setopt_string(handle, option, $0) }
        } else {
            code = ccurl_easy_setopt_string(handle, option, nil)
        }
        try check(code, "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(TransportError) {
        try check(ccurl_easy_setopt_pointer(handle, option, pointer), "setting option \(option.rawValue)")
    }

    /// Sets a string-list option; the list stays alive until `freeLists()` or deinit.
    func set(_ option: CURLoption, list: [String]) throws(TransportError) {
        var head: UnsafeMutablePointer<curl_slist>? = nil
        for item in list {
            guard let next = curl_slist_append(head, item) else {
                throw TransportError(kind: .setup, message: "out of memory building a libcurl list")
            }
            head = next
        }
        if let head { slists.append(head) }
        try check(ccurl_easy_setopt_slist(handle, option, head), "setting list option \(option.rawValue)")
    }

    func freeLists() {
        for list in slists { curl_slist_free_all(list) }
        slists.removeAll()
    }

    func setWriteFunction(_ callback: ccurl_data_callback?) throws(TransportError) {
        try check(ccurl_easy_setopt_write_function(handle, callback), "setting the write callback")
    }

    func setReadFunction(_ callback: ccurl_data_callback?) throws(TransportError) {
        try check(ccurl_easy_setopt_read_function(handle, callback), "setting the read callback")
    }

    func getLong(_ info: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_easy_getinfo_long(handle, info, &value)
        return value
    }

    /// The socket of a CONNECT_ONLY connection, or nil when there is none.
    var activeSocket: Int32? {
        var socket = curl_socket_t(CURL_SOCKET_BAD)
        guard ccurl_easy_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != CURL_SOCKET_BAD else { return nil }
        return Int32(socket)
    }

    /// Sends what it can of `bytes` on a CONNECT_ONLY connection: the count sent, 0 when the
    /// socket would block.
    func send(_ bytes: ArraySlice<UInt8>) throws(TransportError) -> Int {
        var sent = 0
        let code = bytes.withUnsafeBytes { curl_easy_send(handle, $0.baseAddress, $0.count, &sent) }
        if code == CURLE_AGAIN { return 0 }
        guard code == CURLE_OK else { throw error(for: code, doing: "sending to the server") }
        return sent
    }

    /// Receives what is there on a CONNECT_ONLY connection: nil when nothing is yet, an empty
    /// array when the server closed the connection.
    func receive(upTo count: Int) throws(TransportError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        let code = buffer.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress, count, &received) }
        if code == CURLE_AGAIN { return nil }
        guard code == CURLE_OK else { throw error(for: code, doing: "reading from the server") }
        return Array(buffer[..<received])
    }

    /// Appends what is there on a CONNECT_ONLY connection (at most `count` bytes) to `buffer`: the
    /// count appended, nil when nothing is yet, 0 when the server closed the connection.
    func receive(appendingTo buffer: inout [UInt8], upTo count: Int) throws(TransportError) -> Int? {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        var received = 0
        let code = buffer.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress! + start, count, &received) }
        buffer.removeLast(count - (code == CURLE_OK ? received : 0))
        if code == CURLE_AGAIN { return nil }
        guard code == CURLE_OK else { throw error(for: code, doing: "reading from the server") }
        return received
    }

    /// Runs the transfer; a failure becomes a `TransportError` naming the server's last reply.
    /// With OAuth2, a refused login is tried once more with a newly fetched access token: the
    /// provider may have revoked the cached one before its time.
    func perform(_ what: @autoclosure () -> String) throws(TransportError) {
        guard let oauth2 else { return try performOnce(what()) }
        let token = try oauth2.accessToken()
        try useBearer(token)
        do {
            try performOnce(what())
            oauth2.accepted(token)
        } catch where error.kind == .authentication {
            let renewed = try oauth2.accessToken(replacing: token)
            try useBearer(renewed)
            try performOnce(what())
            oauth2.accepted(renewed)
        }
    }

    private func useBearer(_ token: String) throws(TransportError) {
        replies.hide(secret: token)
        // A different token makes libcurl open a new connection instead of reusing one logged
        // in with the old token (connections are matched by their credentials).
        try set(CURLOPT_XOAUTH2_BEARER, token)
    }

    private func performOnce(_ what: @autoclosure () -> String) throws(TransportError) {
        errorBuffer[0] = 0
        replies.reset()
        debugLog.certificateSubject = nil
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return }
        throw error(for: code, doing: what())
    }

    private func check(_ code: CURLcode, _ what: String) throws(TransportError) {
        guard code != CURLE_OK else { return }
        throw TransportError(kind: .setup, curlCode: Int(code.rawValue), message: "libcurl refused \(what): \(String(cString: curl_easy_strerror(code)))")
    }

    private func error(for code: CURLcode, doing what: String) -> TransportError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        // A refused TLS connection says which check failed: the server's last line (an EHLO
        // answer, say) has nothing to do with it.
        if let explanation = tlsPeer.explanation(code: code, verifyResult: getLong(CURLINFO_SSL_VERIFYRESULT),
                                                 detail: detail, subject: debugLog.certificateSubject) {
            return TransportError(kind: .tls, curlCode: Int(code.rawValue), message: replies.redacted("\(what) failed: \(explanation)"))
        }
        let response = getLong(CURLINFO_RESPONSE_CODE)
        let kind: TransportError.Kind
        switch code {
        case _ where response >= 400 && code != CURLE_LOGIN_DENIED && code != CURLE_OPERATION_TIMEDOUT:
            // The server answered with a refusal: libcurl reports e.g. "RCPT failed: 550" as a
            // send error, but the reply code, not the transport, says what happened.
            kind = .rejected
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            kind = .connection
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_LOGIN_DENIED:
            kind = .authentication
        case CURLE_REMOTE_FILE_NOT_FOUND:
            kind = .notFound
        case CURLE_QUOTE_ERROR, CURLE_SEND_FAIL_REWIND, CURLE_UPLOAD_FAILED, CURLE_REMOTE_ACCESS_DENIED:
            kind = .rejected
        default:
            kind = response >= 400 ? .rejected : .protocolError
        }
        // The server's own line says what happened; libcurl's summary ("Quote command returned
        // error", "RCPT failed: 550") only says where.
        let reply = replies.refusal
        let message = reply.map { "\(what) failed: \($0) (libcurl: \(detail))" } ?? "\(what) failed: \(detail)"
        return TransportError(kind: kind, curlCode: Int(code.rawValue), responseCode: response,
                              message: replies.redacted(message), serverReply: reply)
    }
}

/// Collects the bytes libcurl hands to a write callback.
final class ByteSink {
    var bytes: [UInt8] = []
    var limit: Int

    init(limit: Int = .max) { self.limit = limit }

    static let writeCallback: ccurl_data_callback = { buffer, size, count, context in
        guard let context, let buffer else { return 0 }
        let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        // Returning less than `length` makes libcurl abort the transfer: our size limit.
        guard sink.bytes.count + length <= sink.limit else { return 0 }
        buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }
}

/// Feeds bytes to a libcurl read callback (an SMTP upload).
final class ByteSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let readCallback: ccurl_data_callback = { buffer, size, count, context in
        guard let context, let buffer else { return 0 }
        let source = Unmanaged<ByteSource>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, source.bytes.count - source.offset)
        guard length > 0 else { return 0 }
        source.bytes.withUnsafeBufferPointer { all in
            UnsafeMutableRawPointer(buffer).copyMemory(from: all.baseAddress! + source.offset, byteCount: length)
        }
        source.offset += length
        return length
    }
}
