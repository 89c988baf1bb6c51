public import Foundation
import Synchronization

/// Where a server's refresh token is kept between runs: the configured one, or the one the
/// provider rotated to (or an admin authorized) since.
public protocol RefreshTokenKeeper: Sendable {
    /// The refresh token to use now; nil when there is none yet.
    func current() throws -> String?
    /// Keeps a rotated token; failures are the keeper's to report (the new token works anyway).
    func replace(with token: String)
}

/// An OAuth2 login to one mail server: hands out access tokens, refreshed shortly before they
/// expire and at most once per failed login. Shared by the threads that use the same server.
public final class OAuth2Credential: Sendable {
    public let client: OAuth2Client
    /// Whose token this is, for messages: `mailbox support (imap)`.
    public let label: String
    /// What an admin does when the refresh token is refused.
    public let renewalHint: String
    private let keeper: any RefreshTokenKeeper
    private let clock: @Sendable () -> Date
    private let state = Mutex(State())

    /// After the provider refused a refresh token, it is not offered again for this long
    /// (unless the kept token changes): a poll every few seconds must not hammer the provider.
    static let refusalPause: TimeInterval = 60

    private struct State {
        var accessToken: String?
        var obtainedAt = Date.distantPast
        var renewAt = Date.distantPast
        /// The cached token came from a renewal after the server refused the one before, and no
        /// server has accepted it yet.
        var renewedAfterRefusal = false
        var refused: (token: String, until: Date, error: TransportError)?
        /// A rotation the keeper could not store: the new token is used while the keeper still
        /// hands out the spent one.
        var rotated: (spent: String, new: String)?
    }

    public init(client: OAuth2Client, label: String, renewalHint: String, keeper: any RefreshTokenKeeper,
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.label = label
        self.renewalHint = renewalHint
        self.keeper = keeper
        self.clock = clock
    }

    /// Starts with a token just granted (by a sign-in), so the first login needs no refresh.
    public func prime(with grant: OAuth2Client.Grant) {
        let now = clock()
        state.withLock { state in
            state.accessToken = grant.accessToken
            state.renewAt = now.addingTimeInterval(Self.lifetimeUsed(of: grant.expiresIn))
        }
    }

    /// A valid access token: the cached one, or a new one from the token endpoint.
    ///
    /// `replacing` is a token the server has just refused: a new one is fetched unless another
    /// thread already did. A renewed token refused before any server accepted it is not renewed
    /// again for a minute: the provider's tokens are fine then, the server's settings are not.
    ///
    /// The lock is held through the token request on purpose: threads sharing the login wait for
    /// the one refresh rather than each spending the (rotating) refresh token.
    public func accessToken(replacing refusedToken: String? = nil) throws(TransportError) -> String {
        try state.withLock { (state: inout State) throws(TransportError) -> String in
            let now = clock()
            if let token = state.accessToken {
                if let refusedToken, refusedToken != token { return token }
                if refusedToken == nil, now < state.renewAt { return token }
                if refusedToken != nil, state.renewedAfterRefusal, now < state.obtainedAt.addingTimeInterval(Self.refusalPause) {
                    throw TransportError(kind: .authentication, message: """
                        \(label): the server refused an access token the provider had just issued; check that the scope \
                        allows IMAP and SMTP, that the username is the signed-in account, and that the mailbox has IMAP \
                        and authenticated SMTP turned on
                        """)
                }
            }
            let refreshToken = try currentRefreshToken(&state)
            if let refused = state.refused, refused.token == refreshToken, now < refused.until { throw refused.error }
            let grant: OAuth2Client.Grant
            do throws(TransportError) {
                grant = try client.refresh(refreshToken)
            } catch {
                throw refusal(error, refreshToken: refreshToken, at: now, state: &state)
            }
            if let rotated = grant.refreshToken, rotated != refreshToken {
                state.rotated = (refreshToken, rotated)
                keeper.replace(with: rotated)
            }
            state.refused = nil
            state.accessToken = grant.accessToken
            state.obtainedAt = now
            state.renewedAfterRefusal = refusedToken != nil
            state.renewAt = now.addingTimeInterval(Self.lifetimeUsed(of: grant.expiresIn))
            return grant.accessToken
        }
    }

    /// A server accepted `token`: a later refusal of it is a lapse worth one renewal again.
    public func accepted(_ token: String) {
        state.withLock { state in
            if state.accessToken == token { state.renewedAfterRefusal = false }
        }
    }

    /// The keeper's token, or the one it was rotated to when storing that failed.
    private func currentRefreshToken(_ state: inout State) throws(TransportError) -> String {
        let kept: String?
        do {
            kept = try keeper.current()
        } catch {
            throw TransportError(kind: .setup, message: "\(label): cannot read the kept refresh token: \(error)")
        }
        guard let kept, !kept.isEmpty else {
            throw TransportError(kind: .authentication, message: "\(label): there is no refresh token yet; \(renewalHint)")
        }
        if let rotated = state.rotated, rotated.spent == kept { return rotated.new }
        state.rotated = nil
        return kept
    }

    /// The token endpoint's refusal in the admin's terms; a refused grant is not offered again for a while.
    private func refusal(_ error: TransportError, refreshToken: String, at now: Date, state: inout State) -> TransportError {
        var failure = error
        failure.message = "\(label): \(error.message)"
        guard error.kind == .authentication else { return failure }
        switch error.serverReply {
        case "invalid_client", "unauthorized_client":
            failure.message += "; check client_id and the client secret (client_secret_env or client_secret_file)"
        case "invalid_scope":
            failure.message += "; check scope: in the mailbox file against the permissions registered at the provider"
        default:
            failure.message += "; \(renewalHint)"
        }
        state.refused = (refreshToken, now.addingTimeInterval(Self.refusalPause), failure)
        return failure
    }

    /// Seconds a token is used before a new one is fetched: all but the last fifth of its life,
    /// and at most five minutes before it ends, so no login starts with a token about to lapse.
    public static func lifetimeUsed(of expiresIn: TimeInterval) -> TimeInterval {
        max(0, expiresIn - min(300, expiresIn / 5))
    }
}

extension OAuth2Credential: Equatable {
    /// The same client settings for the same server: a reload that changed nothing keeps connections.
    public static func == (lhs: OAuth2Credential, rhs: OAuth2Credential) -> Bool {
        lhs === rhs || (lhs.client == rhs.client && lhs.label == rhs.label)
    }
}

extension OAuth2Credential: CustomStringConvertible {
    public var description: String { "oauth2 via \(client.tokenURL) (client \(client.clientID))" }
}
