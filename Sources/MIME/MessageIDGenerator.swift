import Foundation

/// Makes globally unique message ids (RFC 5322 section 3.6.4) for outgoing mail.
public enum MessageIDGenerator {
    /// An id like `5f0c9a1e3b7d2c48.lq2x9m0a@example.test` (no angle brackets): 64 random bits in
    /// hex, then the time in milliseconds in base 36, then the domain.
    public static func make(domain: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = generator.next() as UInt64
        let millis = UInt64(max(0, Date().timeIntervalSince1970 * 1_000))
        // A plain host name needs no cleaning: filtering it Character by Character for every id
        // was a fortieth of a backlog's recording time.
        let isPlain = !domain.isEmpty && domain.utf8.allSatisfy(isPlainDomainByte)
        let cleanDomain = isPlain ? domain : HeaderSanitizer.messageID(domain).filter { $0 != "@" }
        let digits = Array("0123456789abcdef".utf8)
        var id: [UInt8] = []
        id.reserveCapacity(32 + domain.utf8.count)
        for shift in stride(from: 60, through: 0, by: -4) { id.append(digits[Int((random >> UInt64(shift)) & 0xf)]) }
        id.append(UInt8(ascii: "."))
        id += String(millis, radix: 36).utf8
        id.append(UInt8(ascii: "@"))
        id += (cleanDomain.isEmpty ? "localhost" : cleanDomain).utf8
        return String(decoding: id, as: UTF8.self)
    }

    private static func isPlainDomainByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "-"): true
        default: false
        }
    }
}
