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
        port = try FreePorts.allocate(1)[0]
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw HarnessError("socket() failed") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard bound, listen(listener, 16) == 0 else {
            close(listener)
            throw HarnessError("cannot listen on 127.0.0.1:\(port): errno \(errno)")
        }
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
