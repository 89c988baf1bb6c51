import CCurl

/// Connects and logs in to an IMAP or SMTP server, then leaves: proves the settings and
/// credentials work without touching any mail.
public enum ServerLoginCheck {
    public static func check(_ endpoint: ServerEndpoint) throws(TransportError) {
        let curl = try CurlEasy()
        try curl.configure(for: endpoint)
        try curl.set(CURLOPT_URL, "\(endpoint.baseURL)/")
        // libcurl's connect phase includes the greeting, STARTTLS and the login, then stops.
        try curl.set(CURLOPT_CONNECT_ONLY, 1)
        try curl.perform("login to \(endpoint.baseURL) as \(endpoint.username ?? "-")")
    }
}
