import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback SMTP peer that follows a fixed script: it greets, announces `extensions` in its
/// EHLO answer, records every command line and every message's DATA, and answers 250 (354 to
/// DATA, 221 to QUIT). For what the real test MTA cannot show, such as SMTPUTF8. Call `stop()`.
final class ScriptedSMTPServer: Sendable {
    private struct State {
        var connections: [Int32] = []
        var accepted = 0
        var stopped = false
        var commands: [String] = []
        var messages: [[UInt8]] = []
    }

    let port: Int
    private let extensions: [String]
    private let listener: Int32
    private let state = Mutex(State())
    private let threads = DispatchGroup()

    init(extensions: [String]) throws {
        self.extensions = extensions
        (listener, port) = try LoopbackListener.open()
        threads.enter()
        Thread { [self] in
            acceptUntilStopped()
            threads.leave()
        }.start()
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }
    /// Every command line the clients sent, in order, without CRLF (DATA content excluded).
    var commands: [String] { state.withLock { $0.commands } }
    /// Each message's DATA, dot-unstuffed, with CRLF line ends.
    var messages: [[UInt8]] { state.withLock { $0.messages } }

    func stop() {
        let wasStopped = state.withLock { state in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !wasStopped else { return }
        // Ends every session's blocking read, so its thread returns.
        for connection in state.withLock({ $0.connections }) { shutdown(connection, Int32(SHUT_RDWR)) }
        threads.wait()
        for connection in state.withLock({ $0.connections }) { close(connection) }
        close(listener)
    }

    private func acceptUntilStopped() {
        // poll() with a short timeout: close() does not wake a thread blocked in accept().
        while !state.withLock({ $0.stopped }) {
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let open = state.withLock { state in
                guard !state.stopped else { return false }
                state.connections.append(connection)
                state.accepted += 1
                return true
            }
            guard open else {
                close(connection)
                continue
            }
            threads.enter()
            Thread { [self] in
                serve(connection)
                threads.leave()
            }.start()
        }
    }

    private func serve(_ connection: Int32) {
        var lines = LineReader(connection)
        write(connection, "220 scripted.test ESMTP ready")
        var data: [UInt8]?
        while let line = lines.next() {
            if var message = data {
                if line == Array(".".utf8) {
                    state.withLock { $0.messages.append(message) }
                    data = nil
                    write(connection, "250 2.0.0 queued")
                } else {
                    message += line.first == UInt8(ascii: ".") ? line.dropFirst() : line[...]
                    message += [0x0D, 0x0A]
                    data = message
                }
                continue
            }
            let command = String(decoding: line, as: UTF8.self)
            state.withLock { $0.commands.append(command) }
            switch command.prefix(4).uppercased() {
            case "EHLO":
                let answer = ["scripted.test greets you"] + extensions
                write(connection, answer.enumerated().map { "250\($0.offset == answer.count - 1 ? " " : "-")\($0.element)" }.joined(separator: "\r\n"))
            case "DATA":
                data = []
                write(connection, "354 end with <CRLF>.<CRLF>")
            case "QUIT":
                write(connection, "221 2.0.0 bye")
                return
            default:
                write(connection, "250 2.0.0 Ok")
            }
        }
    }

    private func write(_ connection: Int32, _ reply: String) {
        let bytes = Array((reply + "\r\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }
}

/// CRLF-ended lines from a socket; nil when the peer closes it.
private struct LineReader {
    let connection: Int32
    var buffer: [UInt8] = []

    init(_ connection: Int32) { self.connection = connection }

    mutating func next() -> [UInt8]? {
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<lf])
                buffer.removeSubrange(...lf)
                if line.last == 0x0D { line.removeLast() }
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }
}
