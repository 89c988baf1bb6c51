public import Foundation
public import GRDB
public import HelpdeskCore

extension Contact: FetchableRecord, PersistableRecord, SnakeCaseColumns {
    public static let databaseTableName = "contact"
}

// MARK: ContactStore

extension HelpdeskDatabase {
    public func contacts() throws -> [Contact] {
        try writer.read { db in try Contact.fetchAll(db, sql: "SELECT * FROM contact ORDER BY address") }
    }

    public func contact(address: String) throws -> Contact? {
        try writer.read { db in try contact(db, address: address) }
    }

    public func setContact(address: String, organization: ContactSetting, manager: ContactSetting, at now: Date) throws -> Contact {
        let key = address.lowercased()
        return try writer.write { db in
            var contact = try contact(db, address: key) ?? Contact(address: key, firstSeenAt: now, lastSeenAt: now)
            contact.organization = organization.stored(replacing: contact.organization)
            contact.manager = manager.stored(replacing: contact.manager).map { $0.lowercased() }
            try contact.save(db)
            return contact
        }
    }

    func contact(_ db: Database, address: String) throws -> Contact? {
        guard !address.isEmpty else { return nil }
        return try Contact.fetchOne(db.cachedStatement(sql: "SELECT * FROM contact WHERE address = ?"), arguments: [address.lowercased()])
    }

    /// Notes the sender of a message recorded at `at`: their latest name and language win, and
    /// first and last seen widen (a backlog may be read out of order).
    func noteSender(_ db: Database, _ content: InboundContent, at: Date) throws {
        guard !content.requesterAddress.isEmpty else { return }
        try db.cachedStatement(sql: """
            INSERT INTO contact (address, name, language, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(address) DO UPDATE SET
              name = CASE WHEN excluded.name IS NOT NULL AND excluded.last_seen_at >= contact.last_seen_at THEN excluded.name ELSE contact.name END,
              language = CASE WHEN excluded.language IS NOT NULL AND excluded.last_seen_at >= contact.last_seen_at
                THEN excluded.language ELSE contact.language END,
              first_seen_at = MIN(contact.first_seen_at, excluded.first_seen_at),
              last_seen_at = MAX(contact.last_seen_at, excluded.last_seen_at)
            """).execute(arguments: [
                content.requesterAddress.lowercased(), content.requesterName.flatMap { $0.isEmpty ? nil : $0 },
                content.language?.description, at.databaseText, at.databaseText,
            ])
    }
}
