public import Foundation

/// Builds an outgoing RFC 5322 message with CRLF line ends: plain text alone, or the shapes the
/// reader takes apart (text with an HTML alternative, inline parts the HTML shows, attachments).
public struct OutgoingMessage: Sendable {
    public var from: Address
    public var to: [Address]
    public var cc: [Address] = []
    public var replyTo: [Address] = []
    public var subject: String
    /// The plain text body; any line ends ("\n", "\r\n", "\r") become CRLF.
    public var textBody: String
    /// Without angle brackets.
    public var messageID: String
    public var date: Date
    /// Message ids (without angle brackets) this message answers.
    public var inReplyTo: [String] = []
    public var references: [String] = []
    /// An HTML alternative to `textBody`, shown by clients that can.
    public var htmlBody: String?
    /// Parts the HTML shows by `cid:` (inline images); ignored without `htmlBody`.
    public var inlineParts: [OutgoingPart] = []
    /// Files offered for download.
    public var attachments: [OutgoingPart] = []
    /// Further fields, e.g. `Auto-Submitted: auto-replied` or `X-Mailgate-Ticket: SUPP-1`; fields
    /// this type writes itself (From, Subject, Content-Type, …) are ignored here.
    public var extraHeaders: [HeaderField] = []

    public init(from: Address, to: [Address], subject: String, textBody: String, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.messageID = messageID
        self.date = date
    }

    /// Fields `rendered()` writes; an extra header of the same name would contradict them.
    private static let ownFields: Set<String> = [
        "date", "from", "to", "cc", "reply-to", "subject", "message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding", "bcc",
    ]

    /// The full message: header fields in a fixed order, folded, then the body; CRLF throughout.
    public func rendered() -> [UInt8] {
        var lines: [String] = []
        func add(_ name: String, _ value: String, structured: Bool = true) {
            lines.append(HeaderFolding.fold(name: name, value: value, structured: structured))
        }
        func addressList(_ addresses: [Address]) -> String {
            addresses.map(\.rendered).filter { !$0.isEmpty }.joined(separator: ", ")
        }
        func idList(_ ids: [String]) -> String {
            ids.map(HeaderSanitizer.messageID).filter { !$0.isEmpty }.map { "<\($0)>" }.joined(separator: " ")
        }
        func wordLength(for name: String) -> Int { max(40, min(75, HeaderFolding.preferredLength - name.utf8.count - 2)) }

        add("Date", RFC5322Date.format(date))
        add("From", from.rendered)
        let toList = addressList(to)
        if !toList.isEmpty { add("To", toList) }
        let ccList = addressList(cc)
        if !ccList.isEmpty { add("Cc", ccList) }
        let replyToList = addressList(replyTo)
        if !replyToList.isEmpty { add("Reply-To", replyToList) }
        let cleanSubject = HeaderSanitizer.value(subject).trimmingWhitespace
        add("Subject", HeaderText.unstructured(cleanSubject, maxWordLength: wordLength(for: "Subject")), structured: false)
        add("Message-ID", "<\(HeaderSanitizer.messageID(messageID))>")
        let replyIDs = idList(inReplyTo)
        if !replyIDs.isEmpty { add("In-Reply-To", replyIDs) }
        let referenceIDs = idList(references)
        if !referenceIDs.isEmpty { add("References", referenceIDs) }
        for field in extraHeaders {
            let name = HeaderSanitizer.fieldName(field.name)
            guard !name.isEmpty, !Self.ownFields.contains(name.lowercased()) else { continue }
            let value = HeaderSanitizer.value(field.value).trimmingWhitespace
            add(name, HeaderText.unstructured(value, maxWordLength: wordLength(for: name)), structured: false)
        }

        add("MIME-Version", "1.0")
        var boundaries = 0
        let body = entity.rendered(seed: Self.boundarySeed(messageID), boundaries: &boundaries)
        lines += body.headers

        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 2 } + body.body.count + 2)
        for line in lines {
            out += line.utf8
            out += [ASCII.cr, ASCII.lf]
        }
        out += [ASCII.cr, ASCII.lf]
        out += body.body
        return out
    }

    /// The body's MIME tree: mixed(alternative(text, related(html, inline…)), attachment…), each
    /// level only when it has more than the one part.
    var entity: MIMEEntity {
        var body = MIMEEntity.text(subtype: "plain", textBody)
        if let htmlBody {
            var html = MIMEEntity.text(subtype: "html", htmlBody)
            if !inlineParts.isEmpty {
                html = .multipart(subtype: "related", [html] + inlineParts.map { .file($0, inline: true) })
            }
            body = .multipart(subtype: "alternative", [body, html])
        }
        if !attachments.isEmpty {
            body = .multipart(subtype: "mixed", [body] + attachments.map { .file($0, inline: false) })
        }
        return body
    }

    /// Letters and digits of the Message-ID: boundaries differ between messages and repeat for
    /// the same one, so a rendered message is reproducible.
    static func boundarySeed(_ messageID: String) -> String {
        let kept = messageID.unicodeScalars.filter { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        return String(String.UnicodeScalarView(kept.prefix(24)))
    }

    /// The body bytes and their transfer encoding: 7bit when ASCII with short lines, else
    /// quoted-printable; always CRLF line ends and a final CRLF when not empty.
    static func encodedBody(_ text: String) -> (encoding: String, bytes: [UInt8]) {
        let lines = text.normalizingLineEnds.utf8.split(separator: ASCII.lf, omittingEmptySubsequences: false)
        var trimmedLines = Array(lines)
        // A final "\n" ends the last line rather than starting an empty one.
        if trimmedLines.count > 1, trimmedLines.last?.isEmpty == true { trimmedLines.removeLast() }
        if text.isEmpty { return ("7bit", []) }
        let isSevenBit = trimmedLines.allSatisfy { $0.count <= 998 && Bytes.isASCII($0) }
        var joined: [UInt8] = []
        joined.reserveCapacity(text.utf8.count + trimmedLines.count * 2)
        for line in trimmedLines {
            joined += line
            joined += [ASCII.cr, ASCII.lf]
        }
        if isSevenBit { return ("7bit", joined) }
        return ("quoted-printable", QuotedPrintable.encode(joined))
    }
}
