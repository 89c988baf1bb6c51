import Foundation
import Mustache

/// Escaping for HTML mail: markup characters become entities, and line breaks become `<br>`,
/// because a comment or reply inserted into HTML must keep the lines its author wrote.
struct MailHTMLContentType: MustacheContentType {
    static let name = "MAILHTML"

    /// Registers it with Mustache once, before the first HTML template is parsed.
    static let registered: Bool = {
        MustacheContentTypes.register(MailHTMLContentType(), named: name)
        return true
    }()

    func escapeText(_ text: String) -> String {
        // Bytes, not Characters: every value of every HTML mail passes here, and grapheme
        // breaking cost more than the rest of the escaping. The markup characters are ASCII, so
        // multi-byte UTF-8 sequences pass through untouched.
        var bytes = Array(text.utf8)
        // A trailing line break would end a quoted reply with an empty line.
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.contains(where: Self.needsWork) else {
            return bytes.count == text.utf8.count ? text : String(decoding: bytes, as: UTF8.self)
        }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(bytes.count + bytes.count / 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"): escaped += Self.ampersand
            case UInt8(ascii: "<"): escaped += Self.lessThan
            case UInt8(ascii: ">"): escaped += Self.greaterThan
            case UInt8(ascii: "\""): escaped += Self.quote
            case UInt8(ascii: "'"): escaped += Self.apostrophe
            case UInt8(ascii: "\r"):
                // CRLF is one line break.
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                escaped += Self.lineBreak
            case UInt8(ascii: "\n"): escaped += Self.lineBreak
            default: escaped.append(byte)
            }
            index += 1
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    private static func needsWork(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"),
             UInt8(ascii: "\r"), UInt8(ascii: "\n"): true
        default: false
        }
    }

    private static let ampersand = Array("&amp;".utf8)
    private static let lessThan = Array("&lt;".utf8)
    private static let greaterThan = Array("&gt;".utf8)
    private static let quote = Array("&quot;".utf8)
    private static let apostrophe = Array("&#39;".utf8)
    private static let lineBreak = Array("<br>\n".utf8)

    /// Undoes `escapeText` for one-line values (header fields of an HTML template's head).
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
