import ArgumentParser
import Foundation
import MailTransport

/// The private test servers and the `helpdesk` under measurement, as the bench scripts pass them.
struct BenchServers: ParsableArguments {
    @Option(help: "SMTP port of the test MTA.") var smtpPort = 10025
    @Option(help: "IMAP port of the test Dovecot.") var imapPort = 10143
    @Option(help: "File holding the test users' password.") var passwordFile: String
    @Option(help: "Path of the helpdesk executable (a release build).") var helpdesk: String
    @Option(help: "Templates directory for helpdesk.") var templates: String
    @Option(help: "Database file for helpdesk (must not exist yet).") var database: String

    func password() throws -> String {
        try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var smtp: ServerEndpoint { ServerEndpoint(baseURL: "smtp://127.0.0.1:\(smtpPort)", security: .none) }

    func supportInbox(password: String) -> ServerEndpoint {
        ServerEndpoint(baseURL: "imap://127.0.0.1:\(imapPort)", path: "INBOX", username: "support@example.test", password: password, security: .none)
    }

    /// Sends `count` generated requests through the MTA and waits until all are in the support
    /// INBOX; returns the bytes sent.
    @discardableResult
    func deliver(_ count: Int, password: String) throws -> Int {
        let inbox = supportInbox(password: password)
        let before = try IMAPClient(endpoint: inbox).status().messages
        let client = try SMTPClient(endpoint: smtp)
        var bytes = 0
        for index in 0..<count {
            let message = MessageGenerator.request(index: index)
            bytes += message.count
            try client.send(from: MessageGenerator.sender(index: index), to: ["support@example.test"], message: message)
        }
        let deadline = Date(timeIntervalSinceNow: 300)
        let reader = try IMAPClient(endpoint: inbox)
        while try reader.status().messages < before + count {
            guard Date() < deadline else { throw ValidationError("messages did not all arrive within 300 s") }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return bytes
    }
}
