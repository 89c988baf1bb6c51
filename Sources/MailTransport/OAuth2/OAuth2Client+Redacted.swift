// What `print`, string interpolation, `dump` and a failed test's output show of OAuth2 values:
// never a secret, a token or a device code.

extension OAuth2Client: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "client \(clientID) at \(tokenURL) (secret: \(clientSecret == nil ? "none" : "set"), scope: \(scope ?? "-"))"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["tokenURL": tokenURL, "clientID": clientID, "scope": scope as Any]) }
}

extension OAuth2Client.Grant: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "access token for \(Int(expiresIn)) s\(refreshToken == nil ? "" : ", with a refresh token")"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["expiresIn": expiresIn]) }
}

extension OAuth2Client.DeviceAuthorization: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "device sign-in with code \(userCode) at \(verificationURI)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["userCode": userCode, "verificationURI": verificationURI]) }
}
