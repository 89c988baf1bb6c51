import Foundation
import GRDB

// MARK: CredentialStore

extension HelpdeskDatabase {
    public func refreshToken(key: String) throws -> KeptRefreshToken? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM oauth_refresh_token WHERE key = ?", arguments: [key]).map { row in
                KeptRefreshToken(key: row["key"], token: row["token"], seed: row["seed"], keptAt: row["kept_at"])
            }
        }
    }

    public func keep(_ token: KeptRefreshToken) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO oauth_refresh_token (key, token, seed, kept_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET token = excluded.token, seed = excluded.seed, kept_at = excluded.kept_at
                """, arguments: [token.key, token.token, token.seed, token.keptAt])
        }
    }
}
