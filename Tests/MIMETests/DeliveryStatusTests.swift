import Testing
@testable import MIME

/// Delivery status notifications (RFC 3464) as real MTAs write them, and messages that are not.
@Suite("MIME delivery status notifications")
struct DeliveryStatusTests {
    struct FailedRecipient: Sendable, Equatable, CustomStringConvertible {
        var address: String
        var status: String
        var diagnostic: String?
        var description: String { "\(address) \(status)" }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var lines: [String]
        var originalMessageID: String?
        var failed: [FailedRecipient]
        var recipientCount: Int
        var testDescription: String { name }
    }

    static let postfix = Case(name: "Postfix", lines: [
        "Return-Path: <>", "From: MAILER-DAEMON@mail.example.test (Mail Delivery System)",
        "Subject: Undelivered Mail Returned to Sender", "Auto-Submitted: auto-replied", "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status;", "\tboundary=\"4F1A2B3C.1764000000/mail.example.test\"", "",
        "This is a MIME-encapsulated message.", "",
        "--4F1A2B3C.1764000000/mail.example.test", "Content-Description: Notification",
        "Content-Type: text/plain; charset=us-ascii", "", "I'm sorry to have to inform you that your message could not",
        "be delivered to one or more recipients.", "",
        "--4F1A2B3C.1764000000/mail.example.test", "Content-Description: Delivery report",
        "Content-Type: message/delivery-status", "",
        "Reporting-MTA: dns; mail.example.test", "X-Postfix-Queue-ID: 4F1A2B3C",
        "X-Postfix-Sender: rfc822; support@example.test", "Arrival-Date: Tue, 24 Nov 2026 09:12:00 +0000 (UTC)", "",
        "Final-Recipient: rfc822; nobody@example.org", "Original-Recipient: rfc822;nobody@example.org",
        "Action: failed", "Status: 5.1.1", "Remote-MTA: dns; mx.example.org",
        "Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address rejected:",
        "    User unknown in local recipient table", "",
        "Final-Recipient: rfc822; slow@example.net", "Action: delayed", "Status: 4.4.1",
        "Diagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.1]:25: Connection timed out", "",
        "--4F1A2B3C.1764000000/mail.example.test", "Content-Description: Undelivered Message",
        "Content-Type: message/rfc822", "",
        "From: Support <support@example.test>", "To: nobody@example.org", "Subject: [SUPP-7] Received",
        "Message-ID: <ack-7@example.test>", "", "We received your request.", "",
        "--4F1A2B3C.1764000000/mail.example.test--", "",
    ], originalMessageID: "ack-7@example.test", failed: [
        FailedRecipient(address: "nobody@example.org", status: "5.1.1",
                        diagnostic: "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table"),
    ], recipientCount: 2)

    // Exim writes Action before Final-Recipient and returns only the headers.
    static let exim = Case(name: "Exim", lines: [
        "From: Mail Delivery System <Mailer-Daemon@mx.example.net>", "Subject: Mail delivery failed: returning message to sender",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=1764000000-eximdsn-1804289383",
        "MIME-Version: 1.0", "", "--1764000000-eximdsn-1804289383", "Content-type: text/plain; charset=us-ascii", "",
        "This message was created automatically by mail delivery software.", "",
        "--1764000000-eximdsn-1804289383", "Content-type: message/delivery-status", "",
        "Reporting-MTA: dns; mx.example.net", "",
        "Action: failed", "Final-Recipient: rfc822;gone@example.net", "Status: 5.0.0",
        "Remote-MTA: dns; mx2.example.net", "X-Remote-MTA-smtp-greeting: X-Str; 220 mx2.example.net ESMTP",
        "Diagnostic-Code: smtp; 550 5.1.1 No such user", "",
        "--1764000000-eximdsn-1804289383", "Content-type: text/rfc822-headers", "",
        "Return-path: <support@example.test>", "Message-ID: <SUPP-7.reply.3@example.test>",
        "Subject: [SUPP-7] Your printer", "", "--1764000000-eximdsn-1804289383--", "",
    ], originalMessageID: "SUPP-7.reply.3@example.test", failed: [
        FailedRecipient(address: "gone@example.net", status: "5.0.0", diagnostic: "550 5.1.1 No such user"),
    ], recipientCount: 1)

    // Exchange-like: base64 status part with every group folded into one, and headers-only
    // message/rfc822 part.
    static let exchange = Case(name: "Exchange", lines: [
        "From: postmaster@corp.example", "Subject: Undeliverable: [SUPP-9] Update",
        "Content-Type: multipart/report; report-type=\"Delivery-Status\";", " boundary=\"_000_exch_\"", "",
        "--_000_exch_", "Content-Type: multipart/alternative; boundary=\"_alt_\"", "",
        "--_alt_", "Content-Type: text/plain; charset=\"us-ascii\"", "", "Delivery has failed to these recipients.",
        "--_alt_", "Content-Type: text/html; charset=\"us-ascii\"", "", "<p>Delivery has failed.</p>", "--_alt_--", "",
        "--_000_exch_", "Content-Type: message/delivery-status", "Content-Transfer-Encoding: base64", "",
    ] + base64Lines([
        "Reporting-MTA: dns;EX01.corp.example", "Received-From-MTA: dns;EX02.corp.example",
        "Arrival-Date: Tue, 24 Nov 2026 09:12:00 +0000",
        "Original-Recipient: rfc822;a@corp.example", "Final-Recipient: rfc822;a@corp.example", "Action: failed",
        "Status: 5.1.10",
        "Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        "Original-Recipient: rfc822;b@corp.example", "Final-Recipient: rfc822;<b@corp.example>", "Action: failed",
        "Status: 5.2.2", "X-Display-Name: B", "",
    ].joined(separator: "\r\n")) + [
        "", "--_000_exch_", "Content-Type: message/rfc822", "",
        "From: Support <support@example.test>", "Message-ID: <SUPP-9.update@example.test>", "Subject: [SUPP-9] Update", "",
        "--_000_exch_--", "",
    ], originalMessageID: "SUPP-9.update@example.test", failed: [
        FailedRecipient(address: "a@corp.example", status: "5.1.10",
                        diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
        FailedRecipient(address: "b@corp.example", status: "5.2.2", diagnostic: nil),
    ], recipientCount: 2)

    // No returned message: the header's X-Original-Message-ID names it.
    static let headerFallback = Case(name: "X-Original-Message-ID", lines: [
        "Content-Type: multipart/report; report-type=delivery-status; boundary=r",
        "X-Original-Message-ID: <orig-1@example.test>", "", "--r", "Content-Type: message/delivery-status", "",
        "Reporting-MTA: dns; relay.example", "Original-Envelope-Id: envid-42", "",
        "Final-Recipient: rfc822; x@example.org", "Action: failed", "Status: 5.7.1", "--r--", "",
    ], originalMessageID: "orig-1@example.test", failed: [
        FailedRecipient(address: "x@example.org", status: "5.7.1", diagnostic: nil),
    ], recipientCount: 1)

    // Only an envelope id, and a gateway that left out Action (a 5.x.x status still counts).
    static let envelopeFallback = Case(name: "Original-Envelope-Id", lines: [
        "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r",
        "Content-Type: message/delivery-status", "", "Original-Envelope-Id: <env-7@example.test>", "",
        "Final-Recipient: rfc822; y@example.org", "Status: 5.1.2 (bad domain)", "--r--", "",
    ], originalMessageID: "env-7@example.test", failed: [
        FailedRecipient(address: "y@example.org", status: "5.1.2", diagnostic: nil),
    ], recipientCount: 1)

    static func base64Lines(_ text: String) -> [String] {
        String(decoding: Base64.encode(Array(text.utf8)), as: UTF8.self).split(separator: "\r\n").map(String.init)
    }

    @Test(arguments: [postfix, exim, exchange, headerFallback, envelopeFallback])
    func readsReport(_ example: Case) throws {
        let parsed = Message.parse(message(example.lines))
        let report = try #require(parsed.deliveryStatus)
        #expect(report.originalMessageID == example.originalMessageID)
        #expect(report.recipients.count == example.recipientCount)
        let failed = report.failedRecipients.map {
            FailedRecipient(address: $0.address ?? "", status: $0.status ?? "", diagnostic: $0.diagnosticCode)
        }
        #expect(failed == example.failed)
    }

    @Test func perMessageFields() throws {
        let report = try #require(Message.parse(message(Self.headerFallback.lines)).deliveryStatus)
        #expect(report.reportingMTA == "relay.example")
        #expect(report.originalEnvelopeID == "envid-42")
        let postfix = try #require(Message.parse(message(Self.postfix.lines)).deliveryStatus)
        #expect(postfix.recipients.last?.action == "delayed")
        #expect(postfix.recipients.last?.isFailed == false)
        #expect(postfix.recipients.first?.originalRecipient == "nobody@example.org")
        #expect(postfix.recipients.first?.remoteMTA == "mx.example.org")
    }

    @Test(arguments: [
        ("plain message", ["From: a@example.test", "Subject: hi", "", "Hello"]),
        ("read receipt", ["Content-Type: multipart/report; report-type=disposition-notification; boundary=m", "",
                          "--m", "Content-Type: message/disposition-notification", "",
                          "Final-Recipient: rfc822; a@example.test", "Disposition: manual-action/MDN-sent-manually; displayed",
                          "--m--"]),
        ("forwarded bounce", ["Content-Type: multipart/mixed; boundary=f", "", "--f", "Content-Type: text/plain", "",
                              "Why did this bounce?", "--f", "Content-Type: message/rfc822", "",
                              "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r",
                              "Content-Type: message/delivery-status", "", "Final-Recipient: rfc822; z@example.org",
                              "Action: failed", "Status: 5.1.1", "--r--", "--f--"]),
    ])
    func notAReport(_ name: String, _ lines: [String]) {
        #expect(Message.parse(message(lines)).deliveryStatus == nil, "\(name)")
    }

    @Test func reportWithoutStatusPartIsStillAReport() throws {
        let parsed = Message.parse(message([
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r",
            "Content-Type: text/plain", "", "Your mail bounced.", "--r--",
        ]))
        let report = try #require(parsed.deliveryStatus)
        #expect(report.recipients.isEmpty)
        #expect(report.originalMessageID == nil)
    }

    @Test func junkLinesInStatusPartAreSkipped() throws {
        let parsed = Message.parse(message([
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r",
            "Content-Type: message/delivery-status", "", "this is not a field", "",
            "Final-Recipient: rfc822; j@example.org", "Action: failed", "Status: 5.0.0", "", "trailing junk", "--r--",
        ]))
        let report = try #require(parsed.deliveryStatus)
        #expect(report.failedRecipients.map(\.address) == ["j@example.org"])
    }

    /// A notice with far more groups than any of our messages has recipients: the first
    /// `maxRecipients` are read, in order, and the rest skipped. Groups folded into one field
    /// block stop earlier, at the header parser's field limit (3 fields a group here).
    @Test(arguments: [true, false])
    func recipientGroupsAreCapped(separated: Bool) throws {
        let count = DeliveryStatusFields.maxRecipients + 500
        var lines = [
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r",
            "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx.example.org", "",
        ]
        for index in 0..<count {
            lines += ["Final-Recipient: rfc822; r\(index)@example.org", "Action: failed", "Status: 5.1.1"]
            if separated { lines.append("") }
        }
        lines.append("--r--")
        let report = try #require(Message.parse(message(lines)).deliveryStatus)
        let expected = separated ? DeliveryStatusFields.maxRecipients : (HeaderParser.maxFields + 2) / 3
        #expect(report.recipients.count == expected)
        #expect(report.recipients.first?.address == "r0@example.org")
        #expect(report.recipients.last?.address == "r\(expected - 1)@example.org")
        #expect(report.reportingMTA == "mx.example.org")
    }
}
