import Foundation
import HelpdeskCore
import Testing

@Suite("Bounce addresses (VERP)")
struct BounceAddressTests {
    static let secret = Array("a secret of the mailbox, 32 bytes".utf8)
    static let support = "support@example.test"
    static let base32 = "abcdefghijklmnopqrstuvwxyz234567"

    static func address(_ id: Int64, secret: [UInt8] = secret) -> String {
        BounceAddress(outboxId: id).address(supportAddress: support, secret: secret)
    }

    static func read(_ address: String, secret: [UInt8] = secret, support: String = support) -> BounceAddress? {
        BounceAddress.read(address, supportAddress: support, secret: secret)
    }

    /// The 8 MAC characters of the address made for `id`.
    static func mac(_ id: Int64) throws -> String {
        let local = try #require(address(id).split(separator: "@").first)
        return try #require(local.split(separator: "-").last.map(String.init))
    }

    @Test("an address reads back as the row it was made for", arguments: [Int64(1), 42, 1_000_000_007, Int64.max])
    func roundTrip(id: Int64) throws {
        let text = Self.address(id)
        #expect(text.hasPrefix("support+b-\(id)-") && text.hasSuffix("@example.test"), "\(text)")
        let mac = try Self.mac(id)
        #expect(mac.count == 8)
        #expect(mac.allSatisfy { Self.base32.contains($0) })
        #expect(Self.read(text) == BounceAddress(outboxId: id))
        // Mail systems may change the case of the whole address.
        #expect(Self.read(text.uppercased()) == BounceAddress(outboxId: id))
        #expect(Self.read(text, support: "Support@Example.TEST") == BounceAddress(outboxId: id))
        #expect(Self.read("<\(text)>") == BounceAddress(outboxId: id), "angle brackets as in a Return-Path")
    }

    @Test func theSameRowAlwaysGetsTheSameAddressAndOtherRowsOtherMACs() throws {
        #expect(Self.address(42) == Self.address(42))
        #expect(try Self.mac(42) != Self.mac(43))
        #expect(Self.address(42) != Self.address(42, secret: Array("another secret of 32 bytes......".utf8)))
    }

    @Test func aWrongSecretReadsNothing() {
        #expect(Self.read(Self.address(42), secret: Array("another secret of 32 bytes......".utf8)) == nil)
        #expect(Self.read(Self.address(42, secret: Array("another secret of 32 bytes......".utf8))) == nil)
    }

    @Test func aChangedDigitReadsNothing() throws {
        let mac = try Self.mac(42)
        for id in ["43", "41", "142", "4", "24"] {
            #expect(Self.read("support+b-\(id)-\(mac)@example.test") == nil, "b-\(id) with the MAC of 42")
        }
    }

    @Test("changing any MAC character reads nothing", arguments: 0..<8)
    func aChangedMACCharacterReadsNothing(position: Int) throws {
        var chars = Array(try Self.mac(42))
        let original = chars[position]
        for replacement in Self.base32 where replacement != original {
            chars[position] = replacement
            let forged = "support+b-42-\(String(chars))@example.test"
            #expect(Self.read(forged) == nil, "\(forged)")
        }
    }

    static func malformed() throws -> [(String, String)] {
        let mac = try mac(42)
        let good = "support+b-42-\(mac)@example.test"
        return [
            ("another mailbox", "sales+b-42-\(mac)@example.test"),
            ("another domain", "support+b-42-\(mac)@example.org"),
            ("a subdomain", "support+b-42-\(mac)@mail.example.test"),
            ("no MAC", "support+b-42@example.test"),
            ("an empty MAC", "support+b-42-@example.test"),
            ("no id", "support+b--\(mac)@example.test"),
            ("no marker", "support+42-\(mac)@example.test"),
            ("another marker", "support+c-42-\(mac)@example.test"),
            ("marker only", "support+b-@example.test"),
            ("no token", "support+@example.test"),
            ("the plain address", "support@example.test"),
            ("no domain", "support+b-42-\(mac)"),
            ("leading zero", "support+b-042-\(mac)@example.test"),
            ("plus sign in the id", "support+b-+42-\(mac)@example.test"),
            ("extra plus after", good.replacingOccurrences(of: "@", with: "+x@")),
            ("extra plus before", "support+x+b-42-\(mac)@example.test"),
            ("a third part", "support+b-42-\(mac)-x@example.test"),
            ("a longer MAC", "support+b-42-\(mac)a@example.test"),
            ("a shorter MAC", "support+b-42-\(mac.dropLast())@example.test"),
            ("padding", "support+b-42-\(mac)=@example.test"),
            ("id beyond Int64", "support+b-9223372036854775808-\(mac)@example.test"),
        ]
    }

    @Test func malformedAndForeignAddressesReadNothing() throws {
        for (what, address) in try Self.malformed() {
            #expect(Self.read(address) == nil, "\(what): \(address)")
        }
    }

    @Test("zero and negative ids are never read, even when signed", arguments: [Int64(0), -1, -42, Int64.min])
    func nonPositiveIds(id: Int64) {
        let text = Self.address(id)
        #expect(Self.read(text) == nil, "\(text)")
    }

    /// The quick test lets every real bounce address through, and ordinary ones not.
    @Test func mayBeOneLetsEveryBounceAddressThrough() throws {
        let made = BounceAddress(outboxId: 42).address(supportAddress: Self.support, secret: Array("0123456789abcdef".utf8))
        #expect(BounceAddress.mayBeOne(made) && BounceAddress.mayBeOne(made.uppercased()))
        #expect(!BounceAddress.mayBeOne(Self.support))
        #expect(!BounceAddress.mayBeOne("alice+news@example.test"))
    }

    @Test func looksLikeOneIsAboutTheFormNotTheSignature() throws {
        #expect(BounceAddress.looksLikeOne("support+b-42-aaaaaaaa@example.test", supportAddress: Self.support), "a forged one")
        #expect(BounceAddress.looksLikeOne("SUPPORT+B-42-AAAAAAAA@EXAMPLE.TEST", supportAddress: Self.support))
        #expect(BounceAddress.looksLikeOne(Self.address(42), supportAddress: Self.support))
        #expect(BounceAddress.looksLikeOne("support+b-@example.test", supportAddress: Self.support), "the marker is enough")

        let token = ReplyToken(ticketId: 42, expires: Date(timeIntervalSince1970: 1_900_000_000)).signed(for: "bob@example.test", secret: Self.secret)
        let reply = ReplyToken.replyAddress(supportAddress: Self.support, token: token)
        #expect(!BounceAddress.looksLikeOne(reply, supportAddress: Self.support), "\(reply)")
        #expect(!BounceAddress.looksLikeOne(Self.support, supportAddress: Self.support))
        #expect(!BounceAddress.looksLikeOne("support+42@example.test", supportAddress: Self.support))
        #expect(!BounceAddress.looksLikeOne("sales+b-42-aaaaaaaa@example.test", supportAddress: Self.support), "another mailbox")
        #expect(!BounceAddress.looksLikeOne("support+b-42-aaaaaaaa@example.org", supportAddress: Self.support), "another domain")
    }

    @Test func aBounceAddressIsNoReplyTokenAndAReplyAddressNoBounceAddress() throws {
        // The same secret signs both: the label must keep them apart.
        let bounce = Self.address(42)
        let token = try #require(ReplyToken.extract(from: bounce, supportAddress: Self.support))
        #expect(throws: ReplyTokenFailure.self) {
            try ReplyToken.verify(token, agent: "bob@example.test", secret: Self.secret, now: Date(timeIntervalSince1970: 1_800_000_000))
        }
        let replyToken = ReplyToken(ticketId: 42, expires: Date(timeIntervalSince1970: 1_900_000_000)).signed(for: "bob@example.test", secret: Self.secret)
        #expect(Self.read(ReplyToken.replyAddress(supportAddress: Self.support, token: replyToken)) == nil)
    }
}
