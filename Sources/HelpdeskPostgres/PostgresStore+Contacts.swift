public import Foundation
public import HelpdeskCore
public import HelpdeskStore

// MARK: ContactStore

extension PostgresStore: ContactStore {
    public func contacts() throws -> [Contact] {
        // Code point order, as SQLite sorts text, whatever the database's collation.
        try pool.withConnection { session in try session.fetchAll(Contact.self, "SELECT * FROM contact ORDER BY address COLLATE \"C\"") }
    }

    public func contact(address: String) throws -> Contact? {
        try pool.withConnection { session in try contact(session, address: address) }
    }

    public func setContact(address: String, organization: ContactSetting, manager: ContactSetting, at now: Date) throws -> Contact {
        // One statement: two admins setting different fields of one contact both keep theirs.
        let sql = """
            INSERT INTO contact (address, first_seen_at, last_seen_at, organization, manager) VALUES ($1, $2, $2, $3, $4)
            ON CONFLICT (address) DO UPDATE SET
              organization = CASE WHEN $5 THEN excluded.organization ELSE contact.organization END,
              manager = CASE WHEN $6 THEN excluded.manager ELSE contact.manager END
            RETURNING *
            """
        let binds: [SQLValue] = [
            address.lowercased(), now, organization.stored(replacing: nil), manager.stored(replacing: nil).map { $0.lowercased() },
            organization != .unchanged, manager != .unchanged,
        ]
        return try pool.withConnection { session in
            guard let contact = try session.fetchOne(Contact.self, sql, binds) else {
                throw PostgresStoreError("the contact \(address) was not written")
            }
            return contact
        }
    }

    func contact(_ session: PostgresSession, address: String) throws -> Contact? {
        guard !address.isEmpty else { return nil }
        return try session.fetchOne(Contact.self, "SELECT * FROM contact WHERE address = $1", [address.lowercased()])
    }

    /// Notes the sender of a message recorded at `at`: their latest name and language win, and
    /// first and last seen widen (a backlog may be read out of order).
    func noteSender(_ session: PostgresSession, _ content: InboundContent, at: Date) throws {
        guard !content.requesterAddress.isEmpty else { return }
        try session.execute("""
            INSERT INTO contact (address, name, language, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)
            ON CONFLICT (address) DO UPDATE SET
              name = CASE WHEN excluded.name IS NOT NULL AND excluded.last_seen_at >= contact.last_seen_at THEN excluded.name ELSE contact.name END,
              language = CASE WHEN excluded.language IS NOT NULL AND excluded.last_seen_at >= contact.last_seen_at
                THEN excluded.language ELSE contact.language END,
              first_seen_at = LEAST(contact.first_seen_at, excluded.first_seen_at),
              last_seen_at = GREATEST(contact.last_seen_at, excluded.last_seen_at)
            """, [
                content.requesterAddress.lowercased(), content.requesterName.flatMap { $0.isEmpty ? nil : $0 }, content.language?.description, at,
            ])
    }
}
