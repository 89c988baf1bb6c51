import MIME
import Testing

/// Inputs an outsider controls that once took time quadratic in their length: they are refused
/// or cut early (checked by result here; `scripts/bench-*` measure speed, tests do not).
@Suite("Hostile domains and bounce texts")
struct HostileAddressAndBounceTests {
    @Test func aHugeInternationalLabelIsRefusedBeforeEncoding() {
        let label = String(repeating: "日本語", count: 13_000)
        #expect(IDNA.asciiDomain("\(label).example") == nil)
        #expect(IDNA.asciiDomain(String(repeating: "ü.", count: 200) + "example") == nil, "over 253 as a whole")
    }

    @Test func aDiagnosticOfClosingParenthesesIsCut() throws {
        let message = Message.parse(Array("""
            Return-Path: <>
            From: MAILER-DAEMON@mx.example.test
            To: support@example.test
            Subject: Undelivered Mail Returned to Sender

            bob@x.example.test: 550 \(String(repeating: ")", count: 16_000))
            """.utf8))
        let bounce = try #require(message.bounce)
        let diagnostic = try #require(bounce.recipients.first?.diagnosticCode)
        #expect(diagnostic.count <= 500)
    }
}
