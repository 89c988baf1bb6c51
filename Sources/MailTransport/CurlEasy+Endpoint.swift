import CCurl

extension CurlEasy {
    /// Applies credentials, TLS and timeouts shared by IMAP and SMTP transfers.
    func configure(for endpoint: ServerEndpoint) throws(TransportError) {
        if let username = endpoint.username { try set(CURLOPT_USERNAME, username) }
        oauth2 = endpoint.oauth2
        if let mechanism = endpoint.saslMechanism {
            try set(CURLOPT_LOGIN_OPTIONS, "AUTH=\(mechanism)")
        } else if endpoint.oauth2 != nil {
            // Only the token mechanisms: libcurl would otherwise try others first, and IMAP LOGIN
            // with an empty password last.
            try set(CURLOPT_LOGIN_OPTIONS, "AUTH=OAUTHBEARER;AUTH=XOAUTH2")
        }
        if let password = endpoint.password {
            try set(CURLOPT_PASSWORD, password)
            replies.hide(password: password, username: endpoint.username)
        }
        switch endpoint.security {
        case .implicitTLS, .startTLS: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .none: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        try set(CURLOPT_SSL_VERIFYPEER, endpoint.verifyPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, endpoint.verifyPeer ? 2 : 0)
        // TLS 1.0 and 1.1 are deprecated (RFC 8996): never use them, whatever the system's OpenSSL allows.
        try set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        // A private CA is trusted besides the system's (CURLOPT_CAPATH stays as built).
        if let caFile = endpoint.caFile { try set(CURLOPT_CAINFO, caFile) }
        tlsPeer = TLSPeer(authority: endpoint.authority, host: ServerEndpoint.hostName(of: endpoint.authority),
                          scheme: String(endpoint.baseURL.prefix { $0 != ":" }).lowercased(), caFile: endpoint.caFile)
        try set(CURLOPT_CONNECTTIMEOUT, endpoint.connectTimeout)
        try set(CURLOPT_TIMEOUT, endpoint.transferTimeout)
        // A stalled server should not hold a poller forever: under 1 byte/s for 60 s aborts.
        try set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try set(CURLOPT_LOW_SPEED_TIME, 60)
    }
}
