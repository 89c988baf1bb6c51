import Foundation
import Testing
@testable import MIME

/// Addresses with non-ASCII local parts or domains in their envelope and header forms.
@Suite("International addresses")
struct InternationalAddressTests {
    struct WireCase: Sendable, CustomTestStringConvertible {
        var written: String
        var envelope: String
        var header: String
        var needsSMTPUTF8: Bool
        var testDescription: String { written.isEmpty ? "(empty)" : written }
    }

    static let wireCases: [WireCase] = [
        WireCase(written: "ann@example.test", envelope: "ann@example.test", header: "ann@example.test", needsSMTPUTF8: false),
        // ASCII domains need no conversion: kept as written, case and all.
        WireCase(written: "Ann@Example.TEST", envelope: "Ann@Example.TEST", header: "Ann@Example.TEST", needsSMTPUTF8: false),
        // An ASCII local part: the A-label everywhere, which every server takes.
        WireCase(written: "anna@bücher.example", envelope: "anna@xn--bcher-kva.example", header: "anna@xn--bcher-kva.example", needsSMTPUTF8: false),
        WireCase(written: "anna@Bu\u{308}cher.example", envelope: "anna@xn--bcher-kva.example", header: "anna@xn--bcher-kva.example", needsSMTPUTF8: false),
        WireCase(written: "\"a@b\"@bücher.example", envelope: "\"a@b\"@xn--bcher-kva.example", header: "\"a@b\"@xn--bcher-kva.example", needsSMTPUTF8: false),
        // A non-ASCII local part: SMTPUTF8, the header in UTF-8 with the U-label (NFC).
        WireCase(written: "jörg@bücher.example", envelope: "jörg@xn--bcher-kva.example", header: "jörg@bücher.example", needsSMTPUTF8: true),
        WireCase(written: "jörg@XN--BCHER-KVA.example", envelope: "jörg@XN--BCHER-KVA.example", header: "jörg@bücher.example", needsSMTPUTF8: true),
        WireCase(written: "jörg@example.test", envelope: "jörg@example.test", header: "jörg@example.test", needsSMTPUTF8: true),
        WireCase(written: "用户@例え.テスト", envelope: "用户@xn--r8jz45g.xn--zckzah", header: "用户@例え.テスト", needsSMTPUTF8: true),
        WireCase(written: "jörg@[192.0.2.1]", envelope: "jörg@[192.0.2.1]", header: "jörg@[192.0.2.1]", needsSMTPUTF8: true),
        WireCase(written: "postmaster", envelope: "postmaster", header: "postmaster", needsSMTPUTF8: false),
        WireCase(written: "", envelope: "", header: "", needsSMTPUTF8: false),
    ]

    @Test(arguments: wireCases)
    func wireForms(testCase: WireCase) throws {
        let wire = try #require(WireAddress(testCase.written))
        #expect(wire.envelope == testCase.envelope)
        #expect(wire.header == testCase.header)
        #expect(wire.needsSMTPUTF8 == testCase.needsSMTPUTF8)
        #expect(Address(address: testCase.written).wire == wire)
    }

    @Test(arguments: ["anna@bü cher.example", "anna@bücher..example", "anna@bü<c>.example", "jörg@exa mple.test", "jörg@☃.example"])
    func domainsIDNARefusesHaveNoWireForm(address: String) {
        #expect(WireAddress(address) == nil)
    }

    @Test func headersCarryTheWireForms() throws {
        var outgoing = OutgoingMessage(
            from: Address(name: "Support", address: "support@bücher.example"),
            to: [Address(name: "Jörg Müller", address: "jörg@bücher.example"), Address(address: "anna@bücher.example")],
            subject: "Ihre Anfrage", textBody: "Hallo\n", messageID: "m1@xn--bcher-kva.example", date: OutgoingMessageTests.date)
        outgoing.cc = [Address(address: "用户@例え.テスト")]
        let bytes = outgoing.rendered()
        OutgoingMessageTests.checkWireForm(bytes)
        // Unfolded: a long To line is folded at a space.
        let header = OutgoingMessageTests.split(bytes).header.reduce(into: [String]()) { lines, line in
            if line.hasPrefix(" "), let last = lines.popLast() { lines.append(last + line) } else { lines.append(line) }
        }
        #expect(header.contains("From: Support <support@xn--bcher-kva.example>"))
        let to = try #require(header.first { $0.hasPrefix("To: ") })
        // The display name stays an RFC 2047 encoded word; the address is UTF-8 (RFC 6532).
        #expect(to.hasPrefix("To: =?utf-8?"), "\(to)")
        #expect(to.hasSuffix("<jörg@bücher.example>, anna@xn--bcher-kva.example"), "\(to)")
        #expect(header.contains("Cc: 用户@例え.テスト"))

        let parsed = Message.parse(bytes)
        #expect(parsed.to == [Address(name: "Jörg Müller", address: "jörg@bücher.example"), Address(address: "anna@xn--bcher-kva.example")])
        #expect(parsed.cc == [Address(address: "用户@例え.テスト")])
    }

    @Test func aDomainIDNARefusesStaysAsWrittenInTheHeader() {
        let outgoing = OutgoingMessage(
            from: Address(address: "support@example.test"), to: [Address(address: "anna@bü☃.example")],
            subject: "x", textBody: "x\n", messageID: "m2@example.test", date: OutgoingMessageTests.date)
        #expect(OutgoingMessageTests.split(outgoing.rendered()).header.contains("To: anna@bü☃.example"))
    }
}
