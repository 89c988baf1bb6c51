import Foundation
import HelpdeskCore

/// The facts and intents of the mail a recorded message queues, written as the same JSON
/// objects JSONEncoder writes (same keys, nil left out, dates as seconds since 2001), by hand:
/// JSONEncoder was a sixth of a backlog's recording time. What this does not know (SLA clocks,
/// delivery and approval facts, the rarer intents) gives nil, and the caller encodes it as before.
/// `QueuedMailJSONTests` decodes both ways and compares.
struct QueuedMailJSON {
    private(set) var bytes: [UInt8] = []
    /// Set when a value has no JSON number (a date that is not finite): JSONEncoder refuses it,
    /// and so must the caller.
    private(set) var unwritable = false

    init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// `facts` as JSON, or nil when they hold something only JSONEncoder writes here.
    /// `textsApart`: without body and reply, as `MailFacts.encode` writes them with `.mailTextsApart`.
    static func facts(_ facts: MailFacts, textsApart: Bool) -> String? {
        guard facts.clock == nil, facts.delivery == nil, facts.approval == nil, facts.leftOut == nil else { return nil }
        var json = QueuedMailJSON(capacity: 256 + (textsApart ? 0 : facts.body.utf8.count * 2))
        json.open()
        if let ticket = facts.ticket {
            json.key("ticket")
            json.ticket(ticket)
        }
        json.field("subject", facts.subject)
        if !textsApart {
            json.field("body", facts.body)
            if facts.reply != facts.body { json.field("reply", facts.reply) }
        }
        if let author = facts.author {
            json.key("author")
            json.correspondent(author)
        }
        json.field("linkedKey", facts.linkedKey)
        json.key("reopened")
        json.bool(facts.reopened)
        if let attachments = facts.attachments {
            json.key("attachments")
            json.raw("[")
            for (index, attachment) in attachments.enumerated() {
                if index > 0 { json.raw(",") }
                json.attachment(attachment)
            }
            json.raw("]")
        }
        json.field("attachmentLimit", facts.attachmentLimit.map(Int64.init))
        json.close()
        return json.unwritable ? nil : json.text
    }

    /// `intent` as JSON (the enum's case as the key of its values), or nil for the rarer cases.
    static func intent(_ intent: MailIntent) -> String? {
        var json = QueuedMailJSON(capacity: 128)
        json.open()
        switch intent {
        case .acknowledgement(let to):
            json.key("acknowledgement")
            json.open()
            json.key("to")
            json.correspondent(to)
        case .newTicket(let agent):
            json.key("newTicket")
            json.open()
            json.key("agent")
            json.correspondent(agent)
        case .requesterReply(let agent):
            json.key("requesterReply")
            json.open()
            json.key("agent")
            json.correspondent(agent)
        case .assigned(let agent, let by):
            json.key("assigned")
            json.open()
            json.key("agent")
            json.correspondent(agent)
            json.field("by", by)
        default:
            return nil
        }
        json.close()
        json.close()
        return json.text
    }

    // MARK: Values

    private mutating func ticket(_ ticket: Ticket) {
        open()
        field("id", ticket.id)
        field("mailbox", ticket.mailbox)
        field("number", Int64(ticket.number))
        field("key", ticket.key)
        field("subject", ticket.subject)
        field("requesterAddress", ticket.requesterAddress)
        field("requesterName", ticket.requesterName)
        field("status", ticket.status.rawValue)
        field("priority", ticket.priority.rawValue)
        field("createdAt", ticket.createdAt)
        field("updatedAt", ticket.updatedAt)
        field("linkedTicketId", ticket.linkedTicketId)
        field("linkReason", ticket.linkReason?.rawValue)
        field("assignee", ticket.assignee)
        field("firstResponseAt", ticket.firstResponseAt)
        field("language", ticket.language)
        field("organization", ticket.organization)
        close()
    }

    private mutating func correspondent(_ person: Correspondent) {
        open()
        field("address", person.address)
        field("name", person.name)
        close()
    }

    private mutating func attachment(_ draft: AttachmentDraft) {
        open()
        field("sha256", draft.sha256)
        field("filename", draft.filename)
        field("contentType", draft.contentType)
        field("size", Int64(draft.size))
        key("isInline")
        bool(draft.isInline)
        field("contentID", draft.contentID)
        close()
    }

    // MARK: Syntax

    /// Whether the object being written has a member yet (a comma goes before the next).
    private var hasMember: [Bool] = []

    private mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        hasMember.append(false)
    }

    private mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        hasMember.removeLast()
        // The object just closed was a member of the one around it.
        if !hasMember.isEmpty { hasMember[hasMember.count - 1] = true }
    }

    private mutating func key(_ name: String) {
        if hasMember.last == true { bytes.append(UInt8(ascii: ",")) }
        if !hasMember.isEmpty { hasMember[hasMember.count - 1] = true }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func raw(_ text: String) { bytes += text.utf8 }

    private mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

    private mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    private mutating func field(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        raw(String(value))
    }

    /// A date as `Date.encode(to:)` gives it: seconds since 2001 as a number. Swift's shortest
    /// round-trip text reads back to the same Double.
    private mutating func field(_ name: String, _ value: Date?) {
        guard let value else { return }
        key(name)
        let seconds = value.timeIntervalSinceReferenceDate
        if !seconds.isFinite { unwritable = true }
        raw("\(seconds)")
    }

    /// `text` as a JSON string (RFC 8259): quotes, backslashes and control characters escaped.
    mutating func string(_ text: String) {
        QueuedMailJSON.appendString(text, to: &bytes)
    }

    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        // Runs between the bytes to escape are copied whole: byte by byte, this was half the
        // cost of writing the JSON of a backlog's queued mail (mostly plain ASCII).
        text.withUTF8 { utf8 in
            out.reserveCapacity(out.count + utf8.count + 1)
            var run = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                appendEscaped(byte, to: &out)
                run = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A quote, a backslash or a control character, escaped.
    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        default:
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0f))
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
