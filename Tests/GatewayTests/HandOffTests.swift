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
}
