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
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        // A trailing line break would end a quoted reply with an empty line.
        var text = Substring(text)
        while text.last == "\n" || text.last == "\r" || text.last == "\r\n" { text.removeLast() }
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\r\n", "\n", "\r": escaped += "<br>\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Undoes `escapeText` for one-line values (header fields of an HTML template's head).
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
