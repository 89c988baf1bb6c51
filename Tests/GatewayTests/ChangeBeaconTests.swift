import Foundation
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("change beacon")
struct ChangeBeaconTests {
    static func isReadable(_ descriptor: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    @Test func anAnnouncementWakesEveryWaiterOnceAndTheNextWaitIsQuiet() throws {
        let beacon = ChangeBeacon()
        let first = try #require(beacon.descriptor)
        #expect(beacon.descriptor == first)
        #expect(!Self.isReadable(first))
        beacon.announce()
        // Readable for good: any number of waiters polling it see the change.
        #expect(Self.isReadable(first) && Self.isReadable(first))
        let next = try #require(beacon.descriptor)
        #expect(next != first)
        #expect(!Self.isReadable(next))
    }

    @Test func aShutdownRequestIsAnnounced() throws {
        let shutdown = ShutdownSignal()
        let descriptor = try #require(shutdown.changes.descriptor)
        #expect(!Self.isReadable(descriptor))
        shutdown.request()
        #expect(Self.isReadable(descriptor))
    }
}
