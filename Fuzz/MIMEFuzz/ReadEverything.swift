// Shared by the libFuzzer target (FuzzTarget.swift) and the release replay (../MIMEReplay).
// Mirrors Tests/MIMETests/RobustnessTests.readEverything and what the gateway reads
// (Sources/Gateway/Parse/ParsedMessageReport.swift): a crash or hang anywhere a caller looks
// counts, not only in Message.parse.
import MIME

enum FuzzRead {
    /// Parses `bytes` and touches every value a caller reads: header fields, addresses, dates, text
    /// and HTML bodies, the reply, attachments and their decoded bytes, the bounce and delivery
    /// status report, and every node of the part tree. Returns a description of a broken
    /// invariant, or nil when all held.
    static func readEverything(_ bytes: [UInt8]) -> String? {
        let message = Message.parse(bytes)
        var touched = 0
        for field in message.header.fields {
            touched &+= field.name.utf8.count &+ field.value.utf8.count
        }
        // Lookups the gateway makes by name (language, auto-reply marker, Authentication-Results).
        touched &+= message.header["Content-Language"]?.utf8.count ?? 0
        touched &+= message.header.all("Authentication-Results").count
        touched &+= message.subject?.utf8.count ?? 0
        for address in message.from + message.to + message.cc + message.replyTo + [message.sender].compactMap(\.self) {
            touched &+= address.address.utf8.count &+ (address.name?.utf8.count ?? 0)
            touched &+= address.description.utf8.count
        }
        touched &+= message.returnPath?.utf8.count ?? 0
        touched &+= message.messageID?.utf8.count ?? 0
        touched &+= (message.inReplyTo + message.references).count
        touched &+= message.date == nil ? 0 : 1
        touched &+= message.autoSubmitted?.utf8.count ?? 0
        touched &+= message.precedence?.utf8.count ?? 0
        touched &+= message.listID?.utf8.count ?? 0
        touched &+= message.textBody?.utf8.count ?? 0
        if let html = message.htmlBody {
            // The gateway renders HTML to text when a message has no plain part.
            touched &+= html.utf8.count &+ HTMLText.render(html).utf8.count
        }
        touched &+= message.reply?.utf8.count ?? 0
        touched &+= (message.textBodyPath?.count ?? 0) &+ (message.htmlBodyPath?.count ?? 0)
        for attachment in message.attachments {
            touched &+= attachment.decodedBody().count &+ (attachment.filename?.utf8.count ?? 0)
            touched &+= attachment.contentID?.utf8.count ?? 0
            touched &+= attachment.contentType.mediaType.utf8.count &+ (attachment.isInline ? 1 : 0)
        }
        if let bounce = message.bounce {
            touched &+= bounce.originalMessageID?.utf8.count ?? 0
            for recipient in bounce.recipients {
                touched &+= recipient.address?.utf8.count ?? 0
                touched &+= recipient.effectiveStatus?.utf8.count ?? 0
                touched &+= recipient.isPermanentFailure ? 1 : 0
            }
        }
        if let report = message.deliveryStatus {
            touched &+= report.failedRecipients.count &+ (report.originalMessageID?.utf8.count ?? 0)
        }
        for part in message.root.allParts {
            let decoded = part.decodedBody()
            // Memory stays in proportion: no part decodes to more than the whole input.
            if decoded.count > bytes.count {
                return "a part decoded to \(decoded.count) bytes from \(bytes.count)"
            }
            touched &+= part.decodedText().text.utf8.count &+ (part.filename?.utf8.count ?? 0)
            touched &+= part.contentType.mediaType.utf8.count &+ (part.contentType.charset?.utf8.count ?? 0)
            touched &+= part.transferEncoding.utf8.count &+ (part.disposition?.value.utf8.count ?? 0)
            touched &+= part.children.count
        }
        for defect in message.defects {
            touched &+= defect.description.utf8.count
        }
        return touched < 0 ? "impossible total" : nil
    }
}
