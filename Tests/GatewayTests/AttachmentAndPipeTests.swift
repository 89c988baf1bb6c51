import Crypto
import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MailTransport
import MIME
import MailgateTestSupport
import Testing

/// Attachments, size limits and the MTA pipe (`helpdesk ingest`), each on its own real Dovecot +
/// OpenSMTPD pair, checked through the `helpdesk` executable as an admin or an MTA would use it.
@Suite("Attachments, size limits and the MTA pipe", .serialized, .timeLimit(.minutes(5)))
struct AttachmentAndPipeTests {
    // MARK: Attachments

    @Test func attachmentsAreStoredOnceAndComeBackByteForByte() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        let pdf = Self.randomBytes(count: 200_000, seed: 0x5EED_F00D)
        let notes = Array("Serial number: 4711-0815\nFirmware: 2.3.1\n".utf8)
        let hostile = "..\\..\\Windows\\evil\u{202E}fdp.pdf"
        try desk.send(from: "alice", subject: "Scanner manual", mime: Self.multipart(text: "See the attached files.\n", files: [
            (hostile, "application/pdf", pdf),
            ("notes.txt", "text/plain", notes),
        ]))
        try desk.cycle()

        let global = Self.global(desk.fixture)
        let shown = try Self.show("SUPP-1", global)
        let files = try #require(shown.comments.first?.attachments)
        try #require(files.count == 2, "\(files)")
        let (document, text) = (files[0], files[1])
        #expect(document.name == "evilfdp.pdf", "no path, no right-to-left override")
        #expect(!document.name.contains("\u{202E}") && !document.name.contains("\\") && !document.name.contains("/"))
        #expect(document.type == "application/pdf")
        #expect(document.size == pdf.count)
        #expect(document.sha256 == Self.sha256(pdf))
        #expect(document.inline == false)
        #expect(text.name == "notes.txt")
        #expect(text.type == "text/plain")
        #expect(text.size == notes.count)
        #expect(text.sha256 == Self.sha256(notes))

        // Out again through the command line, byte for byte.
        let scratch = try TemporaryDirectory()
        let target = scratch.path("manual.pdf")
        let got = try CommandLineTests.helpdesk(["attachments", "get", document.sha256, "-o", target] + global)
        #expect(got.status == 0, "\(got.stderr)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: target))) == pdf)
        let notesTarget = scratch.path("notes.txt")
        let gotNotes = try CommandLineTests.helpdesk(["attachments", "get", text.sha256, "-o", notesTarget] + global)
        #expect(gotNotes.status == 0, "\(gotNotes.stderr)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: notesTarget))) == notes)

        // An existing file is not replaced without --force, and is left as it was.
        let again = try CommandLineTests.helpdesk(["attachments", "get", text.sha256, "-o", target] + global)
        #expect(again.status != 0)
        #expect(again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: target))) == pdf)
        let forced = try CommandLineTests.helpdesk(["attachments", "get", text.sha256, "-o", target, "--force"] + global)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: target))) == notes)

        let unknown = try CommandLineTests.helpdesk(["attachments", "get", String(repeating: "0", count: 64), "-o", scratch.path("x")] + global)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no attachment"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x")))
        let traversal = try CommandLineTests.helpdesk(["attachments", "get", "../../etc/passwd", "-o", scratch.path("y")] + global)
        #expect(traversal.status != 0)
        #expect(traversal.stderr.contains("not a SHA-256"), "\(traversal.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("y")))

        // The same file in another message: on the new ticket, stored once.
        try desk.send(from: "alice", subject: "Scanner manual, again", mime: Self.multipart(text: "Once more.\n", files: [
            ("manual.pdf", "application/pdf", pdf),
        ]))
        try desk.cycle()
        let second = try Self.show("SUPP-2", global)
        #expect(second.comments.first?.attachments.map(\.sha256) == [document.sha256])
        #expect(second.comments.first?.attachments.map(\.name) == ["manual.pdf"])
        let stored = try Self.regularFiles(under: desk.fixture.dataDirectory + "/attachments")
        #expect(stored.filter { $0.hasSuffix("/" + document.sha256) }.count == 1, "\(stored)")
        #expect(stored.map { ($0 as NSString).lastPathComponent }.sorted() == [document.sha256, text.sha256].sorted(),
                "one file per distinct content, no leftovers: \(stored)")
        let path = try #require(DataDirectory(root: desk.fixture.dataDirectory).attachments.path(for: document.sha256))
        #expect(path.hasSuffix("/attachments/\(document.sha256.prefix(2))/\(document.sha256)"))
    }

    // MARK: Size limits

    @Test func anOversizeMessageIsKeptAsideWithOneNotice() throws {
        let desk = try HelpDesk(maximumMessageSize: "64KB")
        defer { desk.stop() }
        let id = try desk.send(from: "alice", subject: "Log files", body: Self.longText(bytes: 200_000))
        try desk.cycle()

        #expect(try desk.database.tickets().isEmpty)
        let rows = try desk.database.inboundMessages()
        #expect(rows.map(\.outcome) == [.quarantined])
        #expect(rows.first?.detail?.contains("max_message_size") == true, "\(rows.first?.detail ?? "-")")
        #expect(rows.first?.messageId == id)
        #expect((rows.first?.size ?? 0) > 200_000, "the size the server reported")

        let limit = TemplateValues.readableSize(64 << 10)
        #expect(limit == "64 KB")
        let alice = try desk.inbox("alice", count: 1)
        #expect(alice.count == 1)
        let notice = try #require(alice.first)
        #expect(notice.subject?.contains("too large") == true, "\(notice.subject ?? "-")")
        #expect(notice.subject?.contains("Log files") == false, "the sender's subject is not relayed in ours")
        #expect(notice.textBody?.contains("\"Log files\"") == true)
        #expect(notice.textBody?.contains("the limit is \(limit)") == true, "\(notice.textBody ?? "-")")
        #expect(notice.inReplyTo == [id])
        #expect(notice.autoSubmitted == "auto-replied")

        // Still on the server, marked, not deleted.
        let client = try IMAPClient(endpoint: desk.servers.imapEndpoint(user: "support"))
        let marked = try client.search("KEYWORD $Helpdesk-Quarantined")
        #expect(marked.count == 1)
        #expect(marked.map(Int64.init) == rows.compactMap(\.uid))
        #expect(try client.status().messages == 1)

        // The same message delivered again (here by the MTA pipe): recorded, but no second notice.
        let raw = try #require(try desk.servers.messages(user: "support").first)
        let again = try desk.gateway.ingest(mailbox: "support", raw: raw)
        guard case .quarantined = again else { Issue.record("got \(again)"); return }
        try desk.cycle()
        #expect(try desk.database.outbox().filter { $0.recipientList.contains("alice@example.test") }.count == 1, "no second notice")
        #expect(try desk.servers.messages(user: "alice").count == 1)
        #expect(try desk.database.inboundMessages().map(\.outcome) == [.quarantined, .quarantined])
    }

    @Test func anOversizeAttachmentKeepsTheMessageAside() throws {
        let desk = try HelpDesk(extra: "max_attachment_size: 10KB")
        defer { desk.stop() }
        let big = Self.randomBytes(count: 50_000, seed: 42)
        try desk.send(from: "alice", subject: "Crash dump", mime: Self.multipart(text: "The dump is attached.\n", files: [
            ("C:\\dumps\\crash:1.dmp", "application/octet-stream", big),
        ]))
        try desk.cycle()

        #expect(try desk.database.tickets().isEmpty)
        let rows = try desk.database.inboundMessages()
        #expect(rows.map(\.outcome) == [.quarantined])
        let row = try #require(rows.first)
        #expect(row.detail?.contains("max_attachment_size") == true, "\(row.detail ?? "-")")
        #expect(row.detail?.contains("crash1.dmp") == true, "\(row.detail ?? "-")")
        #expect(row.rawKept)

        let alice = try desk.inbox("alice", count: 1)
        #expect(alice.count == 1)
        #expect(alice.first?.subject?.contains("too large") == true)
        let body = try #require(alice.first?.textBody)
        #expect(body.contains("\"crash1.dmp\""), "the sanitised name: \(body)")
        #expect(body.contains("is 49 KB and the limit per file is 10 KB"), "\(body)")
        #expect(!body.contains("dumps"), "no path from the sender: \(body)")

        // The raw bytes are kept under data/messages, named by the row's digest, equal to what arrived.
        let raw = try #require(try desk.servers.messages(user: "support").first)
        #expect(row.sha256 == Self.sha256(raw))
        let messages = DataDirectory(root: desk.fixture.dataDirectory).messages
        let path = try #require(messages.path(for: row.sha256))
        #expect(path.hasPrefix(desk.fixture.dataDirectory + "/messages/"))
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try messages.read(row.sha256) == raw)
        #expect(try Self.regularFiles(under: desk.fixture.dataDirectory + "/attachments").isEmpty, "no attachment of it stored")
    }

    @Test func anOversizeAutoReplyIsKeptAsideSilently() throws {
        let desk = try HelpDesk(maximumMessageSize: "64KB")
        defer { desk.stop() }
        try desk.send(from: "alice", subject: "Automatic reply: away", body: Self.longText(bytes: 150_000),
                      headers: ["Auto-Submitted: auto-replied"])
        try desk.cycle()

        #expect(try desk.database.tickets().isEmpty)
        #expect(try desk.database.inboundMessages().map(\.outcome) == [.quarantined])
        #expect(try desk.database.outbox().isEmpty, "no notice to a robot")
        #expect(try IMAPClient(endpoint: desk.servers.imapEndpoint(user: "support")).search("KEYWORD $Helpdesk-Quarantined").count == 1)
        #expect(try desk.servers.messages(user: "alice").isEmpty)
    }

    // MARK: The MTA pipe

    @Test func ingestFromStdinRecordsWhatPollingRecords() throws {
        let desk = try HelpDesk()
        defer { desk.stop() }
        let picture = Self.randomBytes(count: 30_000, seed: 7)
        try desk.send(from: "alice", cc: ["carol"], subject: "VPN client crashes", mime: Self.richMessage(picture: picture))
        let raw = try #require(try desk.servers.messages(user: "support").first)

        // Installation B: the same mailbox, its own database and data directory, fed by the pipe.
        let other = try TemporaryDirectory(prefix: "mailgate-pipe")
        let otherStore = try FixtureStore(kind: .selected, directory: other)
        try FileManager.default.createDirectory(atPath: other.path("mailboxes"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: desk.fixture.configDirectory + "/support.yaml", toPath: other.path("mailboxes/support.yaml"))
        let globalB = ["--config-dir", other.path("mailboxes"), "--templates", RepoPaths.templates.path,
                       "--database", otherStore.location, "--data-dir", other.path("data")]
        let input = other.path("message.eml")
        try Data(raw).write(to: URL(fileURLWithPath: input))

        try desk.cycle()
        let ingested = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support"] + globalB, stdin: input)
        #expect(ingested.status == 0, "\(ingested.stderr)")
        #expect(ingested.stdout.contains("ticket created: SUPP-1"), "\(ingested.stdout)")

        let polled = try Self.showJSON("SUPP-1", Self.global(desk.fixture))
        let piped = try Self.showJSON("SUPP-1", globalB)
        #expect(Self.canonical(polled) == Self.canonical(piped))

        // The comparison is worth something only if the ticket carries everything.
        let ticket = try Self.show("SUPP-1", globalB)
        #expect(ticket.subject == "VPN client crashes")
        #expect(ticket.requester == "alice@example.test")
        #expect(ticket.status == "new")
        #expect(ticket.participants.map(\.address) == ["alice@example.test", "carol@example.test"])
        let comment = try #require(ticket.comments.first)
        #expect(comment.author == "alice@example.test")
        #expect(comment.body.contains("crashes right after start"))
        #expect(comment.reply?.contains("crashes right after start") == true)
        #expect(comment.reply?.contains("earlier") == false, "\(comment.reply ?? "-")")
        #expect(comment.reply?.contains("wrote:") == false, "the attribution goes with the quote: \(comment.reply ?? "-")")
        #expect(comment.html?.contains("<b>crashes</b>") == true)
        #expect(comment.attachments.map(\.name) == ["crash.png"])
        #expect(comment.attachments.map(\.sha256) == [Self.sha256(picture)])
        #expect(comment.attachments.map(\.size) == [picture.count])
        #expect(comment.attachments.map(\.type) == ["image/png"])

        // The MTA may hand the same message over twice.
        let repeated = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support"] + globalB, stdin: input)
        #expect(repeated.status == 0, "\(repeated.stderr)")
        #expect(repeated.stdout.contains("duplicate"), "\(repeated.stdout)")
        let list = try CommandLineTests.helpdesk(["tickets", "list", "--json"] + globalB)
        let tickets = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(tickets.count == 1)
    }

    @Test func ingestExitCodesTellTheMTAWhatToDo() throws {
        let install = try PipeOnlyInstallation()
        let message = try install.write("message.eml", "From: Alice <alice@example.test>\nTo: support@example.test\nSubject: Hi\nMessage-ID: <exit-codes@example.test>\n\nHello.\n")

        let garbage = try install.write("garbage.txt", "this is not mail\n")
        let notMail = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support"] + install.global, stdin: garbage)
        #expect(notMail.status == 65, "\(notMail.stderr)")
        #expect(notMail.stderr.contains("not a mail message"), "\(notMail.stderr)")

        let missing = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support", install.directory.path("no-such.eml")] + install.global)
        #expect(missing.status == 66, "\(missing.stderr)")
        #expect(missing.stderr.contains("no-such.eml"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: install.directory.path("helpdesk.sqlite")), "rejected before the database is opened")

        let unknown = try CommandLineTests.helpdesk(["ingest", "--mailbox", "nosuch"] + install.global, stdin: message)
        #expect(unknown.status == 67, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("nosuch") && unknown.stderr.contains("known: support"), "\(unknown.stderr)")

        let broken = try CommandLineTests.helpdesk(
            ["ingest", "--mailbox", "support", "--config-dir", install.directory.path("mailboxes"), "--templates", RepoPaths.templates.path,
             "--database", "/nonexistent/dir/x.sqlite", "--data-dir", install.directory.path("data")], stdin: message)
        #expect(broken.status == 75, "\(broken.stderr)")
        #expect(broken.stderr.contains("MTA") && broken.stderr.contains("retries"), "\(broken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/dir"))

        // None of that recorded anything.
        let database = try install.store.open()
        #expect(try database.inboundMessages().isEmpty)
        #expect(try database.tickets().isEmpty)
    }

    @Test func aPipeOnlyMailboxIngestsWithoutPasswords() throws {
        let install = try PipeOnlyInstallation()
        #expect(ProcessInfo.processInfo.environment[PipeOnlyInstallation.passwordVariable] == nil)
        let message = try install.write("message.eml", """
            From: Alice <alice@example.test>
            To: support@example.test
            Subject: Pipe only
            Message-ID: <pipe-only@example.test>
            Date: Tue, 24 Nov 2026 09:12:00 +0100

            Delivered by the MTA.

            """)
        // As a file argument this time; stdin is covered above.
        let result = try CommandLineTests.helpdesk(["ingest", "--mailbox", "support", message] + install.global)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ticket created: SUPP-1"), "\(result.stdout)")
        let ticket = try Self.show("SUPP-1", install.global)
        #expect(ticket.subject == "Pipe only")
        #expect(ticket.comments.map(\.body) == ["Delivered by the MTA.\n"])
    }
}

// MARK: - Helpers

extension CommandLineTests {
    /// Runs `helpdesk` with `stdin` (a file path) as its standard input.
    static func helpdesk(_ arguments: [String], environment: [String: String] = [:], stdin: String?) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw HarnessError("helpdesk executable not found at \(binary.path); run `swift build` first or set HELPDESK_BIN")
        }
        let child = try ChildProcess(binary.path, arguments, environment: TestStoreKind.childEnvironment.merging(environment) { $1 }, stdin: stdin)
        let status = try child.finish(seconds: 60)
        return Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }
}

/// A config directory with one mailbox fed only by the MTA pipe: no `imap:` section, and an SMTP
/// password named by an environment variable nobody sets.
private struct PipeOnlyInstallation {
    static let passwordVariable = "MAILGATE_PIPE_TEST_SMTP_PASSWORD_UNSET"
    let directory: TemporaryDirectory
    let store: FixtureStore

    init() throws {
        directory = try TemporaryDirectory(prefix: "mailgate-pipe-only")
        store = try FixtureStore(kind: .selected, directory: directory)
        try FileManager.default.createDirectory(atPath: directory.path("mailboxes"), withIntermediateDirectories: true)
        try """
            address: support@example.test
            name: Example Support
            key: SUPP
            smtp:
              url: smtp://127.0.0.1:1
              username: support@example.test
              password_env: \(Self.passwordVariable)
            agents:
              - email: bob@example.test
                name: Bob
            """.write(toFile: directory.path("mailboxes/support.yaml"), atomically: true, encoding: .utf8)
    }

    var global: [String] {
        ["--config-dir", directory.path("mailboxes"), "--templates", RepoPaths.templates.path,
         "--database", store.location, "--data-dir", directory.path("data")]
    }

    /// Writes `text` with CRLF line ends, as an MTA hands it over; returns the path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.path(name)
        try text.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// What `helpdesk tickets show KEY --json` prints, the parts these tests look at.
private struct ShownTicket: Decodable {
    struct Participant: Decodable { var address: String }
    struct Comment: Decodable {
        var author: String
        var body: String
        var reply: String?
        var html: String?
        var attachments: [File]
    }
    struct File: Decodable {
        var name: String
        var type: String
        var size: Int
        var sha256: String
        var inline: Bool
    }

    var key: String
    var subject: String
    var status: String
    var requester: String
    var participants: [Participant]
    var comments: [Comment]
}

extension AttachmentAndPipeTests {
    static func global(_ fixture: GatewayFixture) -> [String] {
        ["--config-dir", fixture.configDirectory, "--templates", RepoPaths.templates.path,
         "--database", fixture.databasePath, "--data-dir", fixture.dataDirectory]
    }

    /// The stdout of `tickets show KEY --json`, failing on a non-zero exit.
    static func showJSON(_ key: String, _ global: [String]) throws -> String {
        let result = try CommandLineTests.helpdesk(["tickets", "show", key, "--json"] + global)
        guard result.status == 0 else { throw HarnessError("tickets show \(key) failed (\(result.status)): \(result.stderr)") }
        return result.stdout
    }

    fileprivate static func show(_ key: String, _ global: [String]) throws -> ShownTicket {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ShownTicket.self, from: Data(try showJSON(key, global).utf8))
    }

    /// The JSON without the fields that depend on when it was recorded, keys sorted.
    static func canonical(_ json: String) -> String {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { $0.key != "created_at" && $0.key != "updated_at" }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        guard let value = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: strip(value), options: [.sortedKeys, .prettyPrinted]) else {
            return "not JSON: \(json)"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Deterministic pseudo-random bytes, so a failure can be reproduced.
    static func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
        SeededGenerator.bytes(count: count, seed: seed)
    }

    /// About `bytes` of plain text in short lines.
    static func longText(bytes: Int) -> String {
        var text = ""
        var line = 0
        while text.utf8.count < bytes {
            line += 1
            text += "log line \(line): the quick brown fox jumps over the lazy dog\n"
        }
        return text
    }

    /// `name` as an RFC 2231 extended parameter value: UTF-8, every byte outside attr-char percent-encoded.
    static func rfc2231(_ name: String) -> String {
        let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~".utf8)
        return "utf-8''" + name.utf8.map { plain.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }

    /// A Content-Type header and body (for `HelpDesk.send(mime:)`): text, then each file as a base64 attachment.
    static func multipart(text: String, files: [(name: String, type: String, bytes: [UInt8])]) -> String {
        let boundary = "=_mixed_\(UUID().uuidString)"
        var out = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"\(boundary)\"\n\nThis is a multi-part message.\n"
        out += "--\(boundary)\nContent-Type: text/plain; charset=utf-8\n\n\(text)"
        for file in files {
            out += "\n--\(boundary)\nContent-Type: \(file.type)\n"
            out += "Content-Disposition: attachment; filename*=\(rfc2231(file.name))\n"
            out += "Content-Transfer-Encoding: base64\n\n"
            out += Data(file.bytes).base64EncodedString(options: .lineLength76Characters) + "\n"
        }
        return out + "--\(boundary)--\n"
    }

    /// Text with an HTML alternative and a picture, quoting an earlier message.
    static func richMessage(picture: [UInt8]) -> String {
        """
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer-boundary"

        --outer-boundary
        Content-Type: multipart/alternative; boundary="alt-boundary"

        --alt-boundary
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        The VPN client crashes right after start, see the screenshot. Gr=C3=BC=C3=9Fe.

        On Mon, 23 Nov 2026 at 10:02, Carol <carol@example.test> wrote:
        > Did it work earlier?
        > It did for me.

        --alt-boundary
        Content-Type: text/html; charset=utf-8

        <html><body><p>The VPN client <b>crashes</b> right after start, see the screenshot.</p>
        <blockquote>Did it work earlier?</blockquote></body></html>

        --alt-boundary--

        --outer-boundary
        Content-Type: image/png; name="crash.png"
        Content-Disposition: attachment; filename="crash.png"
        Content-Transfer-Encoding: base64

        \(Data(picture).base64EncodedString(options: .lineLength76Characters))

        --outer-boundary--

        """
    }

    /// Paths of the regular files under `root` (none when it does not exist).
    static func regularFiles(under root: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: root) else { return [] }
        let names = try FileManager.default.subpathsOfDirectory(atPath: root)
        return names.map { root + "/" + $0 }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}
