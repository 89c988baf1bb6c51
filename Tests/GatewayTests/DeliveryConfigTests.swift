import Foundation
@testable import Gateway
import HelpdeskCore
import MailgateTestSupport
import Testing

/// `bounce_pause:` and `loop_caps:` of a mailbox file, and that the rules get them.
@Suite("Mailbox config: bounces and loop caps")
struct DeliveryConfigTests {
    static let day: TimeInterval = 86_400

    static func parse(_ extra: String) throws(ConfigError) -> MailboxConfig {
        try MailboxConfig.parse(yaml: ConfigTests.valid + "\n" + extra, file: "mailboxes/support.yaml")
    }

    @Test func withoutSettingsTheDefaultsHold() throws {
        let config = try Self.parse("")
        #expect(config.delivery.hardBouncePause == 60 * Self.day)
        #expect(config.delivery.loopCaps == .standard)
        #expect(config.rules.hardBouncePause == 60 * Self.day)
        #expect(config.rules.loopCaps == .standard)
        #expect(LoopCaps.standard == LoopCaps(
            perRecipient: [CapWindow(count: 10, seconds: 600), CapWindow(count: 30, seconds: Self.day)],
            perTicket: [CapWindow(count: 5, seconds: 3_600), CapWindow(count: 20, seconds: Self.day)]))
    }

    static let pauses: [(text: String, seconds: TimeInterval)] = [
        ("60d", 60 * day), ("12h", 12 * 3_600), ("0", 0), ("7d", 7 * day), ("2d 12h", 2.5 * day), ("90m", 5_400),
    ]

    @Test(arguments: pauses)
    func bouncePauseIsRead(text: String, seconds: TimeInterval) throws {
        let config = try Self.parse("bounce_pause: \(text)")
        #expect(config.delivery.hardBouncePause == seconds)
        #expect(config.rules.hardBouncePause == seconds)
        #expect(config.rules.loopCaps == .standard, "the caps keep their defaults")
    }

    @Test func capsAreRead() throws {
        let config = try Self.parse("""
            loop_caps:
              per_recipient: [3 per 10m, 12 per 1d]
              per_ticket: [2 per 1h]
            """)
        let caps = LoopCaps(
            perRecipient: [CapWindow(count: 3, seconds: 600), CapWindow(count: 12, seconds: Self.day)],
            perTicket: [CapWindow(count: 2, seconds: 3_600)])
        #expect(config.delivery.loopCaps == caps)
        #expect(config.rules.loopCaps == caps)
        #expect(config.rules.hardBouncePause == 60 * Self.day)
    }

    @Test func aListLeftOutKeepsItsDefaultAndOneCapNeedsNoBrackets() throws {
        let onlyRecipient = try Self.parse("loop_caps:\n  per_recipient: [10 per 10m, 30 per 1d]")
        #expect(onlyRecipient.rules.loopCaps == .standard)
        let single = try Self.parse("loop_caps:\n  per_ticket: 1 per 1d")
        #expect(single.rules.loopCaps.perTicket == [CapWindow(count: 1, seconds: Self.day)])
        #expect(single.rules.loopCaps.perRecipient == LoopCaps.standard.perRecipient)
        let spaced = try Self.parse("loop_caps:\n  per_recipient: [10 PER 10m]")
        #expect(spaced.rules.loopCaps.perRecipient == [CapWindow(count: 10, seconds: 600)])
    }

    static let capTexts: [(text: String, window: CapWindow?)] = [
        ("10 per 10m", CapWindow(count: 10, seconds: 600)),
        ("30 per 1d", CapWindow(count: 30, seconds: day)),
        ("5 per 1h", CapWindow(count: 5, seconds: 3_600)),
        ("1 per 7d", CapWindow(count: 1, seconds: 7 * day)),
        ("1 per 1w", nil),
        ("ten per day", nil),
        ("10 per", nil),
        ("10 per day", CapWindow(count: 10, seconds: day)),
        ("5 per hour", CapWindow(count: 5, seconds: 3_600)),
        ("10 per 10 minutes", CapWindow(count: 10, seconds: 600)),
        ("10 per 0 minutes", nil),
        ("10 per fortnight", nil),
        ("1 per 9223372036854775807 days", nil),
        ("1 per 400d", nil),
        ("10 per 0m", nil),
        ("0 per 10m", nil),
        ("-1 per 10m", nil),
        ("10 each 10m", nil),
        ("10", nil),
        ("", nil),
    ]

    @Test(arguments: capTexts)
    func capWindows(text: String, window: CapWindow?) {
        #expect(DeliverySettings.capWindow(text) == window)
    }

    /// Each broken setting must name its field and say what to write.
    static let broken: [(yaml: String, field: String, says: String)] = [
        ("bounce_pause: soon", "bounce_pause", "'soon' is not a duration; write e.g. 60d, 12h, or 0 to never pause"),
        ("bounce_pause: 60", "bounce_pause", "not a duration"),
        ("bounce_pause: 0d", "bounce_pause", "not a duration"),
        ("bounce_pause: [60d]", "bounce_pause", "single value"),
        ("loop_caps:\n  per_recipient: [ten per day]", "loop_caps.per_recipient", "'ten per day' is not a cap; write e.g. 10 per 10m, 30 per day or 5 per 1h"),
        ("loop_caps:\n  per_ticket: [5 per 1h, 10 per]", "loop_caps.per_ticket", "'10 per' is not a cap"),
        ("loop_caps:\n  per_recipient: [10 per 10m]\n  per_address: [3 per 1h]", "loop_caps.per_address", "unknown field"),
        ("loop_caps: 10 per 10m", "loop_caps", "mapping"),
    ]

    @Test(arguments: broken)
    func brokenSettingsSayWhere(yaml: String, field: String, says: String) {
        do {
            _ = try Self.parse(yaml)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.field == field)
            #expect(error.description.contains(says), "\(error)")
            #expect(error.description.hasPrefix("mailboxes/support.yaml"))
        }
    }

    /// A broken `bounce_pause` must not hide a broken `loop_caps`, nor `per_recipient` hide
    /// `per_ticket`: every problem is reported in one pass.
    @Test func everyBrokenDeliverySettingIsReportedInOnePass() throws {
        let directory = try ConfigTests.directory([
            "support.yaml": ConfigTests.valid + "\nbounce_pause: soon\nloop_caps:\n  per_recipient: [many]\n  per_ticket: [lots]",
        ])
        let found = ConfigTests.problems(directory)
        let problems = found.map(\.field)
        #expect(problems.first == "bounce_pause", "\(problems)")
        #expect(found.allSatisfy { URL(fileURLWithPath: $0.file).lastPathComponent == "support.yaml" })
        #expect(problems == ["bounce_pause", "loop_caps.per_recipient", "loop_caps.per_ticket"])
    }
}
