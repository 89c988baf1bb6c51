import Foundation
import HelpdeskCore

/// The strict check of a read library: every name a template uses exists for its event, every
/// partial exists and is of the template's kind, every file means something, and every event's
/// templates render into a valid reply from sample values.
struct TemplateCheck {
    let library: TemplateLibrary

    func problems() -> [TemplateProblem] {
        var report = Report()
        for event in MailEvent.allCases where library.files[.root]?[event.rawValue] == nil && library.files[.root]?["\(event.rawValue).html"] == nil {
            report.add(TemplateProblem(
                file: (library.directory as NSString).appendingPathComponent("\(event.rawValue).mustache"),
                problem: "missing: the gateway needs this template to send \(event.rawValue) mail"))
        }
        let scopes = library.files.keys.sorted { $0.folder < $1.folder }
        for scope in scopes {
            for file in (library.files[scope] ?? [:]).values.sorted(by: { $0.key < $1.key }) {
                if let event = file.event {
                    checkNames(file, stack: [TemplateSchema.fields(for: event)], chain: scope.chain, mail: event.rawValue, including: [], report: &report)
                } else if file.isLayout {
                    checkLayout(file, chain: scope.chain, report: &report)
                }
            }
            for event in MailEvent.allCases { checkRendering(event, in: scope, report: &report) }
        }
        for scope in scopes {
            for file in (library.files[scope] ?? [:]).values.sorted(by: { $0.key < $1.key })
            where file.event == nil && !file.isLayout && !report.included.contains(file.key) {
                let guess = ClosestName.to(file.name, among: MailEvent.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                report.add(TemplateProblem(
                    file: file.path,
                    problem: "'\(file.name)' names no event and no template includes it as a partial\(guess) (events: \(MailEvent.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
        }
        return report.problems
    }

    /// Problems in order, each place once: a partial included by every event reports once.
    struct Report {
        private(set) var problems: [TemplateProblem] = []
        private var places: Set<String> = []
        /// Partials some template includes, by the name they are included by.
        var included: Set<String> = []

        mutating func add(_ problem: TemplateProblem) {
            let place = "\(problem.file):\(problem.line ?? 0):\(problem.column ?? 0)"
            guard places.insert(place).inserted else { return }
            problems.append(problem)
        }
    }

    /// Walks the tags with Mustache's own lookup: a name is looked for in the innermost open
    /// group first, then outwards; a dotted name continues inside what its first part found.
    private func checkNames(
        _ file: TemplateFile, stack initial: [[TemplateField]], chain: [TemplateScope], mail: String, including: [String], report: inout Report
    ) {
        var stack = initial
        func problem(_ tag: TemplateTag, _ text: String) {
            report.add(Self.problem(file, tag, text, mail: mail, including: including))
        }
        for tag in file.syntax.tags {
            switch tag.kind {
            case .variable, .raw:
                if tag.name == "." {
                    if stack.count == initial.count { problem(tag, "'{{.}}' names the value of a section, and it is outside any section") }
                    continue
                }
                guard let field = lookup(tag.name, in: stack) else {
                    problem(tag, unknownValue(tag.name, stack: stack, mail: mail))
                    continue
                }
                if field.isGroup {
                    let names = field.children.map { "\(tag.name).\($0.name)" }.joined(separator: ", ")
                    problem(tag, "'\(tag.name)' is a group of values (\(names)); name one of them, or open it as a section")
                }
            case .section, .inverted:
                guard let field = lookup(tag.name, in: stack) else {
                    problem(tag, unknownValue(tag.name, stack: stack, mail: mail).replacingOccurrences(of: "unknown value", with: "unknown section"))
                    stack.append([])
                    continue
                }
                stack.append(tag.kind == .section ? field.children : [])
            case .close:
                if stack.count > initial.count { stack.removeLast() }
            case .partial:
                checkPartial(tag, from: file, stack: stack, chain: chain, mail: mail, including: including, report: &report)
            case .pragma:
                problem(tag, "'{{%\(tag.name)}}' is a pragma, which templates here do not take: the gateway sets how values are escaped")
            case .comment:
                break
            }
        }
    }

    private func checkPartial(
        _ tag: TemplateTag, from file: TemplateFile, stack: [[TemplateField]], chain: [TemplateScope], mail: String, including: [String],
        report: inout Report
    ) {
        func problem(_ tag: TemplateTag, _ text: String) {
            report.add(Self.problem(file, tag, text, mail: mail, including: including))
        }
        if tag.name.hasPrefix("*") {
            problem(tag, "'{{>\(tag.name)}}' is a dynamic partial, which templates here do not support; name the partial")
            return
        }
        guard let partial = library.file(tag.name, along: chain) else {
            let known = chain.flatMap { (library.files[$0] ?? [:]).values.filter { $0.event == nil && !$0.isLayout }.map(\.key) }
            let guess = ClosestName.to(tag.name, among: Set(known)).map { "; did you mean '\($0)'?" } ?? ""
            let other = file.isHTML ? "" : (library.file("\(tag.name).html", along: chain) != nil ? "; '\(tag.name).html' is HTML and this template is text" : "")
            problem(tag, "unknown partial '\(tag.name)'\(guess)\(other)")
            return
        }
        report.included.insert(partial.key)
        if partial.isHTML != file.isHTML {
            problem(tag, file.isHTML
                ? "'\(tag.name)' is a text partial and this template is HTML: its values would not be escaped; include '\(tag.name).html' (a file \(tag.name).html.mustache)"
                : "'\(tag.name)' is an HTML partial and this template is text; include the text partial '\(partial.name)'")
            return
        }
        let trail = including.isEmpty ? [file.key] : including
        guard !trail.contains(partial.key) else {
            problem(tag, "partial '\(tag.name)' includes itself (\((trail + [partial.key]).joined(separator: " → ")))")
            return
        }
        checkNames(partial, stack: stack, chain: chain, mail: mail, including: trail + [partial.key], report: &report)
    }

    private static func problem(_ file: TemplateFile, _ tag: TemplateTag, _ text: String, mail: String, including: [String]) -> TemplateProblem {
        let from = including.isEmpty ? "" : " (in \(mail) mail, which includes this partial)"
        return TemplateProblem(file: file.path, line: tag.line, column: tag.column, problem: text + from)
    }

    private func checkLayout(_ file: TemplateFile, chain: [TemplateScope], report: inout Report) {
        guard file.isHTML else {
            report.add(TemplateProblem(file: file.path, problem: "a layout is for HTML mail only: name it layout.html.mustache, with {{{content}}} where the mail goes"))
            return
        }
        for tag in file.syntax.tags where tag.kind == .variable && tag.name == "content" {
            report.add(TemplateProblem(
                file: file.path, line: tag.line, column: tag.column,
                problem: "'content' is HTML already and would be escaped twice; insert it with three braces: {{{content}}}"))
        }
        // What every event has, so the layout renders around any of them.
        checkNames(file, stack: [TemplateSchema.layoutFields], chain: chain, mail: "every", including: [], report: &report)
        if !file.syntax.tags.contains(where: { $0.name == "content" && ($0.kind == .raw || $0.kind == .variable) }) {
            report.add(TemplateProblem(file: file.path, problem: "the layout has no {{{content}}}, so no mail would show its content; put it where the mail goes"))
        }
    }

    /// Renders the event's templates of one folder from sample values, as a mail would be.
    private func checkRendering(_ event: MailEvent, in scope: TemplateScope, report: inout Report) {
        let text = library.files[scope]?[event.rawValue]
        let html = library.files[scope]?["\(event.rawValue).html"]
        guard text != nil || html != nil else { return }
        let choice = TemplateChoice(event: event, chain: scope.chain, text: text, html: html, language: scope.language?.description ?? "en")
        do {
            let rendered = try library.render(choice, values: .sample)
            if event.isAboutTicket, !rendered.subject.contains("[\(TemplateValues.sample.ticket?.key ?? "")]") {
                report.add(TemplateProblem(
                    file: (text ?? html)?.path ?? library.directory, line: 1,
                    problem: "the Subject must carry the ticket key as [{{ticket.key}}], so replies thread to the ticket"))
            }
        } catch {
            report.add(error)
        }
    }

    private func lookup(_ name: String, in stack: [[TemplateField]]) -> TemplateField? {
        let parts = name.split(separator: ".").map(String.init)
        guard let head = parts.first else { return nil }
        for scope in stack.reversed() {
            guard var field = scope.first(where: { $0.name == head }) else { continue }
            for part in parts.dropFirst() {
                guard let child = field.children.first(where: { $0.name == part }) else { return nil }
                field = child
            }
            return field
        }
        return nil
    }

    private func unknownValue(_ name: String, stack: [[TemplateField]], mail: String) -> String {
        let elsewhere = TemplateSchema.events(having: name).map(\.rawValue)
        if !elsewhere.isEmpty, mail != "every" {
            return "unknown value '\(name)' in \(mail) mail; it exists in \(elsewhere.joined(separator: ", ")) mail"
        }
        let visible = stack.flatMap { TemplateField.paths($0).map(\.path) }
        if let guess = ClosestName.to(name, among: visible) { return "unknown value '\(name)'; did you mean '\(guess)'?" }
        let known = stack.first.map { TemplateField.paths($0).filter { !$0.field.isGroup }.map(\.path).joined(separator: ", ") } ?? ""
        return "unknown value '\(name)'; \(mail == "every" ? "a layout" : "\(mail) mail") has \(known)"
    }
}
