import Testing
@testable import MIME

/// Bounces in every form mail systems send them (delivery status notifications and the plain-text
/// forms of qmail, Exim, Postfix, Sendmail, Gmail and Exchange), and messages that only look like them.
@Suite("MIME bounce reports")
struct BounceReportTests {
    struct ExpectedRecipient: Sendable, Equatable, CustomStringConvertible {
        var address: String
        var action: String
        var status: String?
        var permanent: Bool
        var diagnostic: String?
        var description: String {
            "\(address) \(action) \(status ?? "-") \(permanent ? "permanent" : "temporary") \(diagnostic ?? "-")"
        }

        init(_ address: String, _ action: String, _ status: String?, permanent: Bool, diagnostic: String? = nil) {
            self.address = address
            self.action = action
            self.status = status
            self.permanent = permanent
            self.diagnostic = diagnostic
        }

        init(_ recipient: DeliveryStatusReport.Recipient) {
            self.init(recipient.address ?? "", recipient.action ?? "", recipient.effectiveStatus,
                      permanent: recipient.isPermanentFailure, diagnostic: recipient.diagnosticCode)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The message with "\n" line ends; every case is also read with CRLF.
        var text: String
        var form: BounceReport.Form
        var originalMessageID: String?
        var recipients: [ExpectedRecipient]
        var testDescription: String { name }
    }

    // MARK: Delivery status notifications

    /// A real OpenSMTPD 6.8 bounce, byte for byte: multipart/mixed instead of multipart/report, a
    /// generic 5.0.0 Status and the remote server's reply only in the notice.
    static let openSMTPDSample = """
        Return-Path: <>
        Delivered-To: support+b-7-abcd@example.test
        Subject: Delivery status notification: failed
        From: Mailer Daemon <MAILER-DAEMON@localhost>
        To: support+b-7-abcd@example.test
        MIME-Version: 1.0
        Content-Type: multipart/mixed;boundary="6530822480532574698/localhost"
        Message-ID: <bd2a63a2f49595a5@vm>

        This is a MIME-encapsulated message.

        --6530822480532574698/localhost
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

            Hi!

            This is the MAILER-DAEMON, please DO NOT REPLY to this email.

            An error has occurred while attempting to deliver a message for
            the following list of recipients:

        ghost@lost.example.test: 550 5.1.1 <ghost@lost.example.test> User doesn't exist: ghost@lost.example.test

            Below is a copy of the original message:

        --6530822480532574698/localhost
        Content-Description: Delivery Report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; localhost

        Final-Recipient: rfc822; ghost@lost.example.test
        Action: failed
        Status: 5.0.0

        --6530822480532574698/localhost
        Content-Description: Message headers
        Content-Type: text/rfc822-headers

        From: support@example.test
        To: ghost@lost.example.test
        Subject: hello
        Message-ID: <abc123@example.test>

        body

        --6530822480532574698/localhost--

        """

    static let openSMTPD = Case(
        name: "OpenSMTPD 6.8 (multipart/mixed)", text: openSMTPDSample, form: .deliveryStatus,
        originalMessageID: "abc123@example.test",
        recipients: [
            ExpectedRecipient("ghost@lost.example.test", "failed", "5.1.1", permanent: true,
                              diagnostic: "550 5.1.1 <ghost@lost.example.test> User doesn't exist: ghost@lost.example.test"),
        ])

    static let dsnDelayed = Case(name: "DSN delayed 4.4.7", text: """
        Return-Path: <>
        From: Mail Delivery System <MAILER-DAEMON@mail.example.test>
        To: support@example.test
        Subject: Delayed Mail (still being retried)
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="delay.1764000000/mail.example.test"

        --delay.1764000000/mail.example.test
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        Your message could not be delivered for more than 4 hour(s).
        It will be retried until it is 5 day(s) old.

        --delay.1764000000/mail.example.test
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mail.example.test

        Final-Recipient: rfc822; slow@example.net
        Action: delayed
        Status: 4.4.7
        Diagnostic-Code: X-Postfix; delivery temporarily suspended: connect to
            mx.example.net[192.0.2.7]:25: Connection timed out
        Will-Retry-Until: Sun, 29 Nov 2026 09:12:00 +0000 (UTC)

        --delay.1764000000/mail.example.test
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        Message-ID: <delay-9@example.test>
        From: Support <support@example.test>
        To: slow@example.net
        Subject: [SUPP-9] Hello

        --delay.1764000000/mail.example.test--

        """, form: .deliveryStatus, originalMessageID: "delay-9@example.test", recipients: [
            ExpectedRecipient("slow@example.net", "delayed", "4.4.7", permanent: false,
                              diagnostic: "delivery temporarily suspended: connect to mx.example.net[192.0.2.7]:25: Connection timed out"),
        ])

    static let dsnDeliveredAndFailed = Case(name: "DSN, one delivered and one failed", text: """
        Return-Path: <>
        From: MAILER-DAEMON@relay.example.org (Mail Delivery System)
        To: support@example.test
        Subject: Undelivered Mail Returned to Sender
        Content-Type: multipart/report; report-type=delivery-status; boundary="two"

        --two
        Content-Type: text/plain

        Your message was delivered to some recipients and not to others.

        --two
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example.org

        Final-Recipient: rfc822; ok@example.org
        Action: delivered
        Status: 2.0.0
        Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4F1A

        Final-Recipient: rfc822; gone@example.org
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: User unknown

        --two
        Content-Type: message/rfc822

        Message-ID: <two-10@example.test>
        From: Support <support@example.test>
        To: ok@example.org, gone@example.org
        Subject: [SUPP-10] Notice

        Notice.

        --two--

        """, form: .deliveryStatus, originalMessageID: "two-10@example.test", recipients: [
            ExpectedRecipient("gone@example.org", "failed", "5.1.1", permanent: true,
                              diagnostic: "550 5.1.1 <gone@example.org>: User unknown"),
        ])

    // Older OpenSMTPD writes "Action: error".
    static let dsnActionError = Case(name: "DSN with Action: error", text: """
        Return-Path: <>
        From: Mailer Daemon <MAILER-DAEMON@mx.example.net>
        To: support@example.test
        Subject: Delivery status notification: error
        Content-Type: multipart/mixed;boundary="42/mx.example.net"

        --42/mx.example.net
        Content-Type: text/plain; charset=us-ascii

            An error has occurred while attempting to deliver a message for
            the following list of recipients:

        lost@example.net: Invalid domain specified

        --42/mx.example.net
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; lost@example.net
        Action: error
        Status: 5.0.0

        --42/mx.example.net--

        """, form: .deliveryStatus, originalMessageID: nil, recipients: [
            ExpectedRecipient("lost@example.net", "failed", "5.0.0", permanent: true,
                              diagnostic: "Invalid domain specified"),
        ])

    // MARK: Text forms

    static let qmail = Case(name: "qmail", text: """
        Return-Path: <>
        Delivered-To: support@example.test
        Date: 24 Nov 2026 09:12:05 -0000
        From: MAILER-DAEMON@mail.example.net
        To: support@example.test
        Subject: failure notice

        Hi. This is the qmail-send program at mail.example.net.
        I'm afraid I wasn't able to deliver your message to the following addresses.
        This is a permanent error; I've given up. Sorry it didn't work out.

        <gone@example.net>:
        192.0.2.25 does not like recipient.
        Remote host said: 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown
        Giving up on 192.0.2.25.

        <nobody@nowhere.example>:
        Sorry, I couldn't find any host named nowhere.example. (#5.1.2)

        <closed@example.net>:
        This address no longer accepts mail.

        --- Below this line is a copy of the message.

        Return-Path: <support@example.test>
        Received: (qmail 4240 invoked by uid 1001); 24 Nov 2026 09:12:00 -0000
        Message-ID: <q-1@example.test>
        From: Support <support@example.test>
        To: gone@example.net, nobody@nowhere.example, closed@example.net
        Cc: boss@example.org
        Subject: [SUPP-1] Received

        We received your request; write to boss@example.org if it is urgent.

        """, form: .text, originalMessageID: "q-1@example.test", recipients: [
            ExpectedRecipient("gone@example.net", "failed", "5.1.1", permanent: true,
                              diagnostic: "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown"),
            ExpectedRecipient("nobody@nowhere.example", "failed", "5.1.2", permanent: true,
                              diagnostic: "Sorry, I couldn't find any host named nowhere.example. (#5.1.2)"),
            // No code at all: the line below the address is the reason, and "failed" means for good.
            ExpectedRecipient("closed@example.net", "failed", "5.0.0", permanent: true,
                              diagnostic: "This address no longer accepts mail."),
        ])

    static let exim = Case(name: "Exim", text: """
        From: Mail Delivery System <Mailer-Daemon@mx.example.net>
        To: support@example.test
        Subject: Mail delivery failed: returning message to sender
        Auto-Submitted: auto-replied
        Message-Id: <E1tXyZa-0001Ab-2C@mx.example.net>

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          gone@example.net
            host mx2.example.net [192.0.2.25]
            SMTP error from remote mail server after RCPT TO:<gone@example.net>:
            550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown
          old@example.net
            Unrouteable address

        ------ This is a copy of the message, including all the headers. ------

        Return-path: <support@example.test>
        Received: from support by mail.example.test with local (Exim 4.97)
        \tid 1tXyZ9-0001AA-1B
        \tfor gone@example.net; Tue, 24 Nov 2026 09:12:00 +0000
        Message-ID: <e-2@example.test>
        From: Support <support@example.test>
        To: gone@example.net, old@example.net
        Subject: [SUPP-2] Your printer

        Please try again.

        """, form: .text, originalMessageID: "e-2@example.test", recipients: [
            ExpectedRecipient("gone@example.net", "failed", "5.1.1", permanent: true,
                              diagnostic: "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown"),
            ExpectedRecipient("old@example.net", "failed", "5.0.0", permanent: true, diagnostic: "Unrouteable address"),
        ])

    static let postfixWithoutDSN = Case(name: "Postfix without DSN", text: """
        Return-Path: <>
        From: MAILER-DAEMON@mail.example.test (Mail Delivery System)
        To: support@example.test
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="8C2A1B3D4E.1764000000/mail.example.test"

        This is a MIME-encapsulated message.

        --8C2A1B3D4E.1764000000/mail.example.test
        Content-Description: Notification
        Content-Type: text/plain

        This is the Postfix program at host mail.example.test.

        I'm sorry to have to inform you that the message returned
        below could not be delivered to one or more destinations.

        For further assistance, please send mail to <postmaster>

        If you do so, please include this problem report. You can
        delete your own text from the message returned below.

        \t\t\tThe Postfix program

        <gone@example.org>: host mx.example.org[192.0.2.30] said: 550 5.1.1
            <gone@example.org>: Recipient address rejected: User unknown in local
            recipient table (in reply to RCPT TO command)

        <full@example.org>: host mx.example.org[192.0.2.30] said: 552 5.2.2 Mailbox
            full (in reply to RCPT TO command)

        --8C2A1B3D4E.1764000000/mail.example.test
        Content-Description: Undelivered Message
        Content-Type: message/rfc822

        Received: by mail.example.test (Postfix, from userid 1001)
        \tid 8C2A1B3D4E; Tue, 24 Nov 2026 09:12:00 +0000 (UTC)
        Message-ID: <p-3@example.test>
        From: Support <support@example.test>
        To: gone@example.org, full@example.org
        Subject: [SUPP-3] Update

        Update.

        --8C2A1B3D4E.1764000000/mail.example.test--

        """, form: .text, originalMessageID: "p-3@example.test", recipients: [
            ExpectedRecipient("gone@example.org", "failed", "5.1.1", permanent: true, diagnostic:
                "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)"),
            ExpectedRecipient("full@example.org", "failed", "5.2.2", permanent: true,
                              diagnostic: "552 5.2.2 Mailbox full (in reply to RCPT TO command)"),
        ])

    static let gmail = Case(name: "Gmail", text: """
        Return-Path: <>
        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
        To: support@example.test
        Subject: Delivery Status Notification (Failure)
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

        --000000000000a1b2c3
        Content-Type: text/plain; charset="UTF-8"

        ** Address not found **

        Your message wasn't delivered to gone@example.org because the address couldn't be found, or is unable to receive mail.

        Learn more here: https://support.google.com/mail/?p=NoSuchUser

        The response was:

        550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. z1si4242wrb.42 - gsmtp

        ----- Original message -----

        DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=mail; h=from:to:subject:message-id
        From: Support <support@example.test>
        To: gone@example.org
        Subject: [SUPP-4] Hello
        Message-ID: <g-4@example.test>

        Hello.

        --000000000000a1b2c3
        Content-Type: text/html; charset="UTF-8"

        <html><body><p>Your message wasn't delivered to <b>gone@example.org</b>.</p></body></html>

        --000000000000a1b2c3--

        """, form: .text, originalMessageID: "g-4@example.test", recipients: [
            ExpectedRecipient("gone@example.org", "failed", "5.1.1", permanent: true, diagnostic:
                "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. z1si4242wrb.42 - gsmtp"),
        ])

    static let exchange = Case(name: "Exchange NDR", text: """
        From: Microsoft Outlook <postmaster@corp.example>
        To: support@example.test
        Subject: Undeliverable: [SUPP-5] Update
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="_000_NDR_"

        --_000_NDR_
        Content-Type: text/plain; charset="us-ascii"
        Content-Transfer-Encoding: quoted-printable

        Delivery has failed to these recipients or groups:

        Ann Gone (gone@corp.example)
        The e-mail address you entered couldn't be found. Please check the recipien=
        t's e-mail address and try to resend the message. If the problem continues,=
         please contact your helpdesk.

        full@corp.example
        The recipient's mailbox is full and can't accept messages now.

        Diagnostic information for administrators:

        Generating server: EX01.corp.example

        gone@corp.example
        Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

        full@corp.example
        Remote Server returned '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException'

        Original message headers:

        Received: from EX02.corp.example (192.0.2.40) by EX01.corp.example
         (192.0.2.41) with Microsoft SMTP Server id 15.2.1118.40; Tue, 24 Nov 2026
         09:12:00 +0000
        From: Support <support@example.test>
        To: <gone@corp.example>, <full@corp.example>
        Subject: [SUPP-5] Update
        Message-ID: <x-5@example.test>

        --_000_NDR_
        Content-Type: text/html; charset="us-ascii"

        <html><body><p>Delivery has failed to these recipients or groups:</p></body></html>

        --_000_NDR_--

        """, form: .text, originalMessageID: "x-5@example.test", recipients: [
            ExpectedRecipient("gone@corp.example", "failed", "5.1.10", permanent: true,
                              diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
            ExpectedRecipient("full@corp.example", "failed", "5.2.2", permanent: true,
                              diagnostic: "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException"),
        ])

    static let exchangeGerman = Case(name: "Exchange NDR in German", text: """
        From: Microsoft Outlook <postmaster@firma.example>
        To: support@example.test
        Subject: Unzustellbar: [SUPP-8] Rechnung
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: 8bit

        Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen:

        weg@firma.example
        Die eingegebene E-Mail-Adresse wurde nicht gefunden.

        Diagnoseinformationen für Administratoren:

        Generierender Server: EX01.firma.example

        weg@firma.example
        Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

        Ursprüngliche Nachrichtenkopfzeilen:

        From: Support <support@example.test>
        To: <weg@firma.example>, <chef@firma.example>
        Message-ID: <de-8@example.test>

        """, form: .text, originalMessageID: "de-8@example.test", recipients: [
            ExpectedRecipient("weg@firma.example", "failed", "5.1.10", permanent: true,
                              diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
        ])

    static let sendmail = Case(name: "Sendmail", text: """
        Return-Path: <>
        From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
        To: <support@example.test>
        Subject: Returned mail: see transcript for details
        Auto-Submitted: auto-generated (failure)

        The original message was received at Tue, 24 Nov 2026 09:12:00 GMT
        from mail.example.test [192.0.2.10]

           ----- The following addresses had permanent fatal errors -----
        <gone@example.org>
            (reason: 550 5.1.1 <gone@example.org>... User unknown)
        <quota@example.org>
            (reason: 552 5.2.2 <quota@example.org>... Mailbox full)

           ----- Transcript of session follows -----
        ... while talking to mx.example.org.:
        >>> MAIL From:<support@example.test> SIZE=1042
        <<< 250 2.1.0 <support@example.test>... Sender ok
        >>> RCPT To:<gone@example.org>
        <<< 550 5.1.1 <gone@example.org>... User unknown
        550 5.1.1 <gone@example.org>... User unknown

           ----- Original message follows -----

        Return-Path: <support@example.test>
        Message-ID: <s-6@example.test>
        From: Support <support@example.test>
        To: gone@example.org, quota@example.org
        Subject: [SUPP-6] Hello

        Hello.

        """, form: .text, originalMessageID: "s-6@example.test", recipients: [
            ExpectedRecipient("gone@example.org", "failed", "5.1.1", permanent: true,
                              diagnostic: "550 5.1.1 <gone@example.org>... User unknown"),
            ExpectedRecipient("quota@example.org", "failed", "5.2.2", permanent: true,
                              diagnostic: "552 5.2.2 <quota@example.org>... Mailbox full"),
        ])

    static let delayWarning = Case(name: "delay warning without a code", text: """
        Return-Path: <>
        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
        To: support@example.test
        Subject: Delivery Status Notification (Delay)

        This is an automatically generated Delivery Status Notification

        THIS IS A WARNING MESSAGE ONLY.

        YOU DO NOT NEED TO RESEND YOUR MESSAGE.

        Delivery to the following recipient has been delayed:

             slow@example.net

        Message will be retried for 2 more day(s)

        Technical details of temporary failure:
        The recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720
        [mx.example.net. 192.0.2.7: timed out]

        ----- Original message -----

        Message-ID: <d-7@example.test>
        From: Support <support@example.test>
        To: slow@example.net
        Subject: [SUPP-7] Hello

        """, form: .text, originalMessageID: "d-7@example.test", recipients: [
            ExpectedRecipient("slow@example.net", "delayed", "4.0.0", permanent: false),
        ])

    static let delayWithCode = Case(name: "delay warning with 452 4.2.2", text: """
        Return-Path: <>
        From: MAILER-DAEMON@mail.example.test (Mail Delivery System)
        To: support@example.test
        Subject: Delayed Mail (still being retried)

        This is the mail system at host mail.example.test.

        ####################################################################
        # THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
        ####################################################################

        Your message could not be delivered for more than 4 hour(s).
        It will be retried until it is 5 day(s) old.

        <busy@example.net>: host mx.example.net[192.0.2.7] said: 452 4.2.2 Mailbox
            full, try again later (in reply to RCPT TO command)

        """, form: .text, originalMessageID: nil, recipients: [
            ExpectedRecipient("busy@example.net", "delayed", "4.2.2", permanent: false,
                              diagnostic: "452 4.2.2 Mailbox full, try again later (in reply to RCPT TO command)"),
        ])

    static let all = [
        openSMTPD, dsnDelayed, dsnDeliveredAndFailed, dsnActionError, qmail, exim, postfixWithoutDSN, gmail, exchange, exchangeGerman,
        sendmail, delayWarning, delayWithCode,
    ]

    @Test(arguments: all, ["\n", "\r\n"])
    func readsBounce(_ example: Case, lineEnd: String) throws {
        let text = lineEnd == "\n" ? example.text : example.text.replacing("\n", with: lineEnd)
        let bounce = try #require(Message.parse(Array(text.utf8)).bounce)
        #expect(bounce.form == example.form)
        #expect(bounce.originalMessageID == example.originalMessageID)
        #expect(bounce.recipients.map(ExpectedRecipient.init) == example.recipients)
    }

    @Test func openSMTPDIsADeliveryStatusReport() throws {
        let report = try #require(Message.parse(Array(Self.openSMTPDSample.utf8)).deliveryStatus)
        #expect(report.reportingMTA == "localhost")
        #expect(report.originalMessageID == "abc123@example.test")
        let recipient = try #require(report.failedRecipients.first)
        #expect(recipient.status == "5.0.0")
        #expect(recipient.diagnosticCode == nil, "the report itself keeps only what its status part says")
    }

    /// The multipart/mixed form counts only at the top: one level down it is an attachment.
    @Test func untypedReportCountsOnlyAtTheTop() {
        let nested = """
            From: Ann Example <ann@example.org>
            Subject: status file
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/mixed; boundary="inner"

            --inner
            Content-Type: message/delivery-status

            Final-Recipient: rfc822; z@example.org
            Action: failed
            Status: 5.1.1

            --inner--
            --outer--
            """
        #expect(Message.parse(Array(nested.utf8)).deliveryStatus == nil)
    }

    // MARK: Not bounces

    @Test(arguments: [
        ("a person's mail saying undeliverable", """
            From: Ann Example <ann@example.org>
            To: support@example.test
            Subject: Undeliverable parcels at the front desk

            Hi, the courier marked two parcels for bob@example.org as undeliverable: 550 of them, in fact.
            """),
        ("an ordinary message", """
            Return-Path: <bob@example.org>
            From: Bob <bob@example.org>
            To: support@example.test
            Subject: Printer broken

            The printer on floor 2 says error 550.
            """),
        ("a mail system's notice that is no bounce", """
            Return-Path: <>
            From: postmaster@example.test
            To: support@example.test
            Subject: Weekly quota report

            support@example.test: 42% of 5 GB used.
            """),
        ("a delivery receipt", """
            Return-Path: <>
            From: MAILER-DAEMON@relay.example.org
            To: support@example.test
            Subject: Successful Mail Delivery Report
            Content-Type: multipart/report; report-type=delivery-status; boundary="ok"

            --ok
            Content-Type: message/delivery-status

            Reporting-MTA: dns; relay.example.org

            Final-Recipient: rfc822; ok@example.org
            Action: delivered
            Status: 2.0.0

            --ok--
            """),
        ("a forwarded bounce", """
            From: Ann Example <ann@example.org>
            To: support@example.test
            Subject: Fwd: Delivery status notification: failed
            Content-Type: multipart/mixed; boundary="fwd"

            --fwd
            Content-Type: text/plain

            Why did my mail to ghost@lost.example.test bounce?

            --fwd
            Content-Type: message/rfc822

            \(openSMTPDSample)
            --fwd--
            """),
    ])
    func notABounce(_ name: String, _ text: String) {
        let parsed = Message.parse(Array(text.utf8))
        #expect(parsed.bounce == nil, "\(name)")
        if name == "a forwarded bounce" { #expect(parsed.deliveryStatus == nil) }
    }

    /// Every wording in the list, from a mail system, reads as a bounce; other subjects do not.
    @Test(arguments: [
        ("Undeliverable: [SUPP-1] Hello", true), ("Undelivered Mail Returned to Sender", true),
        ("Delivery Status Notification (Failure)", true), ("Delivery Status Notification (Delay)", true),
        ("Mail delivery failed: returning message to sender", true), ("Returned mail: see transcript for details", true),
        ("failure notice", true), ("Delivery failure", true), ("Warning: message 1tXyZ9-0001AA-1B delayed 24 hours", true),
        ("Warning: could not send message for past 4 hours", true), ("Nicht zustellbar: Rechnung", true),
        ("Unzustellbar: Rechnung", true), ("Non remis : Facture", true),
        ("Delivery Status Notification (Success)", false), ("Your mailbox is almost full", false), ("Hello", false),
    ])
    func subjectFromMailSystem(_ subject: String, _ isBounce: Bool) {
        let parsed = Message.parse(message([
            "From: Mail Delivery System <MAILER-DAEMON@mail.example.net>", "To: support@example.test", "Subject: \(subject)",
            "", "<gone@example.net>:", "550 5.1.1 User unknown",
        ]))
        #expect((parsed.bounce != nil) == isBounce)
    }

    @Test(arguments: [
        ("Return-Path: <>", "From: Someone <someone@relay.example.org>", true),
        ("Return-Path: <someone@relay.example.org>", "From: postmaster@relay.example.org", true),
        ("Return-Path: <someone@relay.example.org>", "From: Mail Delivery Subsystem <notices@relay.example.org>", true),
        ("Return-Path: <someone@relay.example.org>", "From: MAILER-DAEMON", true),
        ("Return-Path: <MAILER-DAEMON@relay.example.org>", "From: Someone <someone@relay.example.org>", true),
        ("Return-Path: <someone@relay.example.org>", "From: Someone <someone@relay.example.org>", false),
    ])
    func senderMustBeAMailSystem(_ returnPath: String, _ from: String, _ isBounce: Bool) {
        let parsed = Message.parse(message([
            returnPath, from, "To: support@example.test", "Subject: Undeliverable: Hello", "", "gone@example.net: 550 5.1.1 unknown",
        ]))
        #expect((parsed.bounce != nil) == isBounce, "\(from)")
    }

    // MARK: Status codes

    struct StatusCase: Sendable, CustomTestStringConvertible {
        var status: String?
        var diagnostic: String?
        var expected: String?
        var testDescription: String { "\(status ?? "nil") + \(diagnostic ?? "nil") → \(expected ?? "nil")" }
    }

    @Test(arguments: [
        StatusCase(status: "5.0.0", diagnostic: "550 5.1.1 <ann@example.org>: User unknown", expected: "5.1.1"),
        StatusCase(status: "5.2.2", diagnostic: "550 5.1.1 User unknown", expected: "5.2.2"),
        StatusCase(status: nil, diagnostic: "550 Requested action not taken", expected: "5.0.0"),
        StatusCase(status: nil, diagnostic: "452 4.2.2 Mailbox full", expected: "4.2.2"),
        StatusCase(status: nil, diagnostic: "452 Too many recipients", expected: "4.0.0"),
        // Only the same class refines a generic status.
        StatusCase(status: "4.0.0", diagnostic: "550 5.1.1 User unknown", expected: "4.0.0"),
        StatusCase(status: "5.0.0", diagnostic: "host not found (#5.4.4)", expected: "5.4.4"),
        StatusCase(status: "5.0.0", diagnostic: "550-5.7.1 rejected", expected: "5.7.1"),
        // IP addresses, ports and dates are not codes.
        StatusCase(status: "5.0.0", diagnostic: "connect to 192.0.2.5.1.1 and 5.4.3.2: timed out", expected: "5.0.0"),
        StatusCase(status: nil, diagnostic: "connect to mx[192.0.2.1]:25 at 2026-11-24 09:12", expected: nil),
        StatusCase(status: nil, diagnostic: nil, expected: nil),
    ])
    func effectiveStatus(_ example: StatusCase) {
        let recipient = DeliveryStatusReport.Recipient(status: example.status, diagnosticCode: example.diagnostic)
        #expect(recipient.effectiveStatus == example.expected)
    }

    @Test(arguments: [
        ("failed", "5.1.1", nil, true),
        ("failed", "5.0.0", "452 4.2.2 Mailbox full", true),
        ("failed", "4.4.7", nil, false),
        ("delayed", "4.4.7", nil, false),
        ("delayed", "5.0.0", nil, false),
        ("failed", nil, nil, true),
        (nil, "5.1.1", nil, true),
    ] as [(String?, String?, String?, Bool)])
    func permanentFailure(_ action: String?, _ status: String?, _ diagnostic: String?, _ permanent: Bool) {
        let recipient = DeliveryStatusReport.Recipient(action: action, status: status, diagnosticCode: diagnostic)
        #expect(recipient.isPermanentFailure == permanent)
    }

    // MARK: Hostile input

    @Test func hugeBodiesAreReadInLinearTime() {
        let header = "Return-Path: <>\r\nFrom: MAILER-DAEMON@mail.example.net\r\nSubject: failure notice\r\n\r\n"
        let bodies: [String] = [
            String(repeating: "x@example.org: 550 5.1.1 unknown\r\n", count: 200_000),
            String(repeating: "a@", count: 2_000_000),
            String(repeating: "5.5.5.", count: 1_000_000) + "\r\n" + String(repeating: "550 ", count: 1_000_000),
            String(repeating: "-", count: 5_000_000),
            (0..<50_000).map { "user\($0)@example.org\r\n" }.joined() + "550 5.1.1 unknown\r\n",
        ]
        for body in bodies {
            let bounce = Message.parse(Array((header + body).utf8)).bounce
            #expect(bounce != nil)
            #expect((bounce?.recipients.count ?? 0) <= 100)
        }
    }
}
