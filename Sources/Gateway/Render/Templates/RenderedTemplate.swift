/// A rendered template split into its header lines and its text body, with the HTML part when
/// the event has an HTML template.
public struct RenderedTemplate: Sendable, Equatable {
    public var subject: String
    /// Other `Name: value` lines from the template head, in order.
    public var headers: [(name: String, value: String)]
    public var body: String
    /// The whole HTML document, layout included.
    public var html: String?

    init(subject: String, headers: [(name: String, value: String)], body: String, html: String? = nil) {
        self.subject = subject
        self.headers = headers
        self.body = body
        self.html = html
    }

    public static func == (lhs: RenderedTemplate, rhs: RenderedTemplate) -> Bool {
        lhs.subject == rhs.subject && lhs.body == rhs.body && lhs.html == rhs.html
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    /// Header names a template may set; the rest (From, To, Message-ID …) belong to the gateway.
    static let allowedHeaders: Set<String> = ["subject", "reply-to", "x-priority", "importance"]

    /// Splits rendered text at the first blank line. The head must hold `Subject:`.
    static func split(_ text: String) -> Result<RenderedTemplate, SplitError> {
        // A byte scan: Foundation's `contains` on String goes through CFString, for every mail.
        let normalized = text.utf8.contains(UInt8(ascii: "\r")) ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
        // Only the head is cut into lines: the body, most of the text, is taken whole.
        var lines: [Substring] = []
        var rest = normalized[...]
        var foundBlank = false
        while !foundBlank {
            let end = rest.firstIndex(of: "\n")
            let line = rest[..<(end ?? rest.endIndex)]
            rest = end.map { rest[rest.index(after: $0)...] } ?? rest[rest.endIndex...]
            if line.allSatisfy(\.isWhitespace) { foundBlank = true } else { lines.append(line) }
            if end == nil { break }
        }
        guard foundBlank else {
            return .failure(SplitError(line: nil, problem: "no blank line between the header lines and the body"))
        }
        var subject: String?
        var headers: [(name: String, value: String)] = []
        for (index, line) in lines.enumerated() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                return .failure(SplitError(line: index + 1, problem: "'\(line)' is not a 'Name: value' header line"))
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            // Values become one header line: a line break from data would be header injection.
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard allowedHeaders.contains(name.lowercased()) else {
                return .failure(SplitError(line: index + 1, problem: "header '\(name)' cannot be set by a template; allowed: Subject, Reply-To, X-Priority, Importance"))
            }
            if name.lowercased() == "subject" { subject = value } else { headers.append((name, value)) }
        }
        guard let subject, !subject.isEmpty else {
            return .failure(SplitError(line: 1, problem: "no 'Subject:' line (or it rendered empty) before the blank line"))
        }
        var body = String(rest)
        while body.hasSuffix("\n\n") { body.removeLast() }
        if !body.hasSuffix("\n") { body += "\n" }
        return .success(RenderedTemplate(subject: subject, headers: headers, body: body))
    }

    /// Why a rendered template could not be split.
    struct SplitError: Error {
        var line: Int?
        var problem: String
    }
}

import Foundation
