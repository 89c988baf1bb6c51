import CCurl
@testable import MailTransport
import Testing

@Suite("Server reply lines in errors")
struct ServerReplyLogTests {
    static let refusals: [(lines: [String], refusal: String?)] = [
        (["* OK [CAPABILITY IMAP4rev1] Dovecot ready.", "A001 OK Logged in", "A002 NO [NONEXISTENT] Mailbox doesn't exist: Nosuch"],
         "NO [NONEXISTENT] Mailbox doesn't exist: Nosuch"),
        // Dovecot 2.3's timings would make each repeat of one error look new; they go.
        (["A002 NO Mailbox doesn't exist: Nosuch (0.002 + 0.000 + 0.001 secs)."], "NO Mailbox doesn't exist: Nosuch"),
        (["A002 NO Quota exceeded (0.001 + 0.000 secs)"], "NO Quota exceeded"),
        (["A002 NO Try again (in 5 secs)."], "NO Try again (in 5 secs)."),
        (["* OK ready", "A001 NO [AUTHENTICATIONFAILED] Authentication failed."], "NO [AUTHENTICATIONFAILED] Authentication failed."),
        (["A004 BAD Error in IMAP command UID: Invalid uidset"], "BAD Error in IMAP command UID: Invalid uidset"),
        // A tagged answer is what failed, even when an untagged warning came later.
        (["A003 NO [SERVERBUG] Internal error", "* NO [ALERT] quota warning"], "NO [SERVERBUG] Internal error"),
        (["* OK ready", "* BYE Disconnected for inactivity."], "BYE Disconnected for inactivity."),
        (["220 localhost ESMTP OpenSMTPD", "250-localhost Hello", "250 HELP", "250 2.0.0 Ok", "550 Invalid recipient: <x@example.test>"],
         "550 Invalid recipient: <x@example.test>"),
        (["452-4.5.3 Too many", "452 4.5.3 recipients"], "452 4.5.3 recipients"),
        (["554"], "554"),
        // Success lines, numbers that are not reply codes, and nothing at all are no refusal.
        (["* OK ready", "A001 OK Logged in", "* 3 EXISTS"], nil),
        (["220 ready", "250 2.0.0 Ok", "221 2.0.0 Bye"], nil),
        (["5500 not a code", "55 short"], nil),
        ([], nil),
    ]

    @Test(arguments: refusals)
    func refusalLine(_ row: (lines: [String], refusal: String?)) {
        #expect(ServerReplyLog.refusal(in: row.lines) == row.refusal)
    }

    @Test func keepsOnlyTheLastLinesEachBounded() {
        let log = ServerReplyLog()
        record(log, CURLINFO_HEADER_IN, "* SEARCH " + String(repeating: "12345 ", count: 50_000) + "\r\n")
        for index in 1...20 { record(log, CURLINFO_HEADER_IN, "250-line \(index)\r\n") }
        #expect(log.lines.count == ServerReplyLog.maximumLines)
        #expect(log.lines.last == "250-line 20")
        #expect(log.lines.allSatisfy { $0.utf8.count <= ServerReplyLog.maximumLineLength })
        // Several lines in one callback are split; CR LF is not kept.
        log.reset()
        record(log, CURLINFO_HEADER_IN, "550-5.1.1 first\r\n550 5.1.1 second\r\n")
        #expect(log.lines == ["550-5.1.1 first", "550 5.1.1 second"])
    }

    @Test func neverKeepsWhatTheClientSends() {
        let log = ServerReplyLog()
        record(log, CURLINFO_HEADER_OUT, "A001 LOGIN alice hunter2\r\n")
        record(log, CURLINFO_DATA_OUT, "AUTH PLAIN AGFsaWNlAGh1bnRlcjI=\r\n")
        record(log, CURLINFO_TEXT, "Connected to 127.0.0.1\n")
        #expect(log.lines.isEmpty)
        record(log, CURLINFO_HEADER_IN, "A001 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
        #expect(log.lines == ["A001 NO [AUTHENTICATIONFAILED] Authentication failed."])
    }

    @Test func hidesThePasswordAServerEchoes() {
        let log = ServerReplyLog()
        log.hide(password: "hunter2", username: "alice")
        // The forms a password travels in: plain (LOGIN), base64 (AUTH LOGIN), SASL PLAIN.
        record(log, CURLINFO_HEADER_IN, "A001 BAD unknown: LOGIN alice hunter2 aHVudGVyMg== AGFsaWNlAGh1bnRlcjI=\r\n")
        let refusal = log.refusal ?? ""
        #expect(refusal.hasPrefix("BAD unknown: LOGIN alice"))
        #expect(!refusal.contains("hunter2") && !refusal.contains("aHVudGVyMg==") && !refusal.contains("AGFsaWNlAGh1bnRlcjI="))
    }

    @Test func errorDescriptionNamesTheServerReply() {
        let error = TransportError(kind: .rejected, curlCode: 55, responseCode: 550,
                                   message: "SMTP delivery failed: 550 5.1.1 Invalid recipient (libcurl: RCPT failed: 550)",
                                   serverReply: "550 5.1.1 Invalid recipient")
        #expect(error.description.contains("550 5.1.1 Invalid recipient"))
        #expect(!error.isTransient)
    }

    private func record(_ log: ServerReplyLog, _ type: curl_infotype, _ text: String) {
        var bytes = Array(text.utf8).map { CChar(bitPattern: $0) }
        let context = Unmanaged.passUnretained(log).toOpaque()
        _ = bytes.withUnsafeMutableBufferPointer { ServerReplyLog.debugCallback(nil, type, $0.baseAddress, $0.count, context) }
    }
}
