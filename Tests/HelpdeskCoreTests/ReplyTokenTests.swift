import Foundation
@testable import HelpdeskCore
import Testing

@Suite("Reply tokens")
struct ReplyTokenTests {
    static let secret = Array("a secret of the mailbox, 32 bytes".utf8)
    static let agent = "alice@example.com"
    static let expires = Date(timeIntervalSince1970: 1_900_000_000)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let token = ReplyToken(ticketId: 42, expires: expires).signed(for: agent, secret: secret)

    static func verify(_ token: String, agent: String = agent, secret: [UInt8] = secret, now: Date = now) -> Result<ReplyToken, ReplyTokenFailure> {
        Result { () throws(ReplyTokenFailure) in try ReplyToken.verify(token, agent: agent, secret: secret, now: now) }
    }

    static let validCases: [(ticketId: Int64, agent: String)] = [
        (1, "alice@example.com"),
        (42, "Bob.Smith@Example.COM"),
        (999_999, "agent+tag@sub.example.org"),
        (Int64.max, "x@y.z"),
        (0, "alice@example.com"),
        (-1, "alice@example.com"),
        (Int64.min, "élodie@exemple.fr"),
    ]

    @Test("a signed token verifies for its agent and reads back the same token", arguments: validCases)
    func valid(ticketId: Int64, agent: String) throws {
        let token = ReplyToken(ticketId: ticketId, expires: Self.expires)
        let text = token.signed(for: agent, secret: Self.secret)
        #expect(text.count == 36)
        #expect(text.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
        #expect(try Self.verify(text, agent: agent).get() == token)
        // Mail systems may upper-case the local part.
        #expect(try Self.verify(text.uppercased(), agent: agent).get() == token)
    }

    @Test("expiry is kept to whole seconds, so a read-back token equals the signed one")
    func wholeSeconds() throws {
        let token = ReplyToken(ticketId: 7, expires: Date(timeIntervalSince1970: 1_900_000_000.75))
        #expect(token.expires == Date(timeIntervalSince1970: 1_900_000_000))
        #expect(try Self.verify(token.signed(for: Self.agent, secret: Self.secret)).get() == token)
    }

    @Test("changing any one character makes the token fail", arguments: 0..<36)
    func tampered(position: Int) {
        var chars = Array(Self.token)
        let original = chars[position]
        for replacement in "abcdefghijklmnopqrstuvwxyz234567" where replacement != original {
            chars[position] = replacement
            let result = Self.verify(String(chars))
            // The last character carries four zero bits: most changes there are not even base32 we write.
            switch result {
            case .failure(.wrongSignature), .failure(.malformed): break
            default: Issue.record("position \(position) → \(replacement): \(result)")
            }
        }
    }

    static let expiryCases: [(offset: TimeInterval, expired: Bool)] = [
        (-86_400, false),
        (-1, false),
        (-0.001, false),
        (0, true),  // the expiry itself is already too late
        (0.5, true),
        (1, true),
        (86_400 * 365, true),
    ]

    @Test("expired at and after the expiry", arguments: expiryCases)
    func expiry(offset: TimeInterval, expired: Bool) {
        let result = Self.verify(Self.token, now: Self.expires.addingTimeInterval(offset))
        if expired {
            #expect(result.tokenFailure == .expired(Self.expires))
        } else {
            #expect(result.tokenFailure == nil)
        }
    }

    static let agentCases: [(agent: String, passes: Bool)] = [
        ("alice@example.com", true),
        ("ALICE@EXAMPLE.COM", true),
        ("Alice@Example.com", true),
        ("bob@example.com", false),
        ("alice@example.org", false),
        ("alice@example.com.evil.net", false),
        ("alice", false),
        ("", false),
    ]

    @Test("only the agent it was issued to, in any case", arguments: agentCases)
    func agent(agent: String, passes: Bool) {
        let result = Self.verify(Self.token, agent: agent)
        #expect(result.tokenFailure == (passes ? nil : .wrongSignature))
    }

    static let payloadEdits: [(ticketId: Int64, expires: UInt32)] = [
        (43, 1_900_000_000),
        (41, 1_900_000_000),
        (42 | 1 << 40, 1_900_000_000),
        (-42, 1_900_000_000),
        (42, 1_900_000_001),
        (42, 2_000_000_000),
        (42, UInt32.max),
    ]

    @Test("another ticket id or expiry under the old MAC fails", arguments: payloadEdits)
    func reencoded(ticketId: Int64, expires: UInt32) throws {
        let bytes = try #require(ReplyToken.Base32.decode(Self.token))
        let id = UInt64(bitPattern: ticketId)
        let payload = (0..<8).map { UInt8(truncatingIfNeeded: id >> (56 - 8 * $0)) }
            + (0..<4).map { UInt8(truncatingIfNeeded: expires >> (24 - 8 * $0)) }
        let forged = ReplyToken.Base32.encode(payload + bytes[12...])
        #expect(forged.count == 36)
        #expect(Self.verify(forged).tokenFailure == .wrongSignature)
    }

    static let otherSecrets: [[UInt8]] = [
        [],
        Array("a secret of the mailbox, 32 byteS".utf8),
        Array("a secret of the mailbox, 32 bytes!".utf8),
        Array(repeating: 0, count: 32),
    ]

    @Test("another secret fails", arguments: otherSecrets)
    func wrongSecret(secret: [UInt8]) {
        #expect(Self.verify(Self.token, secret: secret).tokenFailure == .wrongSignature)
    }

    static let malformed: [String] = [
        "",
        "a",
        String(token.prefix(35)),
        String(token.dropFirst()),
        token + "a",
        token + "====",
        String(token.prefix(32)) + "====",
        String(token.prefix(35)) + "=",
        String(token.prefix(35)) + "0",
        String(token.prefix(35)) + "1",
        String(token.prefix(35)) + "8",
        String(token.prefix(35)) + "-",
        String(token.prefix(35)) + "é",
        String(token.prefix(35)) + " ",
        " " + String(token.prefix(35)),
        String(repeating: "a", count: 35) + "b",  // non-zero leftover bits
        String(repeating: "7", count: 36),
        String(repeating: "ab", count: 40),
        token + "+" + token,
    ]

    @Test("malformed text is malformed, whatever the secret", arguments: malformed)
    func malformedInput(text: String) {
        #expect(Self.verify(text).tokenFailure == .malformed)
    }

    static let extractCases: [(address: String, expected: String?)] = [
        ("support+tok@example.com", "tok"),
        ("Support+TOK@Example.COM", "TOK"),
        ("SUPPORT+abc234@EXAMPLE.com", "abc234"),
        ("<support+tok@example.com>", "tok"),
        ("support@example.com", nil),
        ("support+@example.com", nil),
        ("support+tok@example.org", nil),
        ("support+tok@sub.example.com", nil),
        ("sales+tok@example.com", nil),
        ("supporter+tok@example.com", nil),
        ("xsupport+tok@example.com", nil),
        ("support+a+b@example.com", "a+b"),
        ("support++tok@example.com", "+tok"),
        ("support+tok", nil),
        ("", nil),
        ("@", nil),
        ("+tok@example.com", nil),
    ]

    @Test("extracts the token of our support address only", arguments: extractCases)
    func extract(address: String, expected: String?) {
        #expect(ReplyToken.extract(from: address, supportAddress: "support@example.com") == expected)
    }

    static let supportAddresses = ["support@example.com", "Help.Desk@Example.COM", "a@b"]

    @Test("replyAddress and extract round trip, and the token still verifies", arguments: supportAddresses)
    func roundTrip(supportAddress: String) throws {
        let address = ReplyToken.replyAddress(supportAddress: supportAddress, token: Self.token)
        let local = try #require(supportAddress.split(separator: "@").first)
        #expect(address.hasPrefix(local + "+" + Self.token + "@"))
        let token = try #require(ReplyToken.extract(from: address, supportAddress: supportAddress))
        #expect(token == Self.token)
        #expect(ReplyToken.extract(from: address.uppercased(), supportAddress: supportAddress) == Self.token.uppercased())
        #expect(try Self.verify(token).get().ticketId == 42)
        #expect(try Self.verify(token.uppercased()).get().ticketId == 42)
    }

    @Test("failures read well")
    func descriptions() {
        #expect(ReplyTokenFailure.malformed.description == "malformed reply token")
        #expect(ReplyTokenFailure.wrongSignature.description == "reply token signature does not match")
        #expect(ReplyTokenFailure.expired(Self.expires).description.contains("expired"))
    }
}

extension Result {
    fileprivate var tokenFailure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
