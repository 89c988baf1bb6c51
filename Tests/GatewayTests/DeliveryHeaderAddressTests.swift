import Foundation
@testable import Gateway
import MIME
import Testing

/// The addresses of the delivery headers (where the MTA delivered a message: the envelope
/// recipient a signed reply or bounce address is read from) without what surrounds them.
@Suite("Delivery header addresses")
struct DeliveryHeaderAddressTests {
    @Test("padding and angle brackets go, what is inside stays", arguments: [
        ("<support+abc@example.test>", "support+abc@example.test"),
        ("  support@example.test \r\n", "support@example.test"),
        ("\t<support@example.test>\t", "support@example.test"),
        ("< a b@example.test >", "a b@example.test"),
        ("Ünïcode@exämple.test", "Ünïcode@exämple.test"),
        ("<>", ""),
        ("", ""),
        ("   ", ""),
    ])
    func bareAddress(value: String, expected: String) {
        #expect(AgentMail.bareAddress(value) == expected)
    }

    @Test("delivery headers are found whatever their case, in the order Delivered-To, X-Original-To, Envelope-To, then To and Cc")
    func envelopeRecipientsInOrder() {
        let raw = """
            Envelope-To: <env@example.test>
            delivered-to:  <first@example.test>
            X-ORIGINAL-TO: orig@example.test
            Delivered-To: second@example.test
            From: ann@example.test
            To: to@example.test
            Cc: cc@example.test
            Subject: hello

            body

            """.replacingOccurrences(of: "\n", with: "\r\n")
        let message = Message.parse(Array(raw.utf8))
        #expect(IngestionPipeline.envelopeRecipients(message) == [
            "first@example.test", "second@example.test", "orig@example.test", "env@example.test", "to@example.test", "cc@example.test",
        ])
        #expect(AgentMail.recipients(of: message) == [
            "to@example.test", "cc@example.test", "first@example.test", "second@example.test", "orig@example.test", "env@example.test",
        ])
    }
}
