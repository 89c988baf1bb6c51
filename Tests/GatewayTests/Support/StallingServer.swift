import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP listener that accepts connections and never says a word, like a mail server
/// that hangs. Call `stop()`: it closes every connection, so a client blocked on one returns.
final class StallingServer: Sendable {
    private struct State {
        var connections: [Int32] = []
        var accepted = 0
        var stopped = false
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex(State())
    private let acceptLoop = DispatchGroup()

    init() throws {
        (listener, port) = try LoopbackListener.open()
        acceptLoop.enter()
        Thread { [self] in
            acceptUntilStopped()
            acceptLoop.leave()
        }.start()
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }

    /// Waits (bounded) until at least `count` clients have connected.
    func waitForConnections(_ count: Int, timeout: Double = 10) throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while accepted < count {
            guard Date() < deadline else { throw HarnessError("\(accepted) connections to the stalling server after \(timeout) s, expected \(count)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func stop() {
        let wasStopped = state.withLock { state in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !wasStopped else { return }
        acceptLoop.wait()
        for connection in state.withLock({ $0.connections }) {
            shutdown(connection, Int32(SHUT_RDWR))
            close(connection)
        }
        close(listener)
    }

    private func acceptUntilStopped() {
        // poll() with a short timeout: close() does not wake a thread blocked in accept().
        while !state.withLock({ $0.stopped }) {
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            state.withLock { state in
                state.connections.append(connection)
                state.accepted += 1
            }
        }
    }
}
