import Foundation

/// Makes globally unique message ids (RFC 5322 section 3.6.4) for outgoing mail.
public enum MessageIDGenerator {
    /// An id like `5f0c9a1e3b7d2c48.lq2x9m0a@example.test` (no angle brackets): 64 random bits in
    /// hex, then the time in milliseconds in base 36, then the domain.
    public static func make(domain: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = String(generator.next(), radix: 16)
        let padded = String(repeating: "0", count: 16 - random.count) + random
        let millis = UInt64(max(0, Date().timeIntervalSince1970 * 1_000))
        let cleanDomain = HeaderSanitizer.messageID(domain).filter { $0 != "@" }
        return "\(padded).\(String(millis, radix: 36))@\(cleanDomain.isEmpty ? "localhost" : cleanDomain)"
    }
}
