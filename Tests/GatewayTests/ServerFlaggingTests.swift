import Foundation
@testable import Gateway
import MailTransport
import Synchronization
import Testing

/// The poll's flagging queue on its own: jobs run in order, a failure stops the rest and is
/// reported, abandoned jobs never run, and at most two are ever outstanding. (The jobs here
/// leave the connection alone; the poll's tests flag on real Dovecot.)
@Suite("Flagging queue")
struct ServerFlaggingTests {
    struct Refused: Error, Equatable {}

    func flagging() throws -> ServerFlagging {
        // Never connected: these jobs do not use it.
        let endpoint = ServerEndpoint(baseURL: "imap://127.0.0.1:9/INBOX", security: .none, connectTimeout: 1, transferTimeout: 1)
        return ServerFlagging(client: try IMAPClient(endpoint: endpoint))
    }

    @Test func jobsRunInTheOrderAdded() throws {
        let flags = try flagging()
        let ran = Mutex<[Int]>([])
        for n in 0..<20 { flags.add { _ in ran.withLock { $0.append(n) } } }
        try flags.finish()
        #expect(ran.withLock { $0 } == Array(0..<20))
        #expect(flags.failure == nil)
    }

    @Test func aFailureStopsTheJobsAfterItAndIsThrown() throws {
        let flags = try flagging()
        let ran = Mutex<[Int]>([])
        for n in 0..<5 {
            flags.add { _ in
                ran.withLock { $0.append(n) }
                if n == 2 { throw Refused() }
            }
        }
        #expect(throws: Refused()) { try flags.finish() }
        #expect(ran.withLock { $0 } == [0, 1, 2])
        #expect(flags.failure is Refused)
    }

    @Test func abandonedJobsNeverRunButTheRunningOneEnds() throws {
        let flags = try flagging()
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let ran = Mutex<[Int]>([])
        flags.add { _ in
            started.signal()
            release.wait()
            ran.withLock { $0.append(0) }
        }
        started.wait()
        flags.add { _ in ran.withLock { $0.append(1) } }
        flags.abandon()
        release.signal()
        try flags.finish()
        #expect(ran.withLock { $0 } == [0])
    }

    @Test("a third job waits for room while one runs and one waits")
    func atMostTwoOutstanding() throws {
        let flags = try flagging()
        let release = DispatchSemaphore(value: 0)
        let added = Mutex(0)
        let adder = Thread {
            for _ in 0..<6 {
                flags.add { _ in release.wait() }
                added.withLock { $0 += 1 }
            }
        }
        adder.start()
        let deadline = Date().addingTimeInterval(10)
        while added.withLock({ $0 }) < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        // Unbounded, the adder would be through all six long before this.
        Thread.sleep(forTimeInterval: 0.2)
        #expect(added.withLock { $0 } == 2, "the third add waits while two are outstanding")
        for _ in 0..<6 { release.signal() }
        while added.withLock({ $0 }) < 6, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        try flags.finish()
        #expect(added.withLock { $0 } == 6)
    }
}
