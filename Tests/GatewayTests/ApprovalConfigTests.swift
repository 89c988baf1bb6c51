import Foundation
@testable import Gateway
import HelpdeskCore
import Testing

/// The `approvals:` section of a mailbox file: every form it takes, and every mistake named.
@Suite("Approval config")
struct ApprovalConfigTests {
    static func yaml(_ approvals: String, secret: Bool = true) -> String {
        ConfigTests.valid + (secret ? "\nreply_token_secret_env: MAILGATE_REPLY_SECRET" : "") + "\napprovals:\n"
            + approvals.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    @Test func readsEveryForm() throws {
        let config = try MailboxConfig.parse(yaml: Self.yaml("""
            remind_after: 4h
            expire_after: 2d
            on_expiry: escalate
            rules:
              - name: hardware
                keywords: [laptop, monitor]
                approvers: manager
              - tags: [Purchase]
                approvers: [A@example.test, b@example.test]
                expire_after: 5d
                on_expiry: cancel
              - name: refunds
                all: true
                chain: [lead@example.test, finance@example.test]
            """), file: "mailboxes/support.yaml")
        let rules = try #require(config.approvals?.rules)
        #expect(rules.map(\.name) == ["hardware", "rule 2", "refunds"])
        #expect(rules[0].match == .keywords(["laptop", "monitor"]) && rules[0].approvers == .manager)
        #expect(rules[0].remindAfter == 4 * 3_600 && rules[0].expireAfter == 2 * 86_400 && rules[0].onExpiry == .escalate)
        #expect(rules[1].match == .tags(["purchase"]) && rules[1].approvers == .anyOf(["a@example.test", "b@example.test"]))
        #expect(rules[1].expireAfter == 5 * 86_400 && rules[1].onExpiry == .cancel)
        #expect(rules[2].match == .all && rules[2].approvers == .chain(["lead@example.test", "finance@example.test"]))
        #expect(config.rules.approvals == config.approvals)
    }

    @Test("mistakes are named with their field", arguments: [
        ("rules:\n  - keywords: [x]\n", "approvals.rules[0].approvers': missing"),
        ("rules:\n  - approvers: manager\n", "say which tickets need approval"),
        ("rules:\n  - keywords: [x]\n    all: true\n    approvers: manager\n", "give one of keywords, tags or all"),
        ("rules:\n  - keywords: [x]\n    approvers: [boss]\n", "'boss' is not an email address"),
        ("rules:\n  - keywords: [x]\n    chain: [a@example.test]\n", "a chain needs two approvers or more"),
        ("rules:\n  - keywords: [x]\n    approvers: manager\n    chain: [a@example.test, b@example.test]\n", "give approvers or chain, not both"),
        ("remind_after: 3d\nexpire_after: 1d\nrules:\n  - keywords: [x]\n    approvers: manager\n", "must come before the expiry"),
        ("on_expiry: later\nrules:\n  - all: true\n    approvers: manager\n", "'later' is not one of cancel"),
        ("remind_after: soon\nrules:\n  - all: true\n    approvers: manager\n", "'soon' is not a duration"),
        ("rules: []\n", "list at least one rule"),
        ("rule:\n  - all: true\n", "unknown field"),
    ] as [(String, String)])
    func mistakes(approvals: String, says: String) {
        #expect(throws: (any Error).self) { try MailboxConfig.parse(yaml: Self.yaml(approvals), file: "mailboxes/support.yaml") }
        do {
            _ = try MailboxConfig.parse(yaml: Self.yaml(approvals), file: "mailboxes/support.yaml")
        } catch {
            #expect("\(error)".contains(says), "\(error)")
        }
    }

    @Test func approvalsNeedSignedReplyAddresses() {
        do {
            _ = try MailboxConfig.parse(yaml: Self.yaml("rules:\n  - all: true\n    approvers: manager\n", secret: false), file: "mailboxes/support.yaml")
            Issue.record("approvals without a reply secret were accepted")
        } catch {
            #expect("\(error)".contains("set reply_token_secret_env or reply_token_secret_file"), "\(error)")
        }
    }
}
