import Crypto
import Foundation
@testable import Gateway
import HelpdeskCore
import HelpdeskStore
import MIME
import Testing

/// An agent's files reach the requester on the real servers, byte for byte; over the mailbox's
/// limit the reply goes without them and the agent is told.
@Suite("Agents' attachments out, on real mail servers", .serialized, .timeLimit(.minutes(5)))
struct OutgoingAttachmentTests {
    /// A PDF-looking 3 MB file and a small PNG, different bytes every run.
    static func files() -> (pdf: [UInt8], png: [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        let pdf = Array("%PDF-1.7\n".utf8) + (0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return (pdf, png)
    }

    /// Bob's reply with an HTML body showing `png` inline and `pdf` attached, as a mail client writes it.
    static func reply(to address: String, answering notification: Message, pdf: [UInt8], png: [UInt8]) -> String {
        func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]) }
        return """
            From: Bob <bob@example.test>
            To: \(address)
            Subject: Re: \(notification.subject ?? "")
            Message-ID: <\(UUID().uuidString.lowercased())@agent.example.test>
            In-Reply-To: <\(notification.messageID ?? "")>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/related; boundary="related"

            --related
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=utf-8

            Here is the invoice, and where to click.

            --alt
            Content-Type: text/html; charset=utf-8

            <p>Here is the invoice, and where to click.</p><p><img src="cid:shot.1@agent.example.test"></p>
            --alt--
            --related
            Content-Type: image/png; name="where-to-click.png"
            Content-Disposition: inline; filename="where-to-click.png"
            Content-ID: <shot.1@agent.example.test>
            Content-Transfer-Encoding: base64

            \(base64(png))
            --related--
            --outer
            Content-Type: application/pdf; name="invoice 2026-11.pdf"
            Content-Disposition: attachment; filename="invoice 2026-11.pdf"
            Content-Transfer-Encoding: base64

            \(base64(pdf))
            --outer--
            """
    }

    /// Alice asks, Bob answers with both files from his mail client, and the gateway works it;
    /// returns the files and Alice's answer.
    static func answered(_ desk: HelpDesk) throws -> (pdf: [UInt8], png: [UInt8], answer: Message) {
        try desk.send(from: "alice", subject: "Invoice missing", body: "Where is my invoice?\n")
        try desk.cycle()
        let notification = try #require(try desk.inbox("bob", count: 1).first)
        let replyTo = try #require(notification.replyTo.first?.address)
        let (pdf, png) = files()
        try desk.sendRaw(from: "bob", rcpt: replyTo, user: "support", reply(to: replyTo, answering: notification, pdf: pdf, png: png))
        try desk.cycle()
        return (pdf, png, try #require(try desk.inbox("alice", count: 2).last))
    }

    @Test func filesReachTheRequesterByteForByte() throws {
        let desk = try AgentEmailTests.desk()
        defer { desk.stop() }
        let (pdf, png, answer) = try Self.answered(desk)
        #expect(answer.defects.isEmpty, "\(answer.defects)")
        #expect(answer.root.contentType.mediaType == "multipart/mixed")
        let files = Dictionary(answer.attachments.compactMap { file in file.filename.map { ($0, file) } }, uniquingKeysWith: { first, _ in first })
        let sentPDF = try #require(files["invoice 2026-11.pdf"], "\(files.keys)")
        let sentPNG = try #require(files["where-to-click.png"], "\(files.keys)")
        #expect(SHA256.hex(of: sentPDF.decodedBody()) == SHA256.hex(of: pdf))
        #expect(SHA256.hex(of: sentPNG.decodedBody()) == SHA256.hex(of: png))
        #expect(sentPDF.contentType.mediaType == "application/pdf")
        #expect(!sentPDF.isInline)
        // The image stays inline: in multipart/related beside the HTML that shows it by cid.
        #expect(sentPNG.isInline)
        #expect(sentPNG.contentType.mediaType == "image/png")
        let cid = try #require(sentPNG.contentID)
        #expect(answer.htmlBody?.contains("src=\"cid:\(cid)\"") == true, "\(answer.htmlBody ?? "")")
        #expect(answer.textBody?.contains("Attached: invoice 2026-11.pdf (3.0 MB)") == true, "\(answer.textBody ?? "")")
        #expect(try desk.inbox("bob", count: 1).count == 1, "nothing to tell the agent")
    }

    @Test func overTheLimitTheReplyGoesWithoutFilesAndTheAgentIsTold() throws {
        let desk = try AgentEmailTests.desk(extra: "max_outgoing_attachments: 1MB")
        defer { desk.stop() }
        let (_, _, answer) = try Self.answered(desk)
        #expect(answer.attachments.isEmpty)
        let text = try #require(answer.textBody)
        #expect(text.contains("Here is the invoice"))
        #expect(text.contains("Not attached, too large to send by mail: invoice 2026-11.pdf (3.0 MB)"), "\(text)")
        #expect(text.contains("Not attached, too large to send by mail: where-to-click.png (2 KB)"), "\(text)")

        let told = try #require(try desk.inbox("bob", count: 2).last)
        #expect(told.subject?.contains("Sent without files") == true, "\(told.subject ?? "")")
        #expect(told.textBody?.contains("invoice 2026-11.pdf (3.0 MB)") == true)
        #expect(told.textBody?.contains("(1.0 MB)") == true, "the limit is named: \(told.textBody ?? "")")
        #expect(told.replyTo.first?.address.hasPrefix("support+") == true, "the agent can answer on the ticket")
        // The files stay on the ticket.
        let comment = try #require(try desk.comments("SUPP-1").last)
        #expect(try desk.database.attachments(ticketId: try desk.ticket("SUPP-1").id ?? 0)[try #require(comment.id)]?.count == 2)
    }
}
