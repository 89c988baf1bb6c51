import Foundation
import MailTransport

/// The poll's reading connection, opened on a thread of its own while the first connection logs
/// in and looks for new mail, so the two logins overlap instead of following each other. It
/// examined the folder before that search: `take` brings its view up to date first.
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

    /// The connection once open and told of what arrived since; throws what opening it threw.
    func take() throws(TransportError) -> IMAPBulkReader {
        wait()
        let reader = try result!.get()
        try reader.refresh()
        return reader
    }

    /// Waits until the opening thread is done with it, then lets go of the connection here (one
    /// taken lives on with its taker), so it is closed on the poll's thread.
    func close() {
        wait()
        result = nil
    }

    private func wait() {
        opened.wait()
        opened.signal()
    }
}
