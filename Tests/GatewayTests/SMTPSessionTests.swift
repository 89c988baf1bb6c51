import MailgateTestSupport
import Foundation
import MailTransport
import Testing

/// The SMTP client against a real MTA that caps messages per session (OpenSMTPD: 100).
@Suite("SMTP sessions on a real MTA", .serialized, .timeLimit(.minutes(5)))
struct SMTPSessionTests {
    @Test func manyMessagesThroughOneClientAllArrive() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let client = try SMTPClient(endpoint: servers.smtpEndpoint)
        // Past OpenSMTPD's 100 per session, with the proactive reconnect switched off, so the
        // retry-on-a-fresh-connection path is what carries message 101 onwards.
        client.messagesPerConnection = .max
        for index in 0..<130 {
            let message = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: n\(index)\r\nMessage-ID: <n\(index)@t>\r\n\r\nbody \(index)\r\n"
            try client.send(from: "alice@example.test", to: ["bob@example.test"], message: Array(message.utf8))
        }
        #expect(try servers.waitForMessages(user: "bob", count: 130, timeout: 60).messages == 130)
    }

    @Test func refusedRecipientIsAPermanentError() throws {
        let servers = try MailServers()
        defer { servers.stop() }
        let client = try SMTPClient(endpoint: servers.smtpEndpoint)
        #expect {
            try client.send(from: "alice@example.test", to: ["nobody@elsewhere.example"], message: Array("Subject: x\r\n\r\nx\r\n".utf8))
        } throws: { error in
            guard let error = error as? TransportError else { return false }
            return !error.isTransient && (500..<600).contains(error.responseCode)
        }
        // The client is still usable afterwards.
        try client.send(from: "alice@example.test", to: ["bob@example.test"], message: Array("Subject: y\r\n\r\ny\r\n".utf8))
        #expect(try servers.waitForMessages(user: "bob", count: 1).messages == 1)
    }

    @Test func unreachableServerIsATransientConnectionError() throws {
        let port = try FreePorts.allocate(1)[0]
        let client = try SMTPClient(endpoint: ServerEndpoint(baseURL: "smtp://127.0.0.1:\(port)", security: .none, connectTimeout: 2, transferTimeout: 5))
        #expect {
            try client.send(from: "a@example.test", to: ["b@example.test"], message: Array("x\r\n".utf8))
        } throws: { error in
            (error as? TransportError)?.kind == .connection && (error as? TransportError)?.isTransient == true
        }
    }
}
