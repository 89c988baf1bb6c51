import Foundation
@testable import Gateway
import Logging
import Synchronization
import Testing

/// Log lines written through a JSON handler, in order.
private final class LogLines: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "mailgate.test") { label in JSONLogHandler(label: label) { line in self.lines.withLock { $0.append(line) } } }
        logger.logLevel = .trace
        return logger
    }
}

@Suite("Poll progress")
struct PollProgressTests {
    @Test(arguments: [
        (PollProgress(mailbox: "support", done: 400, total: 1000, elapsed: 2), "support: 400/1000 (40%), 200 msg/s, about 3 s left"),
        (PollProgress(mailbox: "support", done: 0, total: 1000, elapsed: 0.5), "support: 0/1000 (0%)"),
        (PollProgress(mailbox: "sales", done: 1000, total: 1000, elapsed: 4), "sales: 1000/1000 (100%), 250 msg/s"),
        (PollProgress(mailbox: "big", done: 100, total: 100_100, elapsed: 1), "big: 100/100100 (0%), 100 msg/s, about 16 min 40 s left"),
        (PollProgress(mailbox: "huge", done: 10, total: 100_010, elapsed: 1), "huge: 10/100010 (0%), 10 msg/s, about 2 h 46 min left"),
    ] as [(PollProgress, String)])
    func describesDoneRateAndTimeLeft(progress: PollProgress, expected: String) {
        #expect(progress.description == expected)
    }

    @Test func terminalLineIsRedrawnInPlaceAndCleared() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let display = PollProgressDisplay(output: .terminal(fds[1]))
        display.update(PollProgress(mailbox: "support", done: 100, total: 300, elapsed: 0.5))  // starts the clock
        Thread.sleep(forTimeInterval: 0.15)
        display.update(PollProgress(mailbox: "support", done: 200, total: 300, elapsed: 1))
        display.update(PollProgress(mailbox: "sales", done: 5, total: 10, elapsed: 1))  // within 100 ms: not drawn yet
        display.clear()
        display.clear()  // nothing shown since: writes nothing
        close(fds[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = read(fds[0], &buffer, buffer.count), count > 0 { bytes += buffer[..<count] }
        #expect(String(decoding: bytes, as: UTF8.self) == "\r\u{1B}[Ksupport: 200/300 (66%), 200 msg/s, about 1 s left\r\u{1B}[K")
    }

    @Test func withoutATerminalAnUnfinishedPollLogsEveryFewSeconds() throws {
        let log = LogLines()
        let display = PollProgressDisplay(output: .log(log.logger, every: 0.1))
        display.update(PollProgress(mailbox: "support", done: 100, total: 300, elapsed: 0.5))
        display.update(PollProgress(mailbox: "support", done: 200, total: 300, elapsed: 0.6))
        #expect(log.lines.withLock { $0 }.isEmpty)
        Thread.sleep(forTimeInterval: 0.15)
        display.update(PollProgress(mailbox: "support", done: 250, total: 300, elapsed: 1))
        let lines = log.lines.withLock { $0 }
        try #require(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "poll progress")
        #expect(object["level"] as? String == "notice")
        #expect(object["done"] as? String == "250")
        #expect(object["total"] as? String == "300")
        #expect(object["rate"] as? String == "250")
        // Another mailbox still polling keeps the clock going after one finishes.
        display.update(PollProgress(mailbox: "sales", done: 1, total: 50, elapsed: 1))
        display.finished(mailbox: "support")
        Thread.sleep(forTimeInterval: 0.15)
        display.update(PollProgress(mailbox: "sales", done: 2, total: 50, elapsed: 1.2))
        let afterSales = log.lines.withLock { $0 }
        #expect(afterSales.count == 2)
        #expect(afterSales.last?.contains("\"mailbox\":\"sales\"") == true)
        // Once none is left, the next poll's first batch starts the clock again: it is not
        // logged, however long ago the last line was.
        display.finished(mailbox: "sales")
        Thread.sleep(forTimeInterval: 0.15)
        display.update(PollProgress(mailbox: "support", done: 100, total: 900, elapsed: 0.3))
        #expect(log.lines.withLock { $0 }.count == 2)
    }

    @Test func terminalLineIsCutToOneRow() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let display = PollProgressDisplay(output: .terminal(fds[1]))
        for name in ["alpha", "bravo", "charlie", "delta"] {
            display.update(PollProgress(mailbox: "\(name)-support", done: 100, total: 10_000, elapsed: 1))
        }
        Thread.sleep(forTimeInterval: 0.15)
        display.update(PollProgress(mailbox: "echo-support", done: 100, total: 10_000, elapsed: 1))
        close(fds[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = read(fds[0], &buffer, buffer.count), count > 0 { bytes += buffer[..<count] }
        let line = String(decoding: bytes, as: UTF8.self)
        // A pipe has no width: 80 columns, so 79 characters after the clearing sequence (4).
        #expect(line.hasPrefix("\r\u{1B}[Kalpha-support: 100/10000 (1%), 100 msg/s"))
        #expect(line.count == 4 + 79, "\(line.debugDescription)")
    }

    @Test func logLinesClearTheProgressLineFirst() {
        let log = LogLines()
        let calls = Mutex(0)
        var logger = Logger(label: "mailgate.test") { label in
            LineClearingLogHandler(wrapping: JSONLogHandler(label: label) { line in log.lines.withLock { $0.append(line) } }) {
                calls.withLock { $0 += 1 }
            }
        }
        logger.logLevel = .info
        logger.info("one")
        logger.debug("below the level: not written, nothing cleared")
        logger[metadataKey: "mailbox"] = "support"
        logger.warning("two")
        #expect(calls.withLock { $0 } == 2)
        let lines = log.lines.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines.last?.contains("\"mailbox\":\"support\"") == true)
    }
}
