public import Foundation

/// OAuth2 refresh tokens kept across restarts: the one a provider rotated to, or the one
/// `helpdesk oauth authorize` got. In the database, so every instance of a gateway sees the latest.
public protocol CredentialStore: Sendable {
    /// The token kept under `key` (`support/imap`), nil when none is.
    func refreshToken(key: String) throws -> KeptRefreshToken?
    /// Keeps `token`, replacing whatever was kept under its key.
    func keep(_ token: KeptRefreshToken) throws
}

/// A refresh token and where it came from.
public struct KeptRefreshToken: Sendable, Equatable {
    public var key: String
    public var token: String
    /// A fingerprint of the configured refresh token this one replaced ("" when none was
    /// configured): when an admin configures a different one, that one wins again.
    public var seed: String
    public var keptAt: Date

    public init(key: String, token: String, seed: String, keptAt: Date) {
        self.key = key
        self.token = token
        self.seed = seed
        self.keptAt = keptAt
    }
}

// A token must never reach a log through `print(token)` or a failed test's output.
extension KeptRefreshToken: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "refresh token for \(key) (kept \(keptAt), seed \(seed.isEmpty ? "none" : seed))" }
    public var debugDescription: String { description }
}
