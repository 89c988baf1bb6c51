import ArgumentParser
import Foundation
import MailTransport

/// Counts what the MTA has handed to Dovecot, by IMAP STATUS on each recipient's INBOX: a sender's
/// rate counts until its mail is in the mailboxes, since the MTA accepts mail faster than it
/// delivers it and finishes the rest after the sender is done.
struct DeliveryWatch {
    private var inboxes: [(client: IMAPClient, before: Int, expected: Int)] = []

    /// `expected`: how many mails each address is about to receive.
    init(expected: [String: Int], servers: BenchServers, password: String) throws {
        for (address, count) in expected.sorted(by: { $0.key < $1.key }) {
            let endpoint = ServerEndpoint(
                baseURL: "imap://127.0.0.1:\(servers.imapPort)", path: "INBOX", username: address, password: password, security: .none)
            let client = try IMAPClient(endpoint: endpoint)
            inboxes.append((client, try client.status().messages, count))
        }
    }

    /// Waits until every INBOX holds its expected mail (polling every 50 ms, for at most 10
    /// minutes) and returns the seconds since `start`.
    func delivered(since start: ContinuousClock.Instant) throws -> Double {
        let deadline = Date(timeIntervalSinceNow: 600)
        for inbox in inboxes {
            while try inbox.client.status().messages < inbox.before + inbox.expected {
                guard Date() < deadline else { throw ValidationError("the MTA did not deliver everything within 10 minutes") }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        return elapsedSeconds(since: start)
    }
}
