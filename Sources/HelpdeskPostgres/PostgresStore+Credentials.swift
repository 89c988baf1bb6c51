import Foundation
public import HelpdeskStore
import PostgresNIO

// MARK: CredentialStore

extension PostgresStore: CredentialStore {
    public func refreshToken(key: String) throws -> KeptRefreshToken? {
        try pool.withConnection { session in
            try session.rows("SELECT key, token, seed, kept_at FROM oauth_refresh_token WHERE key = $1", [key]).first.map { row in
                KeptRefreshToken(
                    key: try row["key"].decode(String.self), token: try row["token"].decode(String.self), seed: try row["seed"].decode(String.self),
                    keptAt: try row["kept_at"].decode(Date.self))
            }
        }
    }

    public func keep(_ token: KeptRefreshToken) throws {
        // An empty token is refused by the table's CHECK, as in SQLite.
        _ = try pool.withConnection { session in
            try session.execute("""
                INSERT INTO oauth_refresh_token (key, token, seed, kept_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (key) DO UPDATE SET token = excluded.token, seed = excluded.seed, kept_at = excluded.kept_at
                """, [token.key, token.token, token.seed, token.keptAt])
        }
    }
}
