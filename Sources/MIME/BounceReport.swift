/// What a bounce says, whichever form it came in: a standard delivery status notification, or
/// the plain-text forms mail systems still send.
public struct BounceReport: Sendable, Hashable {
    /// How the bounce was written.
    public enum Form: String, Sendable {
        /// A delivery status notification (RFC 3464), including OpenSMTPD's multipart/mixed variant.
        case deliveryStatus
        /// Only text for people (qmail, Exim, older Postfix and Sendmail, Gmail, Exchange).
        case text
    }

    /// How the bounce was written.
    public var form: Form
    /// Message-ID (no angle brackets) of the message that bounced, when the bounce shows it.
    public var originalMessageID: String?
    /// Per recipient: address, action ("failed" or "delayed"), status, diagnostic.
    public var recipients: [DeliveryStatusReport.Recipient]

    /// A report from its parts (tests, synthesised events).
    public init(form: Form, originalMessageID: String? = nil, recipients: [DeliveryStatusReport.Recipient] = []) {
        self.form = form
        self.originalMessageID = originalMessageID
        self.recipients = recipients
    }

    /// Reads `message` as a bounce, or nil when it is not one.
    public init?(message: Message) {
        if let report = DeliveryStatusReport(message: message) {
            let undelivered = report.recipients.map(Self.readingErrorAsFailed).filter(\.isUndelivered)
            // A report of deliveries or relays only is a receipt, not a bounce.
            guard report.recipients.isEmpty || !undelivered.isEmpty else { return nil }
            let notice = BounceNotice(message: message)
            // A report whose status part is missing or unreadable: the notice text is all there is.
            var recipients = undelivered.isEmpty ? notice.recipients : undelivered
            for index in recipients.indices where recipients[index].diagnosticCode == nil {
                // QUIRK: OpenSMTPD gives no Diagnostic-Code and only a generic 5.0.0 Status; the remote
                // server's reply is in the notice ("addr: 550 5.1.1 …").
                let recipient = recipients[index]
                let addresses = [recipient.finalRecipient, recipient.originalRecipient].compactMap(\.self)
                recipients[index].diagnosticCode = addresses.lazy.compactMap(notice.diagnostic(for:)).first
            }
            self.init(
                form: .deliveryStatus, originalMessageID: report.originalMessageID ?? notice.quotedMessageID,
                recipients: recipients
            )
            return
        }
        // Text alone proves nothing: a person may write "undeliverable". Only a mail system's notice
        // with a failure or delay subject is read.
        guard Self.isFromMailSystem(message), let subject = message.subject, Self.readsAsBounce(subject) else {
            return nil
        }
        let notice = BounceNotice(message: message)
        self.init(
            form: .text, originalMessageID: Self.returnedMessageID(in: message.root) ?? notice.quotedMessageID,
            recipients: notice.recipients
        )
    }

    /// QUIRK: older OpenSMTPD writes "Action: error", which RFC 3464 section 2.3.3 does not define;
    /// it means the delivery failed.
    private static func readingErrorAsFailed(
        _ recipient: DeliveryStatusReport.Recipient
    ) -> DeliveryStatusReport.Recipient {
        guard recipient.action == "error" else { return recipient }
        var failed = recipient
        failed.action = "failed"
        return failed
    }

    /// Local parts mail systems send their notices from.
    private static let mailSystemLocalParts: Set<String> = [
        "mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster", "mdaemon",
    ]

    /// Display names of mail systems, lower-cased: "Mail Delivery System", "Mail Delivery Subsystem",
    /// and Exchange's "System Administrator".
    private static let mailSystemNames = [
        "mail delivery", "mailer-daemon", "mailer daemon", "postmaster", "system administrator",
    ]

    /// Subject wordings of failure and delay notices, lower-cased, matched anywhere in the subject.
    private static let bounceSubjectPhrases = [
        "undeliverable", "non-delivery",          // Exchange, Office 365, many gateways
        "undelivered",                            // Postfix: "Undelivered Mail Returned to Sender"
        "delivery status notification",           // Gmail "(Failure)", "(Delay)"; OpenSMTPD ": failed", ": error"
        "delivery failed", "delivery failure",    // Exim: "Mail delivery failed: returning message to sender"
        "failed mail", "mail failed",
        "delivery problem", "delivery warning",
        "not delivered", "could not be delivered", "not yet been delivered",
        "returned mail",                          // Sendmail: "Returned mail: see transcript for details"
        "failure notice",                         // qmail
        "delayed",                                // Postfix "Delayed Mail", Exim "Warning: message … delayed"
        "could not send message",                 // Sendmail: "Warning: could not send message for past 4 hours"
        "nicht zustellbar", "unzustellbar",       // German Exchange
        "non remis",                              // French Exchange
    ]

    /// Whether the message comes from a mail system rather than a person: the null return path of
    /// notices (RFC 5321 section 4.5.5), or a MAILER-DAEMON or postmaster sender.
    static func isFromMailSystem(_ message: Message) -> Bool {
        if message.returnPath == "" { return true }
        // Some relays put the daemon in the envelope: "Return-Path: <MAILER-DAEMON@mx.example.net>".
        if let returnPath = message.returnPath, mailSystemLocalParts.contains(localPart(returnPath)) { return true }
        for address in message.from {
            if mailSystemLocalParts.contains(localPart(address.address)) { return true }
            let name = address.name?.lowercased() ?? ""
            if mailSystemNames.contains(where: name.contains) { return true }
        }
        // A bare "From: MAILER-DAEMON" or "Postmaster <>" may not read as an address at all.
        let rawFrom = message.header["From"]?.lowercased() ?? ""
        return rawFrom.contains("mailer-daemon") || rawFrom.contains("postmaster")
    }

    /// "MAILER-DAEMON@mx.example.net" → "mailer-daemon".
    private static func localPart(_ address: String) -> String {
        String(address.prefix { $0 != "@" }).lowercased()
    }

    /// Whether a subject reads as a failure or delay notice.
    static func readsAsBounce(_ subject: String) -> Bool {
        let lowered = subject.lowercased()
        // "Delivery Status Notification (Success)" reports a delivery.
        return bounceSubjectPhrases.contains(where: lowered.contains) && !lowered.contains("success")
    }

    /// The Message-ID of the returned message attached as message/rfc822 or text/rfc822-headers,
    /// not looking inside attached messages (the first one is the returned message).
    static func returnedMessageID(in part: MessagePart) -> String? {
        switch part.contentType.mediaType {
        case "message/rfc822", "message/global":
            return part.children.first?.header["Message-ID"].flatMap(MessageIDList.single)
        case "text/rfc822-headers", "message/global-headers":
            return HeaderParser.parse(part.decodedBody()[...]).header["Message-ID"].flatMap(MessageIDList.single)
        default:
            guard part.contentType.isMultipart else { return nil }
            for child in part.children {
                if let found = returnedMessageID(in: child) { return found }
            }
            return nil
        }
    }
}

extension DeliveryStatusReport.Recipient {
    /// The most specific enhanced status code (RFC 3463): `status` unless it is generic (x.0.0) and the
    /// diagnostic names a more specific one of the same class; else from a basic code in the diagnostic
    /// (550 → 5.0.0, 452 → 4.0.0).
    public var effectiveStatus: String? {
        let diagnostic = Array((diagnosticCode ?? "").utf8)[...]
        if let status, StatusCode.isEnhanced(status) {
            // Exim and OpenSMTPD write 5.0.0 whatever the remote server said; its reply says more.
            guard status.hasSuffix(".0.0"), let statusClass = status.utf8.first,
                  let range = StatusCode.enhanced(in: diagnostic, classes: [statusClass])
            else { return status }
            return String(decoding: diagnostic[range], as: UTF8.self)
        }
        if let range = StatusCode.enhanced(in: diagnostic, classes: StatusCode.allClasses) {
            return String(decoding: diagnostic[range], as: UTF8.self)
        }
        if let index = StatusCode.basic(in: diagnostic, classes: StatusCode.allClasses) {
            return "\(Character(Unicode.Scalar(diagnostic[index]))).0.0"
        }
        // An unreadable status ("5.1", "failed") is still better than none.
        return status
    }

    /// 5.x.x: delivery failed for good.   4.x.x / delayed: may still arrive.
    public var isPermanentFailure: Bool {
        if action == "delayed" { return false }
        // A 4.x.x failure (a temporary condition that outlasted the retries) says nothing against
        // the address itself, so only class 5 counts.
        if let code = effectiveStatus { return code.hasPrefix("5") }
        return action == "failed"
    }

    /// Whether the group reports a failure or a delay, not a delivery, relay or expansion.
    var isUndelivered: Bool {
        if let action { return action == "failed" || action == "delayed" }
        // QUIRK: RFC 3464 requires Action, but some gateways omit it; the status class tells.
        return effectiveStatus.map { $0.hasPrefix("4") || $0.hasPrefix("5") } ?? false
    }
}

/// Finds SMTP reply codes (RFC 5321 section 4.2.1, "550") and enhanced status codes (RFC 3463,
/// "5.1.1") in text, with word boundaries so IP addresses and dates do not count.
enum StatusCode {
    /// Class digits (RFC 3463 section 3.1): 2 success, 4 persistent transient failure, 5 permanent failure.
    static let success: UInt8 = 0x32
    static let transient: UInt8 = 0x34
    static let permanent: UInt8 = 0x35
    static let allClasses: Set<UInt8> = [success, transient, permanent]
    static let failureClasses: Set<UInt8> = [transient, permanent]

    /// Whether `value` is one enhanced code and nothing else.
    static func isEnhanced(_ value: String) -> Bool {
        let bytes = Array(value.utf8)[...]
        return enhancedLength(in: bytes, at: bytes.startIndex, classes: allClasses) == bytes.count
    }

    /// The range of the first enhanced code whose class is one of `classes`.
    static func enhanced(in bytes: ArraySlice<UInt8>, classes: Set<UInt8>) -> Range<Int>? {
        for index in bytes.indices {
            if let length = enhancedLength(in: bytes, at: index, classes: classes) { return index..<(index + length) }
        }
        return nil
    }

    /// The index of the first three-digit reply code whose class is one of `classes`.
    static func basic(in bytes: ArraySlice<UInt8>, classes: Set<UInt8>) -> Int? {
        bytes.indices.first { isBasic(in: bytes, at: $0, classes: classes) }
    }

    /// `class.subject.detail`, subject and detail of one to three digits, not part of a longer
    /// dotted number (an IP address) or word.
    private static func enhancedLength(in bytes: ArraySlice<UInt8>, at index: Int, classes: Set<UInt8>) -> Int? {
        guard classes.contains(bytes[index]), !continuesNumber(bytes, before: index) else { return nil }
        var position = index + 1
        for _ in 0..<2 {
            guard position < bytes.endIndex, bytes[position] == ASCII.dot else { return nil }
            position += 1
            let digits = bytes[position...].prefix(4).prefix { $0.isASCIIDigit }.count
            guard (1...3).contains(digits) else { return nil }
            position += digits
        }
        if position < bytes.endIndex {
            let next = bytes[position]
            if next.isASCIILetter || next.isASCIIDigit { return nil }
            if next == ASCII.dot, position + 1 < bytes.endIndex, bytes[position + 1].isASCIIDigit { return nil }
        }
        return position - index
    }

    /// A reply code: three digits, the second 0-5, standing alone or before "-" (a multi-line reply).
    private static func isBasic(in bytes: ArraySlice<UInt8>, at index: Int, classes: Set<UInt8>) -> Bool {
        guard classes.contains(bytes[index]), index + 2 < bytes.endIndex,
              (0x30...0x35).contains(bytes[index + 1]), bytes[index + 2].isASCIIDigit,
              !continuesNumber(bytes, before: index)
        else { return false }
        let after = index + 3
        return after == bytes.endIndex || bytes[after].isWSP || bytes[after] == ASCII.hyphen
    }

    /// Whether the byte before `index` makes a code there part of a longer token.
    private static func continuesNumber(_ bytes: ArraySlice<UInt8>, before index: Int) -> Bool {
        guard index > bytes.startIndex else { return false }
        let previous = bytes[index - 1]
        return previous.isASCIIDigit || previous.isASCIILetter || previous == ASCII.dot
    }
}

/// The text of a bounce read for people: who did not get the message, what the remote server said
/// about each, and the Message-ID of the returned copy quoted below the notice.
///
/// Recipients are the addresses of the notice (the text above the returned copy), without the
/// bounce's own addresses; each gets the first line with a 4xx/5xx code after it, before another
/// recipient's block starts. Only the first 64 KB are read, in one pass.
private struct BounceNotice {
    /// Bytes of text read for recipients; a notice is short, a hostile body is not.
    static let scanLimit = 64 * 1024
    /// More recipients than this is a mailing list's worth, not a notice.
    static let maxRecipients = 100
    /// Longer diagnostics are cut: it is a reason, not a transcript.
    static let maxDiagnosticLength = 500

    private struct Finding {
        var address: String
        /// From the first 4xx/5xx line after the address.
        var diagnostic: String?
        /// Without a code, the text right after the address: "<ann@…>: Host not found",
        /// or the line below ("  ann@…\n    Unrouteable address").
        var reason: String?
    }

    private var findings: [Finding] = []
    private var isDelay = false
    /// The Message-ID line of the returned message quoted in the text.
    private(set) var quotedMessageID: String?

    /// Lines (normalised: surrounding whitespace, dashes and colons trimmed, lower-cased) that
    /// introduce the returned message; matched exactly. Any line speaking of a "copy of the …
    /// message" does too (qmail, Exim, OpenSMTPD and many others word it so).
    private static let returnedMessageLines: Set<String> = [
        "original message",                     // Gmail: "----- Original message -----"
        "original message headers",             // Exchange
        "ursprüngliche nachrichtenkopfzeilen",  // German Exchange
    ]
    /// The same, matched as prefixes.
    private static let returnedMessagePrefixes = [
        "original message follows", "unsent message follows", "message header follows",  // Sendmail
        "returned message follows", "start of returned message",
        "content-type: message/rfc822",       // a MIME part header left in the text (broken boundary)
        "content-type: message/global",
        "content-type: text/rfc822-headers",
    ]
    /// Header-like lines whose addresses are not recipients: a quoted message's sender, routing and
    /// ids, and its To and Cc, which name everyone, not only who failed.
    private static let skippedFieldNames: Set<String> = [
        "from", "to", "cc", "bcc", "sender", "reply-to", "return-path", "received", "message-id", "in-reply-to",
        "references", "delivered-to", "x-original-to", "envelope-to", "sender address", "date", "subject",
    ]
    /// Role addresses a notice names for help ("send mail to postmaster@…"); kept only with a diagnostic.
    private static let roleLocalParts: Set<String> = ["postmaster", "mailer-daemon", "hostmaster", "abuse"]
    /// Wordings of a delay notice, lower-cased.
    private static let delayPhrases = [
        "delayed", "postponed", "will retry", "will be retried", "keep trying", "still trying", "continue to try",
        "continue to attempt",
        "warning only", "just a warning", "not yet been delivered",
    ]

    /// One line of the notice as the scan saw it.
    private struct ScannedLine {
        var range: Range<Int>
        var indent: Int
        var isBlank: Bool
        /// A header-like line skipped as a whole, or a folded continuation of one.
        var isSkipped = false
        /// Addresses written before any status code on the line.
        var addresses: [String] = []
        /// Where the diagnostic starts: the reply code, else the line's text when only an enhanced
        /// code is there ("… (#5.1.2)"); nil without a 4xx/5xx code.
        var diagnosticStart: Int?
        /// On a line with addresses and no code: where the text after "addr:" starts.
        var reasonStart: Int?
        /// Whether the last address ends the line, so the next line may give its reason.
        var addressEndsLine = false
    }

    init(message: Message) {
        guard let text = message.textBody else { return }
        let bytes = Array(text.utf8.prefix(2 * Self.scanLimit))
        let own = Self.ownAddresses(of: message)
        let noticeEnd = min(bytes.count, Self.scanLimit)

        var lines: [ScannedLine] = []
        var returnedStart: Int?
        var lineStart = 0
        while lineStart < noticeEnd {
            let lineEnd = bytes[lineStart..<noticeEnd].firstIndex(of: ASCII.lf) ?? noticeEnd
            let line = bytes[lineStart..<lineEnd]
            if Self.introducesReturnedMessage(line) {
                returnedStart = lineEnd
                break
            }
            lines.append(Self.scan(line, excluding: own, afterSkipped: lines.last?.isSkipped == true))
            lineStart = lineEnd + 1
        }
        let notice = bytes[0..<(lines.last?.range.upperBound ?? 0)]
        isDelay = Self.delayPhrases.contains { Bytes.containsIgnoringASCIICase(notice, $0) }
            || message.subject.map { $0.lowercased().contains("delay") || $0.lowercased().contains("warning") } == true
        findings = Self.assign(lines, in: bytes)
        let idStart = returnedStart ?? 0
        quotedMessageID = Self.messageIDLine(in: bytes[idStart..<min(bytes.count, idStart + Self.scanLimit)])
    }

    /// The recipients as DSN recipient groups: action and status from the diagnostic's code and
    /// whether the notice reads as a delay.
    var recipients: [DeliveryStatusReport.Recipient] {
        findings.map { finding in
            var recipient = DeliveryStatusReport.Recipient(
                finalRecipient: finding.address, diagnosticCode: finding.diagnostic
            )
            let code = recipient.effectiveStatus
            // A delay notice may still list a recipient that failed for good.
            let delayed = isDelay && code?.hasPrefix("5") != true
            recipient.action = delayed ? "delayed" : "failed"
            recipient.status = code ?? (delayed ? "4.0.0" : "5.0.0")
            return recipient
        }
    }

    /// The diagnostic the notice gives for `address`, any case.
    func diagnostic(for address: String) -> String? {
        findings.first { Bytes.equalsIgnoringCase($0.address, address) }?.diagnostic
    }

    /// Gives each address the first diagnostic after it. A block is an address (or several, one
    /// per line) followed by other lines; the next address after other lines starts a new block.
    private static func assign(_ lines: [ScannedLine], in bytes: [UInt8]) -> [Finding] {
        var findings: [Finding] = []
        var indexByKey: [String: Int] = [:]
        var pending: [Int] = []
        var previousWasAddressOnly = false
        // Findings of the line just above whose reason may be this line.
        var awaitingReason: [Int] = []
        for (lineIndex, line) in lines.enumerated() {
            if line.isBlank {
                awaitingReason = []
                continue
            }
            // qmail: "<ann@…>:\nSorry, your message to ann@… cannot be delivered." A line naming
            // someone else starts that one's block instead.
            let namesOnlyAwaiting = line.addresses.allSatisfy { address in
                indexByKey[address.lowercased()].map(awaitingReason.contains) ?? false
            }
            if !awaitingReason.isEmpty, namesOnlyAwaiting, line.diagnosticStart == nil, !line.isSkipped {
                let reason = diagnosticText(lines, at: lineIndex, from: line.range.lowerBound, in: bytes)
                for index in awaitingReason where findings[index].reason == nil { findings[index].reason = reason }
            }
            awaitingReason = []
            if !line.addresses.isEmpty {
                if !previousWasAddressOnly { pending = [] }
                var onLine: [Int] = []
                for address in line.addresses {
                    let key = address.lowercased()
                    if let known = indexByKey[key] {
                        onLine.append(known)
                    } else if findings.count < maxRecipients {
                        indexByKey[key] = findings.count
                        onLine.append(findings.count)
                        findings.append(Finding(address: address))
                    }
                }
                for index in onLine where !pending.contains(index) { pending.append(index) }
                if line.diagnosticStart == nil {
                    if let start = line.reasonStart {
                        let reason = diagnosticText(lines, at: lineIndex, from: start, in: bytes)
                        for index in onLine where findings[index].reason == nil { findings[index].reason = reason }
                    } else if line.addressEndsLine {
                        awaitingReason = onLine
                    }
                }
            }
            if let start = line.diagnosticStart {
                let waiting = pending.filter { findings[$0].diagnostic == nil }
                if !waiting.isEmpty {
                    let diagnostic = diagnosticText(lines, at: lineIndex, from: start, in: bytes)
                    for index in waiting { findings[index].diagnostic = diagnostic }
                }
            }
            previousWasAddressOnly = !line.addresses.isEmpty && line.diagnosticStart == nil
        }
        return findings.compactMap { finding in
            let localPart = String(finding.address.prefix { $0 != "@" }).lowercased()
            guard finding.diagnostic != nil || !roleLocalParts.contains(localPart) else { return nil }
            var finding = finding
            finding.diagnostic = finding.diagnostic ?? finding.reason
            return finding
        }
    }

    /// The diagnostic from `start` on the line at `lineIndex`, with the lines below it indented
    /// deeper (Postfix wraps long replies that way), whitespace runs as one space.
    private static func diagnosticText(
        _ lines: [ScannedLine], at lineIndex: Int, from start: Int, in bytes: [UInt8]
    ) -> String {
        let line = lines[lineIndex]
        var pieces = [bytes[start..<line.range.upperBound]]
        var next = lineIndex + 1
        while next < lines.count, next - lineIndex <= 4, !lines[next].isBlank, lines[next].indent > line.indent,
              lines[next].diagnosticStart == nil {
            pieces.append(bytes[lines[next].range])
            next += 1
        }
        var words: [String] = []
        var length = 0
        for piece in pieces {
            for word in piece.split(whereSeparator: \.isWhitespace) where length < maxDiagnosticLength {
                words.append(String(decoding: word, as: UTF8.self))
                length += word.count + 1
            }
        }
        // One "word" may be a whole hostile line: cut before the parenthesis loop below.
        var text = String(words.joined(separator: " ").prefix(maxDiagnosticLength))
        // "Remote Server returned '550 …'" and "(reason: 550 …)": the closing mark is not the server's.
        let opener = start > line.range.lowerBound ? bytes[start - 1] : 0
        if opener == ASCII.apostrophe || opener == ASCII.quote, text.utf8.last == opener { text.removeLast() }
        var unbalanced = text.count(where: { $0 == ")" }) - text.count(where: { $0 == "(" })
        while text.hasSuffix(")"), unbalanced > 0 {
            text.removeLast()
            unbalanced -= 1
        }
        return text.trimmingWhitespace
    }

    /// Reads one line: its indentation, the position of a 4xx/5xx code, and the addresses before it.
    private static func scan(_ line: ArraySlice<UInt8>, excluding own: Set<String>, afterSkipped: Bool) -> ScannedLine {
        let indent = line.prefix { $0.isWhitespace }.count
        var scanned = ScannedLine(range: line.startIndex..<line.endIndex, indent: indent, isBlank: indent == line.count)
        if scanned.isBlank { return scanned }
        // "Received: from … by …\n\tfor <ann@…>": the folded lines belong to the skipped field.
        if (afterSkipped && indent > 0) || isSkippedField(line.dropFirst(indent)) {
            scanned.isSkipped = true
            return scanned
        }
        let basic = StatusCode.basic(in: line, classes: StatusCode.failureClasses)
        let enhanced = StatusCode.enhanced(in: line, classes: StatusCode.failureClasses)?.lowerBound
        if let basic {
            scanned.diagnosticStart = basic
        } else if enhanced != nil {
            scanned.diagnosticStart = line.startIndex + indent
        }
        let codeStart = [basic, enhanced].compactMap(\.self).min() ?? line.endIndex
        let found = addresses(in: line, before: codeStart).filter { !own.contains(comparableKey($0.address)) }
        scanned.addresses = found.map(\.address)
        if scanned.diagnosticStart == nil, let lastEnd = found.last?.end {
            let rest = line[lastEnd...].drop { Self.afterAddress.contains($0) }
            if !rest.contains(where: \.isASCIILetter) {
                scanned.addressEndsLine = true
            } else if line[lastEnd..<rest.startIndex].contains(ASCII.colon) {
                // "<ann@…>: Host not found"; an address inside a sentence gets no reason from it.
                scanned.reasonStart = rest.startIndex
            }
        }
        return scanned
    }

    /// What may stand between an address and its reason: "<ann@…>: …", "'ann@…', …".
    private static let afterAddress: Set<UInt8> = [
        ASCII.greaterThan, ASCII.colon, ASCII.comma, ASCII.semicolon, ASCII.rightParen, ASCII.rightBracket,
        ASCII.quote, ASCII.apostrophe, ASCII.space, ASCII.tab, ASCII.cr,
    ]

    /// Addresses starting before `limit`: what follows a code is the server's reply, not a recipient.
    private static func addresses(in line: ArraySlice<UInt8>, before limit: Int) -> [(address: String, end: Int)] {
        var found: [(address: String, end: Int)] = []
        var searchFrom = line.startIndex
        while searchFrom < limit, let at = line[searchFrom..<line.endIndex].firstIndex(of: ASCII.at) {
            var start = at
            while start > line.startIndex, isLocalPartByte(line[start - 1]) { start -= 1 }
            var end = at + 1
            while end < line.endIndex, isDomainByte(line[end]) { end += 1 }
            searchFrom = end
            while start < at, line[start] == ASCII.dot { start += 1 }
            while end > at + 1, line[end - 1] == ASCII.dot || line[end - 1] == ASCII.hyphen { end -= 1 }
            guard start < limit, start < at, at - start <= 64, end > at + 1, end - at - 1 <= 253,
                  // A domain with a letter and a dot: "uucp@localhost" is a sender host, not a recipient.
                  line[(at + 1)..<end].contains(where: \.isASCIILetter), line[(at + 1)..<end].contains(ASCII.dot),
                  // Part of a URL ("https://user@host/…"), or the sender of "MAIL FROM:<…>".
                  start == line.startIndex || line[start - 1] != ASCII.slash,
                  end == line.endIndex || line[end] != ASCII.slash,
                  !follows(Array("mail from:".utf8), in: line, at: start)
            else { continue }
            // QUIRK: X.400 gateways (old Exchange) write "dda:SMTP=ann@example.test".
            if Bytes.hasPrefix(line, at: start, caseInsensitive: Array("smtp=".utf8)), at - start > 5 { start += 5 }
            found.append((String(decoding: line[start..<end], as: UTF8.self), end))
        }
        return found
    }

    /// Whether `word` (lower-case) ends just before `index`, past a "<" and spaces.
    private static func follows(_ word: [UInt8], in line: ArraySlice<UInt8>, at index: Int) -> Bool {
        var end = index
        while end > line.startIndex, end > index - 4, line[end - 1] == ASCII.lessThan || line[end - 1].isWSP {
            end -= 1
        }
        guard end - line.startIndex >= word.count else { return false }
        return Bytes.hasPrefix(line, at: end - word.count, caseInsensitive: word)
    }

    /// The punctuation of a local part (RFC 5322 atext and dots) that notices actually show;
    /// quotes, slashes and apostrophes are left out, as notices put them around addresses.
    private static let localPartPunctuation = Set("._%+-=!#$&*^~{|}".utf8)

    private static func isLocalPartByte(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || byte.isASCIIDigit || localPartPunctuation.contains(byte)
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || byte.isASCIIDigit || byte == ASCII.dot || byte == ASCII.hyphen
    }

    /// A header-like line ("From: …", "Sender Address: …") whose addresses are not recipients.
    private static func isSkippedField(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.prefix(32).firstIndex(of: ASCII.colon) else { return false }
        // "\t* To: ann@…" in a list of the original message's details.
        let bullets: Set<UInt8> = [ASCII.asterisk, ASCII.hyphen, ASCII.greaterThan, ASCII.space, ASCII.tab]
        let nameStart = line[..<colon].firstIndex { !bullets.contains($0) } ?? colon
        let name = String(decoding: line[nameStart..<colon], as: UTF8.self).trimmingWhitespace.lowercased()
        return skippedFieldNames.contains(name)
    }

    /// Whether the line introduces the copy of the returned message.
    private static func introducesReturnedMessage(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.count < 200 else { return false }
        let start = line.firstIndex { !isDecoration($0) } ?? line.endIndex
        let end = line[start...].lastIndex { !isDecoration($0) }.map { $0 + 1 } ?? start
        // Blank and short lines are most of a notice, and no phrase is this short: skipping them
        // before building a string keeps a notice of 64 KB of blank lines from taking 0.3 s.
        guard end - start >= 8 else { return false }
        let normalized = String(decoding: line[start..<end], as: UTF8.self).lowercased()
        return returnedMessageLines.contains(normalized)
            || returnedMessagePrefixes.contains(where: normalized.hasPrefix)
            || (normalized.contains("copy of the") && normalized.contains("message"))
    }

    /// Spaces and punctuation clients put around a separator line.
    private static func isDecoration(_ byte: UInt8) -> Bool {
        switch byte {
        case ASCII.space, ASCII.tab, ASCII.cr, ASCII.hyphen, ASCII.colon, ASCII.dot, ASCII.asterisk: true
        default: false
        }
    }

    /// The id of the first `Message-ID:` line (quoted with ">" or not, its value possibly folded
    /// onto the next line).
    private static func messageIDLine(in bytes: ArraySlice<UInt8>) -> String? {
        let name = Array("message-id:".utf8)
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: ASCII.lf) ?? bytes.endIndex
            var index = lineStart
            while index < lineEnd, bytes[index].isWSP || bytes[index] == ASCII.greaterThan { index += 1 }
            if Bytes.hasPrefix(bytes, at: index, caseInsensitive: name) {
                var value = String(decoding: bytes[(index + name.count)..<lineEnd], as: UTF8.self)
                if value.trimmingWhitespace.isEmpty, lineEnd < bytes.endIndex {
                    let nextEnd = bytes[(lineEnd + 1)...].firstIndex(of: ASCII.lf) ?? bytes.endIndex
                    value = String(decoding: bytes[(lineEnd + 1)..<nextEnd], as: UTF8.self)
                }
                if let id = MessageIDList.single(value) { return id }
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The bounce's own addresses (it is sent to the original sender, from the mail system); they
    /// are never the failed recipients.
    private static func ownAddresses(of message: Message) -> Set<String> {
        var addresses = (message.to + message.cc + message.from + [message.sender].compactMap(\.self)).map(\.address)
        if let returnPath = message.returnPath { addresses.append(returnPath) }
        for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
            addresses += message.header.all(name).flatMap { Address.parseList($0).map(\.address) }
        }
        return Set(addresses.filter { !$0.isEmpty }.map(comparableKey))
    }

    /// "Support+b-7@Example.Test" → "support@example.test": lower-cased and without a "+tag", so a
    /// VERP return address matches the address it stands for.
    private static func comparableKey(_ address: String) -> String {
        let lowered = address.lowercased()
        guard let at = lowered.lastIndex(of: "@"), let plus = lowered[..<at].firstIndex(of: "+") else { return lowered }
        return String(lowered[..<plus] + lowered[at...])
    }
}
