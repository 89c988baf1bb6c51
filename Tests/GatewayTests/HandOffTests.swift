import Foundation
@testable import Gateway
import Testing

/// The bounded queue between a poll's reading and recording threads.
@Suite("Hand-off between the poll's threads")
struct HandOffTests {
    @Test("takeIfReady gives what is there, in order, and nil at once when nothing is, open or closed")
    func takeIfReady() {
        let queue = HandOff<Int>(capacity: 2)
        #expect(queue.takeIfReady() == nil)
        #expect(queue.put(1))
        #expect(queue.put(2))
        #expect(queue.takeIfReady() == 1)
        #expect(queue.put(3))
        #expect(queue.takeIfReady() == 2)
        #expect(queue.takeIfReady() == 3)
        #expect(queue.takeIfReady() == nil)
        #expect(queue.put(4))
        queue.close()
        #expect(!queue.put(5), "a closed queue refuses")
        #expect(queue.takeIfReady() == 4, "what was there before the close is still taken")
        #expect(queue.takeIfReady() == nil)
        #expect(queue.take() == nil)
    }

    @Test("taking without waiting makes room for a put that waits", .timeLimit(.minutes(1)))
    func takeIfReadyMakesRoom() {
        let queue = HandOff<Int>(capacity: 1)
        #expect(queue.put(1))
        let putDone = DispatchSemaphore(value: 0)
        Thread {
            _ = queue.put(2)
            putDone.signal()
        }.start()
        // The second put waits for room until the first item is taken.
        #expect(putDone.wait(timeout: .now() + 0.2) == .timedOut)
        #expect(queue.takeIfReady() == 1)
        #expect(putDone.wait(timeout: .now() + 30) == .success)
        #expect(queue.takeIfReady() == 2)
    }
}
