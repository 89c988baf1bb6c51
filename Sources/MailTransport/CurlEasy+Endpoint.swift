import CCurl

extension CurlEasy {
    /// Applies credentials, TLS and timeouts shared by IMAP and SMTP transfers.
    func configure(for endpoint: ServerEndpoint) throws(TransportError) {
        if let username = endpoint.username { try set(CURLOPT_USERNAME, username) }
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
        try set(CURLOPT_CONNECTTIMEOUT, endpoint.connectTimeout)
        try set(CURLOPT_TIMEOUT, endpoint.transferTimeout)
        // A stalled server should not hold a poller forever: under 1 byte/s for 60 s aborts.
        try set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try set(CURLOPT_LOW_SPEED_TIME, 60)
    }
}
