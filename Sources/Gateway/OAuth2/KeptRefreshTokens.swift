import Foundation
import HelpdeskStore
import Logging
import MailTransport

/// Keeps a server's refresh token in the store, beside the one in the config: the kept one wins
/// while it descends from the configured one (or none is configured); a newly configured one wins
/// over both.
struct KeptRefreshTokens: RefreshTokenKeeper {
    let login: OAuth2Login
    let store: any CredentialStore
    let logger: Logger
    let now: @Sendable () -> Date

    func current() throws -> String? {
        if let kept = try store.refreshToken(key: login.key), login.configured == nil || kept.seed == login.seed {
            return kept.token
        }
        return login.configured
    }

    func replace(with token: String) {
        do {
            try store.keep(KeptRefreshToken(key: login.key, token: token, seed: login.seed, keptAt: now()))
            logger.info("oauth2 refresh token rotated by the provider; kept in the database", metadata: ["login": "\(login.key)"])
        } catch {
            // The new token works in this process; only a restart before the next rotation would lose it.
            logger.error("could not keep the rotated oauth2 refresh token", metadata: [
                "login": "\(login.key)", "error": "\(error)",
                "fix": "make the database writable; if the gateway restarts before that, run `helpdesk oauth authorize --mailbox \(login.mailbox)`"])
        }
    }
}
