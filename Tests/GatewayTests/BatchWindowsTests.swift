@testable import Gateway
import Testing

/// How a poll's UIDs are cut into batches: every UID once, in order, small batches first.
@Suite("Batch windows")
struct BatchWindowsTests {
    @Test("a poll of at most one batch is one batch", arguments: [0, 1, 7, 8, 9, 24, 100])
    func shortPolls(count: Int) {
        let uids = (0..<count).map { UInt32(1_000 + $0 * 3) }
        #expect(BatchReader.windows(of: uids, upTo: 100) == (count == 0 ? [] : [uids]))
    }

    @Test("a backlog: every UID once and in order; sizes 8, 16, 32, 64, then the batch size", arguments: [101, 120, 260, 1_000])
    func windows(count: Int) {
        let uids = (0..<count).map { UInt32(1_000 + $0 * 3) }
        let windows = BatchReader.windows(of: uids, upTo: 100)
        #expect(windows.flatMap { $0 } == uids)
        #expect(windows.allSatisfy { !$0.isEmpty })
        let expected = [8, 16, 32, 64] + Array(repeating: 100, count: 20)
        for (index, window) in windows.enumerated() {
            // The last window holds what is left.
            if index < windows.count - 1 { #expect(window.count == expected[index], "window \(index) of \(count)") }
            else { #expect(window.count <= expected[index]) }
        }
    }

    @Test("a batch size under the first step is used from the start", arguments: [1, 5])
    func smallBatchSize(size: Int) {
        let uids = (1...23).map(UInt32.init)
        let windows = BatchReader.windows(of: uids, upTo: size)
        #expect(windows.flatMap { $0 } == uids)
        #expect(windows.dropLast().allSatisfy { $0.count == size })
    }
}
