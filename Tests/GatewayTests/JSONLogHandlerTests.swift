import Foundation
import Gateway
import Logging
import Synchronization
import Testing

/// Lines a handler wrote, in order.
private final class Lines: Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
}

/// A logger whose handler writes into `lines`, at `.trace` unless told.
private func logger(_ lines: Lines, label: String = "mailgate.test", level: Logger.Level = .trace, metadata: Logger.Metadata = [:]) -> Logger {
    var logger = Logger(label: label) { label in
        var handler = JSONLogHandler(label: label) { line in lines.lines.withLock { $0.append(line) } }
        handler.metadata = metadata
        return handler
    }
    logger.logLevel = level
    return logger
}

/// The one JSON object on `line`, which must be exactly one line ending in a newline.
private func object(_ line: String) throws -> [String: Any] {
    #expect(line.hasSuffix("\n"))
    // Collectors split on LF (and some on CR); a line separator inside a JSON string is legal.
    #expect(!line.unicodeScalars.dropLast().contains { $0 == "\n" || $0 == "\r" }, "one line: \(line)")
    let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(parsed as? [String: Any])
}

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("an event is one line of JSON: time, level, label, message and its metadata as fields")
    func oneEventOneLine() throws {
        let lines = Lines()
        let before = Date()
        logger(lines, label: "mailgate.poller").info("poll done", metadata: ["mailbox": "support", "messages": "3"])
        let after = Date()
        #expect(lines.all.count == 1)
        let fields = try object(try #require(lines.all.first))
        #expect(fields["level"] as? String == "info")
        #expect(fields["label"] as? String == "mailgate.poller")
        #expect(fields["message"] as? String == "poll done")
        #expect(fields["mailbox"] as? String == "support" && fields["messages"] as? String == "3")
        #expect(Set(fields.keys) == ["time", "level", "label", "message", "mailbox", "messages"])
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let text = try #require(fields["time"] as? String)
        let time = try #require(formatter.date(from: text), "ISO 8601 with fractions of a second: \(text)")
        // The formatter keeps milliseconds: allow for the truncation.
        #expect(time >= before.addingTimeInterval(-0.001) && time <= after.addingTimeInterval(0.001))
    }

    static let awkwardMessages = [
        "line one\nline two\r\nline three",
        #"she said "no" \ twice"#,
        "Grüße, 你好, 🙂 – naïve",
        "tab\there, NUL \u{0} and bell \u{7}",
        "a slash / stays, \u{2028} line separator",
    ]

    @Test("a message with newlines, quotes, backslashes, control and non-ASCII characters stays one line and round-trips", arguments: awkwardMessages)
    func awkwardTextRoundTrips(message: String) throws {
        let lines = Lines()
        logger(lines).warning("\(message)", metadata: ["detail": "\(message)"])
        #expect(lines.all.count == 1)
        let fields = try object(try #require(lines.all.first))
        #expect(fields["message"] as? String == message)
        #expect(fields["detail"] as? String == message)
        #expect(fields["level"] as? String == "warning")
    }

    @Test("handler metadata and event metadata merge, the event's winning; the fixed fields win over both")
    func metadataMerges() throws {
        let lines = Lines()
        var log = logger(lines, metadata: ["mailbox": "support", "instance": "a"])
        log[metadataKey: "run"] = "7"
        log.error("send failed", metadata: ["mailbox": "sales", "attempt": "2", "level": "forged", "message": "forged"])
        let fields = try object(try #require(lines.all.first))
        #expect(fields["mailbox"] as? String == "sales", "the event's value")
        #expect(fields["instance"] as? String == "a" && fields["run"] as? String == "7", "the handler's")
        #expect(fields["attempt"] as? String == "2")
        #expect(fields["level"] as? String == "error" && fields["message"] as? String == "send failed")
    }

    @Test("a metadata provider's fields come in below the handler's and the event's")
    func metadataProviderIsLowest() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "x") { line in lines.lines.withLock { $0.append(line) } }
        handler.metadataProvider = Logger.MetadataProvider { ["trace": "t1", "mailbox": "provider", "instance": "provider"] }
        handler.metadata = ["instance": "handler"]
        let log = Logger(label: "x") { _ in handler }
        log.info("hi", metadata: ["mailbox": "event"])
        let fields = try object(try #require(lines.all.first))
        #expect(fields["trace"] as? String == "t1")
        #expect(fields["instance"] as? String == "handler")
        #expect(fields["mailbox"] as? String == "event")
    }

    @Test("nested metadata becomes one string field")
    func nestedMetadata() throws {
        let lines = Lines()
        logger(lines).info("m", metadata: ["list": ["a", "b"], "map": ["k": "v"]])
        let fields = try object(try #require(lines.all.first))
        let list = try #require(fields["list"] as? String)
        #expect(list.contains("a") && list.contains("b"))
        let map = try #require(fields["map"] as? String)
        #expect(map.contains("k") && map.contains("v"))
    }

    @Test("events below the logger's level are not written; one call per event at or above it")
    func levelsBelowAreDropped() throws {
        let lines = Lines()
        let log = logger(lines, level: .notice)
        log.trace("t")
        log.debug("d")
        log.info("i")
        log.notice("n")
        log.warning("w")
        log.critical("c")
        let levels = try lines.all.map { try object($0)["level"] as? String }
        #expect(levels == ["notice", "warning", "critical"])
    }

    @Test("events from several threads are whole lines each")
    func concurrentEvents() throws {
        let lines = Lines()
        let log = logger(lines)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for n in 0..<50 { log.info("event", metadata: ["thread": "\(thread)", "n": "\(n)"]) }
        }
        let all = lines.all
        #expect(all.count == 400)
        let keys = try Set(all.map { line -> String in
            let fields = try object(line)
            return "\(fields["thread"] as? String ?? "?")-\(fields["n"] as? String ?? "?")"
        })
        #expect(keys.count == 400)
    }
}
