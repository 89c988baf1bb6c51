import Foundation
import MailTransport

/// An IMAP connection opened on a thread of its own, so its login overlaps other work: the
/// poll's other login, or reading the templates and opening the store before a poll. Taken
/// once, by one thread.
final class EarlyConnection<Connection>: @unchecked Sendable {
    // @unchecked: `result` is written by the opening thread before `opened` is signalled, and
    // read or dropped only after it; the connection passes to the taker whole.
    private var result: Result<Connection, TransportError>?
    private let opened = DispatchSemaphore(value: 0)

    init(_ open: @escaping @Sendable () throws(TransportError) -> Connection) {
        Thread { [self] in
            result = Result { () throws(TransportError) in try open() }
            opened.signal()
        }.start()
    }

    /// The connection once open; throws what opening it threw.
    func take() throws(TransportError) -> Connection {
        wait()
        guard let taken = result else { preconditionFailure("an early connection is taken once") }
        result = nil
        return try taken.get()
    }

    /// Waits until the opening thread is done with it, then lets go of the connection here (one
    /// taken lives on with its taker), so it is closed on the calling thread.
    func close() {
        wait()
        result = nil
    }

    private func wait() {
        opened.wait()
        opened.signal()
    }
}

extension EarlyConnection where Connection == IMAPBulkReader {
    /// The poll's reading connection, examining the folder while the first connection logs in
    /// and looks for new mail.
    static func reader(_ endpoint: ServerEndpoint) -> EarlyConnection {
        EarlyConnection { () throws(TransportError) in try IMAPBulkReader(endpoint: endpoint) }
    }

    /// The reader, told of what arrived since it examined the folder (the other connection's
    /// search may have found more).
    func takeRefreshed() throws(TransportError) -> IMAPBulkReader {
        let reader = try take()
        try reader.refresh()
        return reader
    }
}

/// Both IMAP connections of a mailbox's first poll, logging in while the gateway reads its
/// templates and opens the store (`helpdesk poll`): a backlog's first message is then fetched as
/// soon as the store is open. The first connection also asks for the folder's STATUS.
struct EarlyLogins: Sendable {
    let client: EarlyConnection<(IMAPClient, MailboxStatus)>
    let reader: EarlyConnection<IMAPBulkReader>

    init(endpoint: ServerEndpoint, maximumMessageSize: Int) {
        client = EarlyConnection { () throws(TransportError) in
            try MailboxPoller.openClient(endpoint, maximumMessageSize: maximumMessageSize)
        }
        reader = .reader(endpoint)
    }

    /// Lets go of connections no poll took.
    func close() {
        client.close()
        reader.close()
    }
}
