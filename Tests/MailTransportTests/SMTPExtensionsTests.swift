@testable import MailTransport
import Testing

/// What the SMTP client learns from the server lines of a session.
@Suite("SMTP extensions from EHLO")
struct SMTPExtensionsTests {
    static func read(_ lines: [String]) -> SMTPExtensions {
        var extensions = SMTPExtensions()
        for line in lines { extensions.read(line) }
        return extensions
    }

    @Test(arguments: [
        // OpenSMTPD 6.8, as in scripts/mailservers.sh.
        (["220 localhost ESMTP OpenSMTPD", "250-localhost Hello mailgate.localhost [127.0.0.1], pleased to meet you",
          "250-8BITMIME", "250-ENHANCEDSTATUSCODES", "250-SIZE 36700160", "250-DSN", "250 HELP"],
         Set(["8BITMIME", "ENHANCEDSTATUSCODES", "SIZE", "DSN", "HELP"]) as Set<String>?),
        (["220-first line of a long greeting", "220 second", "250-mx.example greets you", "250-smtputf8", "250 PIPELINING"],
         ["SMTPUTF8", "PIPELINING"]),
        // A server name alone: no extensions, but known.
        (["220 old.example", "250 old.example"], []),
        // EHLO refused: libcurl says HELO, which has none.
        (["220 old.example", "502 5.5.2 Command not recognized", "250 old.example"], []),
        // Greeted, the EHLO answer not in yet.
        (["220 localhost ESMTP"], nil),
        (["220 localhost ESMTP", "250-localhost", "250-SMTPUTF8"], nil),
        // Later replies (MAIL, RCPT, NOOP) change nothing.
        (["220 a", "250-a", "250 SMTPUTF8", "250 2.0.0 Ok", "250-2.1.5 Destination address valid", "250 2.0.0 Ok"], ["SMTPUTF8"]),
        // STARTTLS: its 220 answer forgets the plain-text list; the EHLO after it counts.
        (["220 a", "250-a", "250-STARTTLS", "250 SMTPUTF8", "220 2.0.0 Ready to start TLS", "250-a", "250 AUTH PLAIN"], ["AUTH"]),
        // A new connection's greeting forgets the old one's.
        (["220 a", "250-a", "250 SMTPUTF8", "221 Bye", "220 b"], nil),
    ] as [([String], Set<String>?)])
    func readsTheEHLOAnswer(lines: [String], keywords: Set<String>?) {
        let extensions = Self.read(lines)
        #expect(extensions.keywords == keywords)
        #expect(extensions.offers("SMTPUTF8") == (keywords?.contains("SMTPUTF8") == true))
    }
}
