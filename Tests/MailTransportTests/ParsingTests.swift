@testable import MailTransport
import Testing

@Suite("IMAP answers and endpoints")
struct ParsingTests {
    @Test func statusLine() {
        let status = MailboxStatus.parse("* STATUS \"INBOX\" (UIDVALIDITY 1700000001 UIDNEXT 43 MESSAGES 7)\r\n")
        #expect(status == MailboxStatus(uidValidity: 1_700_000_001, uidNext: 43, messages: 7))
        #expect(MailboxStatus.parse("* STATUS INBOX (MESSAGES 1)\r\n") == nil)
        #expect(MailboxStatus.parse("garbage") == nil)
    }

    @Test func searchLines() {
        #expect(IMAPClient.searchResults("* SEARCH 3 4 17\r\n") == [3, 4, 17])
        #expect(IMAPClient.searchResults("* SEARCH\r\n").isEmpty)
        #expect(IMAPClient.searchResults("* SEARCH 1 2\r\n* SEARCH 9\r\n") == [1, 2, 9])
        #expect(IMAPClient.searchResults("* OK whatever 5\r\n").isEmpty)
    }

    @Test func folderPaths() {
        #expect(IMAPClient.urlPath("INBOX") == "INBOX")
        #expect(IMAPClient.urlPath("Support Queue") == "Support%20Queue")
        #expect(IMAPClient.urlPath("a%b") == "a%25b")
        #expect(IMAPClient.quoted("we \"say\"") == "\"we \\\"say\\\"\"")
    }

    static let endpoints: [(url: String, base: String?, path: String, security: ServerEndpoint.Security?)] = [
        ("imap://127.0.0.1:10143/INBOX", "imap://127.0.0.1:10143", "INBOX", ServerEndpoint.Security.none),
        ("imaps://mail.example.com/INBOX", "imaps://mail.example.com", "INBOX", .implicitTLS),
        ("imap://mail.example.com:143/Support", "imap://mail.example.com:143", "Support", .startTLS),
        ("imap://localhost/", "imap://localhost", "", ServerEndpoint.Security.none),
        ("imap://[::1]:143/INBOX", "imap://[::1]:143", "INBOX", ServerEndpoint.Security.none),
        ("IMAP://Mail.Example.com/INBOX", "imap://Mail.Example.com", "INBOX", .startTLS),
        ("http://example.com/", nil, "", nil),
        ("imap://user:pw@host/INBOX", nil, "", nil),
        ("imap:///INBOX", nil, "", nil),
        ("mail.example.com", nil, "", nil),
    ]

    @Test(arguments: endpoints)
    func endpointParsing(url: String, base: String?, path: String, security: ServerEndpoint.Security?) {
        let endpoint = ServerEndpoint.parse(url, expecting: ("imap", "imaps"))
        #expect(endpoint?.baseURL == base)
        if let endpoint {
            #expect(endpoint.path == path)
            #expect(endpoint.security == security)
        }
    }

    @Test func printingNeverShowsThePassword() {
        var endpoint = ServerEndpoint.parse("imap://127.0.0.1:1/INBOX", expecting: ("imap", "imaps"))!
        endpoint.username = "support@example.test"
        endpoint.password = "s3cr3t-Pa55"
        for text in ["\(endpoint)", String(reflecting: endpoint), String(describing: endpoint)] {
            #expect(!text.contains("s3cr3t"))
        }
        var dumped = ""
        dump(endpoint, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
    }

    @Test func transientOrNot() {
        #expect(TransportError(kind: .connection, message: "x").isTransient)
        #expect(TransportError(kind: .rejected, responseCode: 451, message: "x").isTransient)
        #expect(!TransportError(kind: .rejected, responseCode: 550, message: "x").isTransient)
        #expect(!TransportError(kind: .authentication, message: "x").isTransient)
    }
}
