import Foundation
import MailTransport

/// The poll's reading connection, opened on a thread of its own while the first connection logs
/// in and looks for new mail, so the two logins overlap instead of following each other.
final class EarlyReader: @unchecked Sendable {
    // @unchecked: `result` is written by the opening thread before `opened` is signalled and
    // read only after it.
    private var result: Result<IMAPBulkReader, TransportError>?
    private let opened = DispatchSemaphore(value: 0)

    init(endpoint: ServerEndpoint) {
        Thread { [self] in
            result = Result { () throws(TransportError) in try IMAPBulkReader(endpoint: endpoint) }
            opened.signal()
        }.start()
    }

    /// The connection once open; throws what opening it threw.
    func take() throws(TransportError) -> IMAPBulkReader {
        wait()
        return try result!.get()
    }

    /// Waits until the opening thread is done, so it never outlives the poll.
    func wait() {
        opened.wait()
        opened.signal()
    }
}
