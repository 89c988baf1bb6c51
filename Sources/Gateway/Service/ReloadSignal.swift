import Foundation

/// Set by SIGHUP (or a test): the daemon reads `mailboxes/` and `templates/` again at its next
/// turn, which `wake()` on its shutdown signal brings forward to now.
public final class ReloadSignal: @unchecked Sendable {
    // The lock guards both vars; @unchecked because the lock makes access safe (a dispatch source
    // is not Sendable).
    private let lock = NSLock()
    private var pending = false
    private var source: (any DispatchSourceSignal)?
    private let shutdown: ShutdownSignal

    public init(waking shutdown: ShutdownSignal) { self.shutdown = shutdown }

    /// Asks for a reload, as SIGHUP does.
    public func request() {
        lock.withLock { pending = true }
        shutdown.wake()
    }

    /// Whether a reload was asked for since the last call.
    func take() -> Bool {
        lock.withLock {
            defer { pending = false }
            return pending
        }
    }

    /// Routes SIGHUP to `request()` instead of ending the process.
    public func installSignalHandler() {
        signal(SIGHUP, SIG_IGN)
        let signalSource = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        signalSource.setEventHandler { [weak self] in self?.request() }
        signalSource.resume()
        lock.withLock { source = signalSource }
    }
}
