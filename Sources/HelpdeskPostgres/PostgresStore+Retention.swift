public import Foundation
import HelpdeskCore
public import HelpdeskStore
import PostgresNIO

extension PostgresStore: RetentionStore {
    /// Raw messages of `mailbox` still kept and received before `cutoff`. Messages kept aside are
    /// never among them: for a message from the MTA pipe, that file is the only copy.
    public func keptRawMessages(mailbox: String, receivedBefore cutoff: Date) throws -> [InboundMessageRecord] {
        try pool.withConnection { session in
            try session.fetchAll(InboundMessageRecord.self, """
                SELECT * FROM inbound_message WHERE mailbox = $1 AND raw_kept AND received_at < $2 AND outcome <> $3 ORDER BY id
                """, [mailbox, cutoff, InboundOutcome.quarantined.rawValue])
        }
    }

    /// Marks raw messages as deleted; returns the digests no other row keeps, whose files may go.
    public func forgetRawMessages(ids: [Int64]) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try pool.withConnection { session in
            try session.transaction {
                // One forgetting at a time across instances: two forgetting the last two keepers of
                // one digest at once would each still see the other's row kept (not committed yet),
                // and neither would return the digest, leaving its file for ever.
                try session.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["forget-raw-messages"])
                let digests = Set(try session.rows("UPDATE inbound_message SET raw_kept = false WHERE id = ANY($1) RETURNING sha256", [ids])
                    .map { try $0["sha256"].decode(String.self) }
                    .filter { !$0.isEmpty })
                guard !digests.isEmpty else { return [] }
                let stillKept = try session.rows("""
                    SELECT DISTINCT sha256 FROM inbound_message WHERE sha256 = ANY($1) AND raw_kept
                    """, [Array(digests)]).map { try $0["sha256"].decode(String.self) }
                return digests.subtracting(stillKept)
            }
        }
    }

    /// Of these packs, those in which no row keeps a message any more: their files may go.
    /// Asked after the forgetting committed: of two instances forgetting a pack's last messages
    /// at once, the later one sees it unkept (and removing it twice is no error).
    public func unkeptPacks(_ names: Set<String>) throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        return try pool.withConnection { session in
            let kept = try session.rows(
                "SELECT DISTINCT raw_pack FROM inbound_message WHERE raw_pack = ANY($1) AND raw_kept", [Array(names)]
            ).map { try $0["raw_pack"].decode(String.self) }
            return names.subtracting(kept)
        }
    }
}
