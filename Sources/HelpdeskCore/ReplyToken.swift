import Crypto
public import Foundation

/// Why a reply token did not prove anything.
public enum ReplyTokenFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a token this gateway writes: wrong length, a character outside base32, padding.
    case malformed
    /// Signed by us, but its validity ended at this date.
    case expired(Date)
    /// Well formed, but not signed with our secret for this ticket, agent and expiry.
    case wrongSignature

    public var description: String {
        switch self {
        case .malformed: "malformed reply token"
        case .expired(let date): "reply token expired at \(date)"
        case .wrongSignature: "reply token signature does not match"
        }
    }
}

/// A signed reply address token: ticket id and expiry in clear, plus a truncated HMAC-SHA256 over (ticket, agent address, expiry) keyed with a secret.
///
/// Layout before base32: ticket id (8 bytes big-endian), expiry (UInt32 seconds since 1970,
/// big-endian), first 10 bytes of HMAC-SHA256(secret, those 12 bytes + lower-cased agent address).
/// The agent address is signed but not carried: the reply's sender must supply it.
public struct ReplyToken: Sendable, Equatable {
    public var ticketId: Int64
    public var expires: Date  // whole seconds

    static let macLength = 10
    static let payloadLength = 12
    static let byteLength = payloadLength + macLength
    /// 22 bytes are 176 bits; base32 takes 36 characters for them (the last carries 4 zero bits).
    static let textLength = (byteLength * 8 + 4) / 5

    /// `expires` is cut to whole seconds and clamped to what 4 bytes hold (1970…2106), so a
    /// token read back equals the one that was signed.
    public init(ticketId: Int64, expires: Date) {
        self.ticketId = ticketId
        self.expires = Date(timeIntervalSince1970: Double(Self.seconds(expires)))
    }

    /// The token text for `agent` (address, compared lower-cased): lowercase RFC 4648 base32 without padding, safe in an email local part, at most 40 characters.
    public func signed(for agent: String, secret: [UInt8]) -> String {
        let payload = Self.payload(ticketId: ticketId, expires: Self.seconds(expires))
        return Base32.encode(payload + Self.mac(payload: payload, agent: agent, secret: secret))
    }

    /// Reads and checks `token` for mail from `agent` at `now`; constant-time comparison of the MAC.
    public static func verify(_ token: String, agent: String, secret: [UInt8], now: Date) throws(ReplyTokenFailure) -> ReplyToken {
        guard token.utf8.count == textLength, let bytes = Base32.decode(token), bytes.count == byteLength else {
            throw .malformed
        }
        let payload = Array(bytes[0..<payloadLength])
        let expected = mac(payload: payload, agent: agent, secret: secret)
        guard sameMAC(expected[...], bytes[payloadLength...]) else { throw .wrongSignature }

        let ticketId = Int64(bitPattern: payload[0..<8].reduce(0) { $0 << 8 | UInt64($1) })
        let seconds = payload[8..<12].reduce(0) { $0 << 8 | UInt32($1) }
        let token = ReplyToken(ticketId: ticketId, expires: Date(timeIntervalSince1970: Double(seconds)))
        // The expiry is the first second the token is no longer good for.
        guard now < token.expires else { throw .expired(token.expires) }
        return token
    }

    /// `support+TOKEN@example.com` → "TOKEN" when the local part before "+" is `base` (case-insensitive) and the domain matches; nil otherwise.
    ///
    /// Everything after the first "+" is returned, further plus signs included, so such an
    /// address reaches `verify` and fails there as malformed instead of silently not matching.
    public static func extract(from address: String, supportAddress: String) -> String? {
        guard case let (local, domain)? = split(address),
              case let (base, supportDomain)? = split(supportAddress),
              domain.lowercased() == supportDomain.lowercased(),
              let plus = local.firstIndex(of: "+"),
              local[..<plus].lowercased() == base.lowercased()
        else { return nil }
        let token = local[local.index(after: plus)...]
        return token.isEmpty ? nil : String(token)
    }

    /// `support@example.com` + token → `support+token@example.com`.
    public static func replyAddress(supportAddress: String, token: String) -> String {
        guard case let (local, domain)? = split(supportAddress) else { return supportAddress + "+" + token }
        return local + "+" + token + "@" + domain
    }

    // MARK: - Internals

    /// Equal MACs, compared in constant time: accumulating XOR takes the same time wherever the
    /// first difference is, so timing reveals nothing about how much of a guessed MAC was right.
    static func sameMAC(_ expected: ArraySlice<UInt8>, _ given: ArraySlice<UInt8>) -> Bool {
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(expected, given) { difference |= left ^ right }
        return difference == 0
    }

    /// Local part and domain, split at the last "@"; tolerates `<…>` and spaces around.
    private static func split(_ address: String) -> (local: String, domain: String)? {
        let trimmed = address.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "<>")))
        guard let at = trimmed.lastIndex(of: "@") else { return nil }
        let local = trimmed[..<at]
        let domain = trimmed[trimmed.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return nil }
        return (String(local), String(domain))
    }

    private static func seconds(_ date: Date) -> UInt32 {
        let value = date.timeIntervalSince1970.rounded(.down)
        guard value.isFinite else { return value > 0 ? .max : 0 }
        return UInt32(Swift.min(Swift.max(value, 0), Double(UInt32.max)))
    }

    private static func payload(ticketId: Int64, expires: UInt32) -> [UInt8] {
        let id = UInt64(bitPattern: ticketId)
        return (0..<8).map { UInt8(truncatingIfNeeded: id >> (56 - 8 * $0)) }
            + (0..<4).map { UInt8(truncatingIfNeeded: expires >> (24 - 8 * $0)) }
    }

    private static func mac(payload: [UInt8], agent: String, secret: [UInt8]) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(
            for: payload + Array(agent.lowercased().utf8), using: SymmetricKey(data: secret))
        return Array(code.prefix(macLength))
    }
}

extension ReplyToken {
    /// RFC 4648 base32, lower-case, no padding: the letters and digits survive any mail system's
    /// handling of a local part, and case-insensitive reading survives upper-casing.
    enum Base32 {
        static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

        static func encode(_ bytes: [UInt8]) -> String {
            var out: [UInt8] = []
            out.reserveCapacity((bytes.count * 8 + 4) / 5)
            var buffer: UInt32 = 0
            var bits = 0
            for byte in bytes {
                buffer = buffer << 8 | UInt32(byte)
                bits += 8
                while bits >= 5 {
                    bits -= 5
                    out.append(alphabet[Int(buffer >> UInt32(bits) & 31)])
                }
            }
            if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
            return String(decoding: out, as: UTF8.self)
        }

        /// nil for any character outside the alphabet (padding included), for a length no encoding
        /// produces, and for non-zero leftover bits: each byte string has exactly one text, so no
        /// changed character can still decode to the same bytes.
        static func decode(_ text: String) -> [UInt8]? {
            var out: [UInt8] = []
            var buffer: UInt32 = 0
            var bits = 0
            for char in text.utf8 {
                let value: UInt8
                switch char {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): value = char - UInt8(ascii: "a")
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = char - UInt8(ascii: "A")
                case UInt8(ascii: "2")...UInt8(ascii: "7"): value = char - UInt8(ascii: "2") + 26
                default: return nil
                }
                buffer = (buffer << 5 | UInt32(value)) & 0xFFFF
                bits += 5
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                }
            }
            guard bits < 5, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
            return out
        }
    }
}
