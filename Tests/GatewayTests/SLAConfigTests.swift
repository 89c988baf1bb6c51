import Foundation
@testable import Gateway
import HelpdeskCore
import Testing

@Suite("SLA section of a mailbox file")
struct SLAConfigTests {
    static let sla = """

        sla:
          time: business
          timezone: Europe/Berlin
          hours: ["mon-fri 09:00-17:00"]
          holidays: [2026-12-24, 2026-12-25]
          warn_at: 75%
          pause_on_hold: true
          escalation: Lead@Example.test
          auto_close_days: 7
          targets:
            urgent: {first_response: 30m, resolution: 4h}
            normal: {first_response: 4h, resolution: 2d}
        """

    @Test func readsPolicyCalendarAndTargets() throws {
        let config = try MailboxConfig.parse(yaml: ConfigTests.valid + Self.sla, file: "support.yaml")
        let policy = try #require(config.sla)
        #expect(policy.targets[.urgent] == SLATargets(firstResponse: 1800, resolution: 4 * 3600))
        #expect(policy.targets[.normal] == SLATargets(firstResponse: 4 * 3600, resolution: 2 * 86_400))
        #expect(policy.targets[.low] == nil)
        #expect(policy.warningPoint == 0.75 && policy.pauseOnHold && policy.autoCloseDays == 7)
        #expect(policy.escalation == "lead@example.test")
        #expect(policy.isPaused(in: .onHold) && policy.isPaused(in: .pending) && !policy.isPaused(in: .open))
        // Friday 16:00 Berlin + 2 business hours is Monday 10:00: the calendar is the one configured.
        let friday = try #require(ISO8601DateFormatter().date(from: "2026-11-27T15:00:00Z"))
        #expect(policy.calendar.adding(2 * 3600, to: friday) == ISO8601DateFormatter().date(from: "2026-11-30T09:00:00Z"))
        #expect(try MailboxConfig.parse(yaml: ConfigTests.valid, file: "support.yaml").sla == nil)
        let always = try MailboxConfig.parse(yaml: ConfigTests.valid + "\nsla:\n  time: calendar\n  targets:\n    high: {resolution: 1d}", file: "s.yaml")
        #expect(always.sla?.calendar.isAlwaysOpen == true)
    }

    static let broken: [(replace: String, with: String, field: String, says: String)] = [
        ("timezone: Europe/Berlin", "timezone: Mars/Olympus", "sla.timezone", "IANA"),
        ("hours: [\"mon-fri 09:00-17:00\"]", "hours: [\"mon-fri 17:00-09:00\"]", "sla.hours", "opening hours"),
        ("hours: [\"mon-fri 09:00-17:00\"]", "", "sla.hours", "missing"),
        ("holidays: [2026-12-24, 2026-12-25]", "holidays: [christmas]", "sla.holidays", "YYYY-MM-DD"),
        ("warn_at: 75%", "warn_at: 120%", "sla.warn_at", "between 1% and 99%"),
        ("escalation: Lead@Example.test", "escalation: lead", "sla.escalation", "not an email address"),
        ("auto_close_days: 7", "auto_close_days: 0", "sla.auto_close_days", "greater than 0"),
        ("urgent: {first_response: 30m, resolution: 4h}", "urgent: {first_response: soon}", "sla.targets.urgent.first_response", "30m, 4h"),
        ("urgent: {first_response: 30m, resolution: 4h}", "critical: {resolution: 4h}", "sla.targets.critical", "unknown field"),
        ("time: business", "time: lunar", "sla.time", "business or calendar"),
    ]

    @Test(arguments: broken)
    func brokenSectionsSayWhere(replace: String, with: String, field: String, says: String) {
        let yaml = ConfigTests.valid + Self.sla.replacingOccurrences(of: replace, with: with)
        do {
            _ = try MailboxConfig.parse(yaml: yaml, file: "support.yaml")
            Issue.record("accepted a broken sla section")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(error.description.contains(says), "\(error)")
        }
    }
}
