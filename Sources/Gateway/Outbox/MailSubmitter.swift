import MailTransport

/// Hands one message to a mail server: SMTP in production, a recorder in tests.
protocol MailSubmitter: AnyObject {
    func send(from: String, to recipients: [String], message: [UInt8]) throws(TransportError)
}

extension SMTPClient: MailSubmitter {}
