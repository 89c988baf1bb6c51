import MailgateTestSupport
import Foundation
@testable import Gateway
import HelpdeskCore
import MIME
import Testing

/// Every shipped reply template, rendered as the outbox sends it, byte for byte against a golden
/// file in `Golden/<lang>/<event>.eml`. A template change shows up as a diff of the mail people
/// get. To accept a change: `MAILGATE_UPDATE_GOLDEN=1 swift test --filter TemplateGoldenTests`,
/// then review the diff of the golden files before committing them.
@Suite("Golden mail of the shipped templates", .timeLimit(.minutes(5)))
struct TemplateGoldenTests {
    static let languages = ["en", "de"]
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    /// Signs the reply addresses of the samples; a test value, so the Reply-To is fixed too.
    static let secret = Array("golden-test-reply-secret-0123456789abcdef".utf8)
    static let regenerate = "MAILGATE_UPDATE_GOLDEN=1 swift test --filter TemplateGoldenTests"

    static var updating: Bool { ProcessInfo.processInfo.environment["MAILGATE_UPDATE_GOLDEN"] == "1" }

    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func goldenFile(_ event: MailEvent, language: String) -> URL {
        golden.appendingPathComponent(language).appendingPathComponent("\(event.rawValue).eml")
    }

    /// The mailbox as shipped in mailboxes/support.yaml, SLA included, so the SLA mail shows
    /// realistic targets and a business-hours zone.
    static let yaml = ConfigTests.valid + """

        name: Example Support
        sla:
          time: business
          timezone: Europe/Berlin
          hours: ["mon-fri 09:00-17:00"]
          holidays: [2026-12-24, 2026-12-25, 2026-12-26, 2027-01-01]
          warn_at: 80%
          auto_close_days: 7
          targets:
            urgent: {first_response: 30m, resolution: 4h}
            high: {first_response: 1h, resolution: 1d}
            normal: {first_response: 4h, resolution: 3d}
            low: {first_response: 1d}
        """

    /// The mailbox for readers of `language`: as `helpdesk templates preview --sample --language`
    /// does it, every agent reads that language, so notifications follow it too.
    static func mailbox(language: String) throws -> MailboxConfig {
        var mailbox = try MailboxConfig.parse(yaml: yaml, file: "mailboxes/support.yaml")
        if language != "en" {
            let tag = try #require(LanguageTag(language))
            for agent in mailbox.agents.indices { mailbox.agents[agent].language = tag }
        }
        return mailbox
    }

    /// The sample mail of `event` for readers of `language`, as the outbox would send it.
    static func render(_ event: MailEvent, language: String) throws -> [UInt8] {
        let templates = try TemplateLibrary.load(directory: RepoPaths.templates.path, mailboxes: ["support"])
        let mailbox = try mailbox(language: language)
        let plan = PreviewPlans.sample(event, mailbox: mailbox, language: language == "en" ? nil : language, now: now)
        let renderer = MailRenderer(templates: templates, mailboxes: [mailbox], secrets: [mailbox.name: secret])
        return try renderer.render(plan, ticketId: 123, now: now).message
    }

    static func write(_ bytes: [UInt8], to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Atomic: the Python check may read the golden files while they are rewritten.
        try Data(bytes).write(to: file, options: .atomic)
    }

    /// Where `expected` and `actual` first differ: line number and both lines, CR and LF shown.
    static func firstDifference(expected: [UInt8], actual: [UInt8]) -> String {
        // Split the bytes, not the String: Swift reads "\r\n" as one Character, so splitting
        // a String at "\n" would leave CRLF text in one piece.
        let lines: ([UInt8]) -> [String] = { bytes in
            bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        let old = lines(expected)
        let new = lines(actual)
        let shown: (String?) -> String = { line in
            guard let line else { return "(end of file)" }
            return line.debugDescription
        }
        for index in 0..<max(old.count, new.count) {
            let a = index < old.count ? old[index] : nil
            let b = index < new.count ? new[index] : nil
            if a != b {
                return "first difference at line \(index + 1):\n  golden:   \(shown(a))\n  rendered: \(shown(b))"
            }
        }
        return "the bytes differ, but no line does"
    }

    @Test(arguments: MailEvent.allCases, languages)
    func matchesTheGoldenFile(event: MailEvent, language: String) throws {
        let rendered = try Self.render(event, language: language)
        let file = Self.goldenFile(event, language: language)
        if Self.updating {
            try Self.write(rendered, to: file)
        } else {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                Issue.record("golden file \(file.path) is missing; create it with `\(Self.regenerate)`, then review and commit it")
                return
            }
            let golden = [UInt8](data)
            // A Bool, so a failure prints the first differing line, not both messages as bytes.
            let same = golden == rendered
            #expect(
                same,
                """
                rendered \(event.rawValue) (\(language)) differs from golden file \(file.path)
                \(Self.firstDifference(expected: golden, actual: rendered))
                If the template change is intended, regenerate with `\(Self.regenerate)`, then review the diff of the golden files.
                """)
        }

        let message = Message.parse(rendered)
        #expect(message.defects.isEmpty, "\(message.defects)")
        #expect(message.root.contentType.mediaType == "multipart/alternative")
        #expect(message.root.children.map(\.contentType.mediaType) == ["text/plain", "text/html"])
        let text = try #require(message.textBody)
        let html = try #require(message.htmlBody)
        #expect(message.textBodyPath == [0])
        #expect(message.htmlBodyPath == [1])
        let subject = try #require(message.subject)
        if event.isAboutTicket {
            #expect(subject.hasPrefix("[SUPP-123] "), "Subject: \(subject)")
            #expect(message.header["X-Mailgate-Ticket"] == "SUPP-123")
        } else {
            #expect(!subject.contains("SUPP-123"), "Subject: \(subject)")
        }
        #expect(!text.contains("{{") && !html.contains("{{"), "a tag was left unrendered")
        #expect(html.contains("<html lang=\"\(language)\">"))
        #expect(html.contains("lang=\"\(language)\">\n"), "the content block carries the language as well")
        let germanWords = ["Sie", "Nachricht", "Ticket", "Hallo", "von"]
        let englishWords = ["This message was sent automatically", "To answer, reply to this message"]
        if language == "de" {
            #expect(germanWords.contains { text.contains($0) }, "no German word in the text part:\n\(text)")
            #expect(text.contains("Sie"), "German mail addresses the reader as Sie:\n\(text)")
            #expect(!englishWords.contains { text.contains($0) || html.contains($0) }, "English sentences in German mail:\n\(text)")
        } else {
            #expect(englishWords.contains { text.contains($0) }, "no English footer or reply hint in the text part:\n\(text)")
            #expect(!text.contains("Diese Nachricht") && !text.contains("Sie "), "German words in English mail:\n\(text)")
        }
    }

    /// The first executable `name` on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A second, independent reader: Python's `email` package with the modern policy. One line per
    /// file with problems; exit status 1 if there was any.
    static let pythonCheck = #"""
        import sys, email, email.policy
        bad = 0
        for path in sys.argv[1:]:
            found = []
            try:
                with open(path, "rb") as f:
                    data = f.read()
                msg = email.message_from_bytes(data, policy=email.policy.default)
                for d in msg.defects:
                    found.append("message: %s: %s" % (type(d).__name__, d))
                if msg.get_content_type() != "multipart/alternative":
                    found.append("message is %s, not multipart/alternative" % msg.get_content_type())
                for index, part in enumerate(msg.walk()):
                    where = "part %d (%s)" % (index, part.get_content_type())
                    if index > 0:
                        for d in part.defects:
                            found.append("%s: %s: %s" % (where, type(d).__name__, d))
                    for name, value in part.items():
                        for d in getattr(value, "defects", ()):
                            found.append("%s header %s: %s: %s" % (where, name, type(d).__name__, d))
                    if part.get_content_maintype() == "text":
                        try:
                            content = part.get_content()
                        except Exception as e:
                            found.append("%s: get_content failed: %r" % (where, e))
                        else:
                            if "\ufffd" in content:
                                found.append("%s: text does not decode in its charset" % where)
            except Exception as e:
                found.append("cannot parse: %r" % (e,))
            if found:
                bad += 1
                print("%s: %s" % (path, "; ".join(found)))
        sys.exit(1 if bad else 0)
        """#

    @Test func pythonsEmailPackageReadsEveryGoldenFileWithoutDefects() throws {
        guard let python = Self.onPath("python3") else {
            Issue.record("python3 is not on PATH; it is needed to check the golden mail with Python's email package. Install it with scripts/install-deps.sh")
            return
        }
        var files: [String] = []
        for language in Self.languages {
            for event in MailEvent.allCases {
                let file = Self.goldenFile(event, language: language)
                // When updating, this test may run before the golden test of the same file: write
                // it here too (the same bytes), so the check never reads a missing file.
                if Self.updating { try Self.write(try Self.render(event, language: language), to: file) }
                guard FileManager.default.fileExists(atPath: file.path) else {
                    Issue.record("golden file \(file.path) is missing; create it with `\(Self.regenerate)`, then review and commit it")
                    return
                }
                files.append(file.path)
            }
        }
        let child = try ChildProcess(python, ["-c", Self.pythonCheck] + files)
        let status = try child.finish(seconds: 120)
        #expect(child.stdout.isEmpty, "Python's email package found problems:\n\(child.stdout)")
        #expect(status == 0, "python3 exited with \(status); stdout:\n\(child.stdout)\nstderr:\n\(child.stderr)")
    }
}
