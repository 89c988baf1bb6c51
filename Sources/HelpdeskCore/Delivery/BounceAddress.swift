import Crypto

/// A per-mail envelope sender (VERP): `support+b-<outbox id>-<short HMAC>@example.com`, so a
/// bounce says by its address alone which mail failed, and nobody can forge one for another mail.
public struct BounceAddress: Sendable, Equatable {
    /// The outbox row the address was made for.
    public var outboxId: Int64

    /// 5 bytes (8 base32 characters) of HMAC: guessing one takes 2^40 tries, and a wrong guess
    /// only makes a bounce unmatched, never a ticket.
    static let macLength = 5
    static let marker = "b-"

    public init(outboxId: Int64) {
        self.outboxId = outboxId
    }

    /// The envelope sender for this row's mail leaving `supportAddress`.
    public func address(supportAddress: String, secret: [UInt8]) -> String {
        ReplyToken.replyAddress(supportAddress: supportAddress, token: token(secret: secret))
    }

    func token(secret: [UInt8]) -> String {
        Self.marker + String(outboxId) + "-" + ReplyToken.Base32.encode(Self.mac(outboxId: outboxId, secret: secret))
    }

    /// The row named by `address` when it is one of ours for `supportAddress`, signed with
    /// `secret`; nil for any other address, a wrong signature included.
    public static func read(_ address: String, supportAddress: String, secret: [UInt8]) -> BounceAddress? {
        guard let token = ReplyToken.extract(from: address, supportAddress: supportAddress)?.lowercased(),
              token.hasPrefix(marker)
        else { return nil }
        let parts = token.dropFirst(marker.count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[0]), id > 0, String(id) == parts[0],
              let mac = ReplyToken.Base32.decode(String(parts[1])), mac.count == macLength
        else { return nil }
        return ReplyToken.sameMAC(Self.mac(outboxId: id, secret: secret)[...], mac[...]) ? BounceAddress(outboxId: id) : nil
    }

    /// A quick test any address must pass to be a bounce address of some mailbox: the marker
    /// after a `+`. Ordinary mail fails it without being compared with every mailbox.
    public static func mayBeOne(_ address: String) -> Bool {
        address.lowercased().contains("+" + marker)
    }

    /// Whether `address` has the form of a bounce address of `supportAddress`, signed or not:
    /// mail to it is about delivery, never a request.
    public static func looksLikeOne(_ address: String, supportAddress: String) -> Bool {
        ReplyToken.extract(from: address, supportAddress: supportAddress)?.lowercased().hasPrefix(marker) == true
    }

    private static func mac(outboxId: Int64, secret: [UInt8]) -> [UInt8] {
        // A label keeps these MACs apart from reply tokens made with the same secret.
        let code = HMAC<SHA256>.authenticationCode(for: Array("bounce:\(outboxId)".utf8), using: SymmetricKey(data: secret))
        return Array(code.prefix(macLength))
    }
}
