import Foundation

/// One `{{…}}` tag of a template, where it starts in the file.
struct TemplateTag: Sendable, Equatable {
    /// What the tag does, from its sigil.
    enum Kind: Sendable, Equatable {
        /// `{{name}}`: escaped in HTML templates.
        case variable
        /// `{{{name}}}` or `{{&name}}`: inserted as it is.
        case raw
        /// `{{#name}}`.
        case section
        /// `{{^name}}`.
        case inverted
        /// `{{/name}}`.
        case close
        /// `{{> name}}`.
        case partial
        case comment
        /// `{{% PRAGMA}}`.
        case pragma
    }

    var kind: Kind
    var name: String
    var line: Int
    var column: Int

    /// Where the tag starts, as `12:1`.
    var place: String { "\(line):\(column)" }
}

/// A template's tags, or what is wrong with its syntax, each at the opening tag and in plain words.
struct TemplateSyntax: Sendable {
    /// A syntax problem at a place in the file.
    struct Problem: Sendable, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    var tags: [TemplateTag] = []
    var problems: [Problem] = []

    /// Reads every tag; sections must be closed in order.
    init(_ text: String) {
        let characters = Array(text)
        var index = 0
        var line = 1
        var column = 1
        var open: [TemplateTag] = []

        func advance(to end: Int) {
            while index < end {
                // "\r\n" is one Character: isNewline catches it and "\n" alike.
                if characters[index].isNewline {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
            }
        }

        while index < characters.count {
            guard characters[index] == "{", index + 1 < characters.count, characters[index + 1] == "{" else {
                advance(to: index + 1)
                continue
            }
            let (startLine, startColumn) = (line, column)
            let triple = index + 2 < characters.count && characters[index + 2] == "{"
            let contentStart = index + (triple ? 3 : 2)
            let closing: [Character] = triple ? ["}", "}", "}"] : ["}", "}"]
            let isComment = !triple && contentStart < characters.count && characters[contentStart] == "!"
            guard let end = Self.find(closing, in: characters, from: contentStart, acrossLines: isComment) else {
                let fragment = Self.fragment(characters, from: index)
                problems.append(Problem(
                    line: startLine, column: startColumn,
                    message: "'\(fragment)' at \(startLine):\(startColumn) has no closing braces '\(String(closing))'"))
                advance(to: contentStart)
                continue
            }
            let content = String(characters[contentStart..<end]).trimmingCharacters(in: .whitespaces)
            advance(to: end + closing.count)
            var tag = TemplateTag(kind: triple ? .raw : .variable, name: content, line: startLine, column: startColumn)
            if !triple, let sigil = content.first, let kind = Self.kinds[sigil] {
                tag.kind = kind
                tag.name = String(content.dropFirst()).trimmingCharacters(in: .whitespaces)
            } else if !triple, content.first == "=" {
                problems.append(Problem(
                    line: startLine, column: startColumn,
                    message: "'{{\(content)}}' at \(tag.place) changes the delimiters, which templates here do not support; keep {{ and }}"))
                continue
            } else if !triple, let sigil = content.first, "<$".contains(sigil) {
                problems.append(Problem(
                    line: startLine, column: startColumn,
                    message: "'{{\(content)}}' at \(tag.place) is template inheritance, which templates here do not support; use partials and layout.html.mustache"))
                continue
            }
            if tag.kind == .pragma {
                problems.append(Problem(
                    line: startLine, column: startColumn,
                    message: "'{{\(content)}}' at \(tag.place) is a pragma, which templates here do not take: the gateway sets how values are escaped"))
                continue
            }
            if tag.kind != .comment, tag.kind != .partial, tag.name.contains("(") {
                problems.append(Problem(
                    line: startLine, column: startColumn,
                    message: "'{{\(content)}}' at \(tag.place) uses a transform, which templates here do not support; name a value"))
                continue
            }
            if tag.kind != .comment, tag.name.count > 1, tag.name.hasPrefix(".") {
                problems.append(Problem(
                    line: startLine, column: startColumn,
                    message: "'{{\(content)}}' at \(tag.place) starts with a dot, which templates here do not support; write the full name"))
                continue
            }
            if tag.name.isEmpty, tag.kind != .comment {
                problems.append(Problem(line: startLine, column: startColumn, message: "empty tag '{{\(content)}}' at \(tag.place): name a value"))
                continue
            }
            switch tag.kind {
            case .section, .inverted:
                open.append(tag)
            case .close:
                if let last = open.last, last.name == tag.name {
                    open.removeLast()
                } else if let last = open.last {
                    problems.append(Problem(
                        line: startLine, column: startColumn,
                        message: "'{{/\(tag.name)}}' at \(tag.place) does not close section '\(last.name)' opened at \(last.place); close that one first"))
                    // Recover at the section it does close, so one mistake is reported once.
                    if let match = open.lastIndex(where: { $0.name == tag.name }) { open.removeSubrange(match...) }
                } else {
                    problems.append(Problem(line: startLine, column: startColumn, message: "'{{/\(tag.name)}}' at \(tag.place) closes no open section"))
                }
            default:
                break
            }
            tags.append(tag)
        }
        for section in open.reversed() {
            problems.append(Problem(line: section.line, column: section.column, message: "section '\(section.name)' opened at \(section.place) is never closed"))
        }
        problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    private static let kinds: [Character: TemplateTag.Kind] = [
        "#": .section, "^": .inverted, "/": .close, ">": .partial, "!": .comment, "&": .raw, "%": .pragma,
    ]

    /// The start of `closing` after `start`; a tag other than a comment ends on its own line and
    /// holds no other tag, so a missing `}}` is reported where it is missing.
    private static func find(_ closing: [Character], in characters: [Character], from start: Int, acrossLines: Bool) -> Int? {
        var index = start
        while index + closing.count <= characters.count {
            if Array(characters[index..<index + closing.count]) == closing { return index }
            if !acrossLines {
                if characters[index].isNewline { return nil }
                if characters[index] == "{" && index + 1 < characters.count && characters[index + 1] == "{" { return nil }
            }
            index += 1
        }
        return nil
    }

    /// The unclosed tag as written, up to the end of its line or the next tag, for the message.
    private static func fragment(_ characters: [Character], from start: Int) -> String {
        var end = start + 2
        while end < characters.count, !characters[end].isNewline, !(characters[end] == "{" && end + 1 < characters.count && characters[end + 1] == "{") {
            end += 1
        }
        var text = String(characters[start..<end]).trimmingCharacters(in: .whitespaces)
        if text.count > 40 { text = String(text.prefix(40)) + "…" }
        return text
    }
}
