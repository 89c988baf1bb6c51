import CCurl
import Foundation

/// One HTTPS POST of form fields (RFC 6749's token and device endpoints), answered in JSON.
struct HTTPFormPost {
    /// The answer: HTTP status and body.
    struct Response {
        var status: Int
        var body: [UInt8]

        /// The body as a JSON object, nil when it is not one.
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    var url: String
    var caFile: String?
    var timeout = 30

    /// Posts `fields` form-encoded; a transport failure throws, any HTTP status is returned.
    func send(_ fields: [(String, String)]) throws(TransportError) -> Response {
        let curl = try CurlEasy()
        try curl.set(CURLOPT_URL, url)
        // Only the web's schemes: a token URL must never make libcurl speak IMAP or read a file.
        try curl.set(CURLOPT_PROTOCOLS_STR, "https,http")
        try curl.set(CURLOPT_SSL_VERIFYPEER, 1)
        try curl.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { try curl.set(CURLOPT_CAINFO, caFile) }
        let authority = ServerEndpoint.authority(of: url)
        curl.tlsPeer = TLSPeer(authority: authority, host: ServerEndpoint.hostName(of: authority), scheme: "https", caFile: caFile)
        try curl.set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        try curl.set(CURLOPT_CONNECTTIMEOUT, 15)
        try curl.set(CURLOPT_TIMEOUT, timeout)
        try curl.set(CURLOPT_USERAGENT, "Mailgate")
        try curl.set(CURLOPT_HTTPHEADER, list: ["Accept: application/json"])
        try curl.set(CURLOPT_COPYPOSTFIELDS, Self.encode(fields))
        for (name, value) in fields where Self.secretFields.contains(name) {
            curl.replies.hide(secret: value)
        }
        let sink = ByteSink(limit: 1 << 20)
        try curl.setWriteFunction(ByteSink.writeCallback)
        try curl.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
        defer { _ = try? curl.set(CURLOPT_WRITEDATA, pointer: nil) }
        do {
            try curl.perform("POST to \(url)")
        } catch where error.kind != .tls {
            // Whatever the status line said, a transfer that broke off is a network trouble to
            // retry: never a refusal that would fail queued mail for good.
            throw TransportError(kind: .connection, curlCode: error.curlCode, message: error.message)
        }
        return Response(status: curl.getLong(CURLINFO_RESPONSE_CODE), body: sink.bytes)
    }

    static let secretFields: Set = ["client_secret", "refresh_token", "code", "code_verifier", "device_code"]

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(FormEncoding.escape($0.0))=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
    }
}
