import Foundation
import Synchronization
import HelpdeskCore

/// The strict check of a read library: every name a template uses exists for its event, every
/// partial exists and is of the template's kind, every file means something, and every event's
/// templates render into a valid reply from sample values.
struct TemplateCheck {
    let library: TemplateLibrary

    func problems() -> [TemplateProblem] {
        var report = Report()
        for event in MailEvent.allCases where !has(event.rawValue, in: .root) && !has("\(event.rawValue).html", in: .root) {
            report.add(TemplateProblem(
                file: (library.directory as NSString).appendingPathComponent("\(event.rawValue).mustache"),
                problem: "missing: the gateway needs this template to send \(event.rawValue) mail"))
        }
        // Every way a mail can pick its templates: each mailbox with a folder (and one without),
        // each language with a folder (and none). Partials and layouts are checked along the
        // chain each mail really uses, so an override is checked where it takes effect.
        let mailboxes = Set(library.files.keys.compactMap(\.mailbox)).sorted() + [""]
        let languages = [[]] + Set(library.files.keys.compactMap(\.language)).sorted { $0.description < $1.description }.map { [$0] }
        let ways = mailboxes.flatMap { mailbox in languages.map { (mailbox, $0) } }
        // Each way is checked on its own, on every core (rendering every event's sample took a
        // sixth of a poll's start-up), and the reports are joined in order: the same problems,
        // in the same order, as one after another.
        let reports = Mutex([Report](repeating: Report(), count: ways.count))
        DispatchQueue.concurrentPerform(iterations: ways.count) { index in
            var part = Report()
            let (mailbox, preferred) = ways[index]
            for event in MailEvent.allCases {
                guard let choice = library.choose(event: event, mailbox: mailbox, languages: preferred) else { continue }
                for file in [choice.text, choice.html].compactMap({ $0 }) {
                    checkNames(file, stack: [Level(TemplateSchema.fields(for: event))], chain: choice.chain, mail: event.rawValue, including: [], report: &part)
                }
                if choice.html != nil, let layout = library.file("\(TemplateFile.layoutName).html", along: choice.chain) {
                    checkLayout(layout, chain: choice.chain, report: &part)
                }
                checkRendering(choice, report: &part)
            }
            reports.withLock { $0[index] = part }
        }
        for part in reports.withLock({ $0 }) { report.join(part) }
        let files = library.files.keys.sorted { $0.folder < $1.folder }.flatMap { (library.files[$0] ?? [:]).values.sorted { $0.key < $1.key } }
        for file in files where file.isLayout && !report.included.contains(file.path) {
            checkLayout(file, chain: file.scope.chain, report: &report)
        }
        for file in files where file.event == nil && !file.isLayout && !report.included.contains(file.path) {
            let guess = ClosestName.to(file.name, among: MailEvent.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
            report.add(TemplateProblem(
                file: file.path,
                problem: "'\(file.name)' names no event and no template includes it as a partial\(guess) (events: \(MailEvent.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        return report.problems
    }

    /// Whether a file of that name exists in the folder, read or not.
    private func has(_ key: String, in scope: TemplateScope) -> Bool {
        library.files[scope]?[key] != nil || library.unread.contains(scope.folder + key)
    }

    /// One open section as the check sees it: the names it opens, and whether `{{.}}` inside it
    /// is one value (a text or number section) rather than a whole group or nothing.
    struct Level {
        var fields: [TemplateField]
        var holdsValue = false

        init(_ fields: [TemplateField], holdsValue: Bool = false) {
            self.fields = fields
            self.holdsValue = holdsValue
        }
    }

    /// Problems in order, each place once: a partial included by every event reports once.
    struct Report {
        private(set) var problems: [TemplateProblem] = []
        private var places: Set<String> = []
        /// Partials and layouts some mail uses, by path.
        var included: Set<String> = []

        mutating func add(_ problem: TemplateProblem) {
            let place = "\(problem.file):\(problem.line ?? 0):\(problem.column ?? 0)"
            guard places.insert(place).inserted else { return }
            problems.append(problem)
        }

        /// Adds a later part's problems (each place still once) and what it included.
        mutating func join(_ part: Report) {
            for problem in part.problems { add(problem) }
            included.formUnion(part.included)
        }
    }

    /// Walks the tags with Mustache's own lookup: a name is looked for in the innermost open
    /// group first, then outwards; a dotted name continues inside what its first part found.
    private func checkNames(
        _ file: TemplateFile, stack initial: [Level], chain: [TemplateScope], mail: String, including: [String], report: inout Report
    ) {
        var stack = initial
        func problem(_ tag: TemplateTag, _ text: String) {
            report.add(Self.problem(file, tag, text, mail: mail, including: including))
        }
        for tag in file.syntax.tags {
            switch tag.kind {
            case .variable, .raw:
                if tag.name == "." {
                    if stack.last?.holdsValue != true || stack.count == initial.count {
                        problem(tag, "'{{.}}' stands for the value of a text section ({{#ticket.subject}}{{.}}{{/ticket.subject}}); here there is none")
                    }
                    continue
                }
                guard let field = lookup(tag.name, in: stack) else {
                    problem(tag, unknown("value", tag.name, stack: stack, mail: mail))
                    continue
                }
                if field.isList {
                    let first = field.children.first?.name ?? "name"
                    problem(tag, "'\(tag.name)' is a list; open it as a section: {{#\(tag.name)}}{{\(first)}}{{/\(tag.name)}}")
                } else if field.isGroup {
                    let names = field.children.map { "\(tag.name).\($0.name)" }.joined(separator: ", ")
                    problem(tag, "'\(tag.name)' is a group of values (\(names)); name one of them, or open it as a section")
                } else if tag.kind == .raw, file.isHTML, !field.trusted {
                    problem(tag, "'\(tag.name)' can hold text from mail, which HTML must not take unescaped; write {{\(tag.name)}}")
                }
            case .section, .inverted:
                guard let field = lookup(tag.name, in: stack) else {
                    problem(tag, unknown("section", tag.name, stack: stack, mail: mail))
                    stack.append(Level([]))
                    continue
                }
                // Mustache pushes a group's or a text's value; a flag or an inverted section
                // opens no names.
                let pushesText = tag.kind == .section && !field.isGroup && field.kindIsValue
                stack.append(Level(tag.kind == .section ? field.children : [], holdsValue: pushesText))
            case .close:
                if stack.count > initial.count { stack.removeLast() }
            case .partial:
                checkPartial(tag, from: file, stack: stack, chain: chain, mail: mail, including: including, report: &report)
            case .pragma, .comment:
                break
            }
        }
    }

    private func checkPartial(
        _ tag: TemplateTag, from file: TemplateFile, stack: [Level], chain: [TemplateScope], mail: String, including: [String],
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
            // A partial that exists but could not be read is reported once, by the reader.
            if chain.contains(where: { library.unread.contains($0.folder + tag.name) }) { return }
            let known = chain.flatMap { (library.files[$0] ?? [:]).values.filter { $0.event == nil && !$0.isLayout }.map(\.key) }
            let guess = ClosestName.to(tag.name, among: Set(known)).map { "; did you mean '\($0)'?" } ?? ""
            let other = file.isHTML ? "" : (library.file("\(tag.name).html", along: chain) != nil ? "; '\(tag.name).html' is HTML and this template is text" : "")
            problem(tag, "unknown partial '\(tag.name)'\(guess)\(other)")
            return
        }
        report.included.insert(partial.path)
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
        report.included.insert(file.path)
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
        checkNames(file, stack: [Level(TemplateSchema.layoutFields)], chain: chain, mail: "every", including: [], report: &report)
        if !file.syntax.tags.contains(where: { $0.name == "content" && ($0.kind == .raw || $0.kind == .variable) }) {
            report.add(TemplateProblem(file: file.path, problem: "the layout has no {{{content}}}, so no mail would show its content; put it where the mail goes"))
        }
    }

    /// Renders a mail's templates from sample values, as a mail would be.
    private func checkRendering(_ choice: TemplateChoice, report: inout Report) {
        // Its text template exists but could not be read: that is already reported.
        if choice.text == nil, let html = choice.html, library.unread.contains(html.scope.folder + choice.event.rawValue) { return }
        do {
            let rendered = try library.render(choice, values: .sample)
            if choice.event.isAboutTicket, !rendered.subject.contains("[\(TemplateValues.sample.ticket?.key ?? "")]") {
                report.add(TemplateProblem(
                    file: (choice.text ?? choice.html)?.path ?? library.directory, line: 1,
                    problem: "the Subject must carry the ticket key as [{{ticket.key}}], so replies thread to the ticket"))
            }
        } catch {
            report.add(error)
        }
    }

    private func lookup(_ name: String, in stack: [Level]) -> TemplateField? {
        let parts = name.split(separator: ".").map(String.init)
        guard let head = parts.first else { return nil }
        for level in stack.reversed() {
            guard var field = level.fields.first(where: { $0.name == head }) else { continue }
            for part in parts.dropFirst() {
                // Mustache cannot reach into a list by name; only its section can.
                guard !field.isList, let child = field.children.first(where: { $0.name == part }) else { return nil }
                field = child
            }
            return field
        }
        return nil
    }

    /// `noun`: value or section, as the tag used the name.
    private func unknown(_ noun: String, _ name: String, stack: [Level], mail: String) -> String {
        let elsewhere = TemplateSchema.events(having: name).map(\.rawValue)
        if !elsewhere.isEmpty, mail != "every" {
            return "unknown \(noun) '\(name)' in \(mail) mail; it exists in \(elsewhere.joined(separator: ", ")) mail"
        }
        let visible = stack.flatMap { TemplateField.paths($0.fields).map(\.path) }
        if let guess = ClosestName.to(name, among: visible) { return "unknown \(noun) '\(name)'; did you mean '\(guess)'?" }
        let known = stack.first.map { TemplateField.paths($0.fields).filter { !$0.field.isGroup }.map(\.path).joined(separator: ", ") } ?? ""
        return "unknown \(noun) '\(name)'; \(mail == "every" ? "a layout" : "\(mail) mail") has \(known)"
    }
}
