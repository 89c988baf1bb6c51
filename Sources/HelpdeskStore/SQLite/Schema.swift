import Foundation
import GRDB

/// The named migrations; a released step is never edited, only followed by a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "mailbox_cursor") { t in
                t.primaryKey("mailbox", .text)
                t.column("uid_validity", .integer).notNull()
                t.column("last_uid", .integer).notNull().check { $0 >= 0 }
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(table: "ticket") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("mailbox", .text).notNull()
                t.column("number", .integer).notNull().check { $0 > 0 }
                t.column("key", .text).notNull().unique()
                t.column("subject", .text).notNull()
                t.column("requester_address", .text).notNull()
                t.column("requester_name", .text)
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('new','open','pending','on_hold','resolved','closed','cancelled')")
                t.column("priority", .text).notNull().defaults(to: "normal")
                    .check(sql: "priority IN ('low','normal','high','urgent')")
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
                t.uniqueKey(["mailbox", "number"])
            }
            try db.create(table: "comment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticket_id", .integer).notNull().indexed().references("ticket", onDelete: .restrict)
                t.column("author_address", .text).notNull()
                t.column("author_name", .text)
                t.column("body", .text).notNull()
                t.column("visibility", .text).notNull().check(sql: "visibility IN ('public','internal')")
                t.column("message_id", .text)
                t.column("created_at", .datetime).notNull()
            }
            // One row per message read from a mailbox: the idempotency key and its outcome.
            try db.create(table: "inbound_message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("mailbox", .text).notNull()
                t.column("uid_validity", .integer)
                t.column("uid", .integer)
                t.column("message_id", .text)
                t.column("sha256", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("outcome", .text).notNull()
                    .check(sql: "outcome IN ('ticket_created','comment_added','duplicate','quarantined')")
                t.column("auto_reply", .text)  // why no acknowledgement went out, or NULL
                t.column("detail", .text)
                t.column("ticket_id", .integer).indexed().references("ticket", onDelete: .restrict)
                t.column("comment_id", .integer).references("comment", onDelete: .restrict)
                t.column("received_at", .datetime).notNull()
                t.uniqueKey(["mailbox", "uid_validity", "uid"])
            }
            // Message-ID duplicates are checked across mailboxes: one message Cc'd to two support
            // addresses is one ticket.
            try db.create(index: "inbound_message_on_message_id", on: "inbound_message", columns: ["message_id"])
            try db.create(index: "inbound_message_on_sha256", on: "inbound_message", columns: ["mailbox", "sha256"])
            // Every Message-ID we received (and, before v16, sent) for a ticket, for threading replies.
            try db.create(table: "ticket_message") { t in
                t.primaryKey("message_id", .text)
                t.column("ticket_id", .integer).notNull().indexed().references("ticket", onDelete: .restrict)
                t.column("direction", .text).notNull().check(sql: "direction IN ('in','out')")
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("mailbox", .text).notNull()
                t.column("ticket_id", .integer).indexed().references("ticket", onDelete: .restrict)
                t.column("event", .text).notNull()
                t.column("envelope_from", .text).notNull()
                t.column("recipients", .text).notNull()  // comma-separated addresses
                t.column("message", .blob).notNull()
                t.column("message_id", .text).notNull().unique()
                t.column("status", .text).notNull().defaults(to: "pending")
                    .check(sql: "status IN ('pending','sent','failed')")
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime).notNull()
                t.column("last_error", .text)
                t.column("created_at", .datetime).notNull()
                t.column("sent_at", .datetime)
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "next_attempt_at"])
        }
        migrator.registerMigration("v2: conversations") { db in
            try db.alter(table: "ticket") { t in
                // The earlier ticket this one continues (closed, or written to by a stranger).
                t.add(column: "linked_ticket_id", .integer).references("ticket", onDelete: .restrict)
                t.add(column: "link_reason", .text).check(sql: "link_reason IN ('ticket_closed','unknown_sender')")
                t.add(column: "assignee", .text)
            }
            try db.alter(table: "comment") { t in
                t.add(column: "html", .text)
                // The new text without quoted history and signature: what notifications show.
                t.add(column: "reply", .text)
                t.add(column: "author_role", .text).notNull().defaults(to: "participant")
                    .check(sql: "author_role IN ('participant','agent','stranger')")
            }
            try db.alter(table: "inbound_message") { t in
                // Whether the raw bytes are in the data directory (until the retention ends).
                t.add(column: "raw_kept", .boolean).notNull().defaults(to: false)
                t.add(column: "sender", .text)
            }
            // Rows recorded before v2 take their comment's author as sender.
            try db.execute(sql: """
                UPDATE inbound_message SET sender = (
                  SELECT comment.author_address FROM comment WHERE comment.id = inbound_message.comment_id)
                """)
            try db.create(index: "inbound_message_raw_kept", on: "inbound_message", columns: ["raw_kept", "received_at"])
            // Who receives the public replies of a ticket; removed rows stay for the record.
            try db.create(table: "participant") { t in
                t.column("ticket_id", .integer).notNull().references("ticket", onDelete: .restrict)
                t.column("address", .text).notNull()
                t.column("name", .text)
                t.column("role", .text).notNull().check(sql: "role IN ('requester','cc')")
                t.column("added_at", .datetime).notNull()
                t.column("removed_at", .datetime)
                t.primaryKey(["ticket_id", "address"])
            }
            try db.create(table: "attachment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("comment_id", .integer).notNull().indexed().references("comment", onDelete: .restrict)
                t.column("sha256", .text).notNull().indexed()
                t.column("filename", .text).notNull()
                t.column("content_type", .text).notNull()
                t.column("size", .integer).notNull().check { $0 >= 0 }
                t.column("is_inline", .boolean).notNull()
                t.column("content_id", .text)
            }
        }
        migrator.registerMigration("v3: agents") { db in
            try db.alter(table: "ticket") { t in
                t.add(column: "first_response_at", .datetime)
            }
            try db.alter(table: "comment") { t in
                // An agent's mail that proved nothing (no signed reply address, no trusted DMARC).
                t.add(column: "unverified", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "ticket_tag") { t in
                t.column("ticket_id", .integer).notNull().references("ticket", onDelete: .restrict)
                t.column("tag", .text).notNull()
                t.primaryKey(["ticket_id", "tag"])
            }
            // Every change to a ticket, for ever: who, when, from what, to what.
            try db.create(table: "ticket_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("ticket_id", .integer).notNull().indexed().references("ticket", onDelete: .restrict)
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("actor_role", .text).notNull().check(sql: "actor_role IN ('requester','agent','admin','system')")
                t.column("kind", .text).notNull()
                    .check(sql: "kind IN ('created','status','assignee','priority','tag','participant','visibility','sla')")
                t.column("from_value", .text)
                t.column("to_value", .text)
                t.column("note", .text)
            }
            // Append-only in the database itself, not only by convention of the code.
            try db.execute(sql: """
                CREATE TRIGGER ticket_event_no_update BEFORE UPDATE ON ticket_event
                BEGIN SELECT RAISE(ABORT, 'ticket_event is append-only: history is never changed'); END;
                CREATE TRIGGER ticket_event_no_delete BEFORE DELETE ON ticket_event
                BEGIN SELECT RAISE(ABORT, 'ticket_event is append-only: history is never deleted'); END;
                """)
            // Where round robin stands per mailbox, so a restart does not start over.
            try db.create(table: "assignment_pointer") { t in
                t.primaryKey("mailbox", .text)
                t.column("last_assignee", .text).notNull()
                t.column("updated_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v4: sla") { db in
            // Each target's clock as of the ticket's last change, so due work is one indexed query.
            try db.create(table: "ticket_sla") { t in
                t.column("ticket_id", .integer).notNull().references("ticket", onDelete: .restrict)
                t.column("target", .text).notNull().check(sql: "target IN ('first_response','resolution')")
                t.column("duration", .double).notNull().check { $0 > 0 }
                t.column("due_at", .datetime).indexed()
                t.column("warn_at", .datetime).indexed()
                t.column("outcome", .text).notNull().check(sql: "outcome IN ('running','paused','met','breached','ended')")
                t.column("elapsed", .double).notNull()
                // Whether what the target measures happened (answered, resolved): its time counts in reports.
                t.column("completed", .boolean).notNull()
                t.column("updated_at", .datetime).notNull()
                t.primaryKey(["ticket_id", "target"])
            }
            // One row per warning or breach ever told: the key makes "exactly once" the database's job.
            try db.create(table: "sla_notice") { t in
                t.column("ticket_id", .integer).notNull().references("ticket", onDelete: .restrict)
                t.column("target", .text).notNull().check(sql: "target IN ('first_response','resolution')")
                t.column("kind", .text).notNull().check(sql: "kind IN ('warning','breach')")
                t.column("at", .datetime).notNull()
                t.column("due_at", .datetime)
                // False when nobody was mailed: the ticket had ended, or a breach made the warning moot.
                t.column("mailed", .boolean).notNull()
                t.primaryKey(["ticket_id", "target", "kind"])
            }
        }
        // Immediate foreign-key checks: the step only adds columns, so nothing needs the whole
        // database re-checked (a stray row elsewhere must not stop an upgrade).
        migrator.registerMigration("v5: mail intents and outbox claims", foreignKeyChecks: .immediate) { db in
            // The outbox keeps what was decided (the intent, as JSON) and is rendered at the edge:
            // until then `message` is empty and `envelope_from` is ''. A dispatcher claims a row
            // (owner and lease) before sending it. Columns are added, not the table rebuilt: the
            // outbox holds every mail ever sent, and an upgrade must not copy it.
            try db.alter(table: "outbox") { t in
                t.add(column: "intent", .text)
                t.add(column: "claimed_by", .text)
                t.add(column: "claim_expires_at", .datetime)
            }
            try db.create(index: "outbox_claimed_by", on: "outbox", columns: ["claimed_by"])
        }
        migrator.registerMigration("v6: poll state", foreignKeyChecks: .immediate) { db in
            // Each mailbox's last poll, written by whichever process polled, so `helpdesk status`
            // (another process) and /readyz can judge a running gateway.
            try db.create(table: "mailbox_poll") { t in
                t.primaryKey("mailbox", .text)
                t.column("last_attempt_at", .datetime).notNull()
                t.column("last_success_at", .datetime)
                t.column("last_failed", .boolean).notNull()
                t.column("last_error", .text)
                t.column("last_error_at", .datetime)
                t.column("duration", .double).notNull().check { $0 >= 0 }
                // Messages on the server above the cursor when the poll ended: not yet recorded.
                t.column("unrecorded", .integer).check { $0 >= 0 }
                // The poller's interval in seconds (NULL for one-off polls), to judge staleness.
                t.column("interval", .double).check { $0 > 0 }
            }
        }
        migrator.registerMigration("v7: oauth refresh tokens", foreignKeyChecks: .immediate) { db in
            // Providers rotate refresh tokens (Microsoft does on every use); the newest must
            // survive a restart, and be seen by every instance working on this database.
            try db.create(table: "oauth_refresh_token") { t in
                t.primaryKey("key", .text)
                t.column("token", .text).notNull().check { length($0) > 0 }
                t.column("seed", .text).notNull()
                t.column("kept_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v8: requester language", foreignKeyChecks: .immediate) { db in
            // Mail to the requester is rendered in this language when templates exist for it.
            try db.alter(table: "ticket") { t in t.add(column: "language", .text) }
        }
        migrator.registerMigration("v9: bounces, suppressions and loop caps", foreignKeyChecks: .immediate) { db in
            // Only CHECK lists grow here: every stored row passes the wider check, so the schema
            // text is rewritten in place (SQLite's documented way for CHECK changes, "ALTER TABLE",
            // section "Making Other Kinds Of Table Schema Changes") instead of copying the outbox
            // and the inbound record, which hold every message of the installation's life.
            try widenCheck(db, table: "outbox", from: "'pending','sent','failed'", to: "'pending','sent','failed','bounced','withheld'")
            try widenCheck(db, table: "inbound_message", from: "'ticket_created','comment_added','duplicate','quarantined'",
                           to: "'ticket_created','comment_added','duplicate','quarantined','bounce'")
            try widenCheck(db, table: "ticket_event", from: "'participant','visibility','sla'", to: "'participant','visibility','sla','delivery'")
            try db.alter(table: "outbox") { t in
                // What the bounce said, for the row that bounced.
                t.add(column: "bounce_status", .text)
                t.add(column: "bounce_diagnostic", .text)
                t.add(column: "bounced_at", .datetime)
            }
            // The loop caps count automatic mail sent to one address and on one ticket lately.
            try db.execute(sql: """
                CREATE INDEX outbox_automatic_by_recipient ON outbox (recipients, sent_at)
                  WHERE event IN ('ticket_created', 'message_too_large');
                CREATE INDEX outbox_automatic_by_ticket ON outbox (ticket_id, sent_at)
                  WHERE event IN ('ticket_created', 'message_too_large');
                """)
            // Addresses automatic mail skips after a hard bounce; a later bounce extends the pause.
            try db.create(table: "suppression") { t in
                t.primaryKey("address", .text)
                t.column("since", .datetime).notNull()
                t.column("until", .datetime).notNull().indexed()
                t.column("status", .text)
                t.column("diagnostic", .text)
                t.column("outbox_id", .integer).references("outbox", onDelete: .setNull)
                t.column("ticket_id", .integer).references("ticket", onDelete: .setNull)
            }
        }
        migrator.registerMigration("v10: ticket numbers by index", foreignKeyChecks: .immediate) { db in
            // The next ticket number is the highest one of a key prefix: found from the top of
            // this index instead of by reading every ticket (a backlog of 10,000 read 50 million rows).
            try db.create(index: "ticket_number", on: "ticket", columns: ["number"])
        }
        migrator.registerMigration("v11: withheld mail by recipient", foreignKeyChecks: .immediate) { db in
            // Whether a recipient's loop cap already held mail back in its window: asked for every
            // mail withheld, it read every withheld row of the window, anyone's (a mail storm
            // from three senders made the dispatcher's cost grow with the square of the storm).
            try db.execute(sql: """
                CREATE INDEX outbox_withheld_by_recipient ON outbox (recipients, next_attempt_at) WHERE status = 'withheld'
                """)
        }
        migrator.registerMigration("v12: a queued mail's text kept once", foreignKeyChecks: .immediate) { db in
            // A mail about a message keeps its text in the message's comment instead of a copy in
            // its intent: a new ticket's acknowledgement and notices carried it three times.
            try db.alter(table: "outbox") { t in
                t.add(column: "comment_id", .integer).references("comment", onDelete: .restrict)
            }
        }
        migrator.registerMigration("v13: leases", foreignKeyChecks: .immediate) { db in
            // Which instance works which mailbox (and the SLA pass): one row per lease. A single
            // SQLite gateway always holds them all; the table keeps `helpdesk status` the same on
            // every backend.
            try db.create(table: "lease") { t in
                t.primaryKey("name", .text)
                t.column("holder", .text).notNull()
                t.column("acquired_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v14: contacts and organisations", foreignKeyChecks: .immediate) { db in
            // Everyone whose mail was recorded, by address; `organization` and `manager` are the
            // admin's exceptions (NULL: what the configuration says, '': none).
            try db.create(table: "contact") { t in
                t.primaryKey("address", .text)
                t.column("name", .text)
                t.column("language", .text)
                t.column("first_seen_at", .datetime).notNull()
                t.column("last_seen_at", .datetime).notNull()
                t.column("organization", .text)
                t.column("manager", .text)
            }
            // The requester's organisation when the ticket was opened: a later change of the
            // configuration does not move old tickets between organisations.
            try db.alter(table: "ticket") { t in t.add(column: "organization", .text) }
            try db.execute(sql: "CREATE INDEX ticket_by_organization ON ticket (lower(organization))")
        }
        migrator.registerMigration("v15: approvals", foreignKeyChecks: .immediate) { db in
            try widenCheck(db, table: "ticket", from: "'resolved','closed','cancelled')", to: "'resolved','closed','cancelled','pending_approval')")
            try widenCheck(db, table: "ticket_event", from: "'sla','delivery'", to: "'sla','delivery','approval'")
            try widenCheck(db, table: "ticket_event", from: "'admin','system'", to: "'admin','system','approver'")
            // One request per ticket; `approvers` is a JSON array of addresses, in order.
            try db.create(table: "approval") { t in
                t.primaryKey("ticket_id", .integer).references("ticket", onDelete: .restrict)
                t.column("rule", .text).notNull()
                t.column("mode", .text).notNull().check(sql: "mode IN ('any','chain')")
                t.column("approvers", .text).notNull()
                t.column("step", .integer).notNull()
                t.column("state", .text).notNull().check(sql: "state IN ('pending','approved','rejected','expired','withdrawn')")
                t.column("requested_at", .datetime).notNull()
                t.column("remind_at", .datetime)
                t.column("expires_at", .datetime).notNull()
                t.column("remind_after", .double).notNull()
                t.column("expire_after", .double).notNull()
                t.column("on_expiry", .text).notNull()
                t.column("escalated", .boolean).notNull()
                t.column("decided_at", .datetime)
                t.column("decided_by", .text)
                t.column("reason", .text)
                t.column("request", .text).notNull()
            }
            try db.create(index: "approval_waiting", on: "approval", columns: ["state", "expires_at"])
        }
        migrator.registerMigration("v16: claims indexed while held", foreignKeyChecks: .immediate) { db in
            // A queued mail is unclaimed: it no longer adds an entry here when it is recorded,
            // and the senders' lookups (`claimed_by = ?`, `IS NOT NULL`) still use the index.
            try db.execute(sql: """
                DROP INDEX outbox_claimed_by;
                CREATE INDEX outbox_claimed_by ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;
                """)
        }
        migrator.registerMigration("v17: checks without lookup tables", foreignKeyChecks: .immediate) { db in
            // SQLite runs `col IN ('a','b','c')` (three values or more) in a CHECK by building a
            // temporary lookup table on every insert: twelve of them for a new ticket, a fifth
            // of recording's instructions. The same test written as `=` comparisons builds none;
            // it accepts exactly the same values, so the text is rewritten in place as in v9.
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '% IN (''%'")
            for table in tables {
                try rewriteTable(db, table) { CheckListExpansion.expanded($0) }
            }
        }
        migrator.registerMigration("v18: raw messages in packs", foreignKeyChecks: .immediate) { db in
            // A backlog's raw messages are written one file per batch (`PackStore`): where in it
            // each one starts; NULL for one in a file of its own (`messages/ab/<sha256>`).
            try db.execute(sql: """
                ALTER TABLE inbound_message ADD COLUMN raw_pack TEXT;
                ALTER TABLE inbound_message ADD COLUMN raw_offset INTEGER;
                CREATE INDEX inbound_message_raw_pack ON inbound_message (raw_pack) WHERE raw_pack IS NOT NULL AND raw_kept;
                """)
        }
        return migrator
    }

    /// Replaces `old` by `new` inside the CREATE TABLE text of `table`, exactly once; for CHECK
    /// lists that only grow. Fails (and the migration rolls back) when the text is not as expected.
    /// Since v17 a list of three values or more reads `(col = 'a' OR col = 'b' OR …)`: a later
    /// widening replaces that text, and one that makes a list of two grow writes it that way too.
    private static func widenCheck(_ db: Database, table: String, from old: String, to new: String) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table]),
              sql.components(separatedBy: old).count == 2
        else { throw DatabaseError(message: "cannot widen the check of \(table): its schema is not the one this migration expects") }
        try rewriteTable(db, table) { $0.replacingOccurrences(of: old, with: new) }
    }

    /// Writes `change` of the CREATE TABLE text of `table` back in place; for changes that every
    /// stored row already satisfies and that leave the stored format as it is.
    private static func rewriteTable(_ db: Database, _ table: String, _ change: (String) -> String) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table])
        else { throw DatabaseError(message: "cannot rewrite table \(table): it is not in the schema") }
        let changed = change(sql)
        guard changed != sql else { return }
        // SQLite would read a text it cannot parse only when it next opens the file, and then
        // refuse the whole database: the new text is tried on a scratch database first.
        do {
            try DatabaseQueue().write { try $0.execute(sql: changed) }
        } catch {
            throw DatabaseError(message: "cannot rewrite table \(table): the new schema text does not parse (\(error))")
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [changed, table])
        // A new schema version makes every connection read the changed text.
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
    }
}
