import Foundation
public import HelpdeskCore
import Mustache

/// The reply templates of an installation: `templates/<event>.mustache`, overridden per mailbox by
/// `templates/<mailbox>/<event>.mustache`. Any template may be used as a partial (`{{> footer}}`).
public struct TemplateLibrary: Sendable {
    /// Events the gateway renders: `templates check` insists on a template for each.
    public static let requiredEvents = MailEvent.allCases.map(\.rawValue)

    public let directory: String
    private let library: MustacheLibrary
    /// Template name (`ticket_created`, `support/ticket_created`) → file it came from.
    private let files: [String: String]

    /// How many template files the library holds.
    public var fileCount: Int { files.count }

    /// Loads every template; the first syntax error is thrown with its file, line and column.
    public static func load(directory: String) throws(TemplateProblem) -> TemplateLibrary {
        let (library, problems) = scan(directory: directory)
        if let first = problems.first { throw first }
        return library
    }

    /// Every problem in the directory: syntax errors, missing events, and templates whose output
    /// is not a valid reply (no Subject, no ticket key in the Subject, bad header lines).
    public static func check(directory: String, mailboxes: [String] = []) -> [TemplateProblem] {
        let (library, problems) = scan(directory: directory)
        guard problems.isEmpty else { return problems }
        var found: [TemplateProblem] = []
        for event in requiredEvents where library.files[event] == nil {
            found.append(TemplateProblem(file: (directory as NSString).appendingPathComponent("\(event).mustache"),
                                         problem: "missing: the gateway needs this template to send \(event) mail"))
        }
        let sample = TemplateValues.sample
        for name in library.files.keys.sorted() {
            guard let event = MailEvent(rawValue: String(name.split(separator: "/").last ?? "")), let file = library.files[name] else { continue }
            do {
                let rendered = try library.renderTemplate(named: name, context: sample.mustache)
                if event.isAboutTicket && !rendered.subject.contains("[\(sample.ticket?.key ?? "")]") {
                    found.append(TemplateProblem(file: file, line: 1, problem: "the Subject must carry the ticket key as [{{ticket.key}}], so replies thread to the ticket"))
                }
            } catch {
                found.append(error)
            }
        }
        return found
    }

    /// Renders the template for `event`, preferring the mailbox's own override.
    func render(event: MailEvent, mailbox: String, values: TemplateValues) throws(TemplateProblem) -> RenderedTemplate {
        let name = event.rawValue
        if files["\(mailbox)/\(name)"] != nil {
            return try renderTemplate(named: "\(mailbox)/\(name)", context: values.mustache)
        }
        guard files[name] != nil else {
            throw TemplateProblem(file: (directory as NSString).appendingPathComponent("\(name).mustache"), problem: "template missing; create it (see templates/ticket_created.mustache)")
        }
        return try renderTemplate(named: name, context: values.mustache)
    }

    public func hasTemplate(event: MailEvent, mailbox: String) -> Bool {
        files["\(mailbox)/\(event.rawValue)"] != nil || files[event.rawValue] != nil
    }

    func renderTemplate(named name: String, context: [String: Any]) throws(TemplateProblem) -> RenderedTemplate {
        let file = files[name] ?? name
        guard let text = library.render(context, withTemplate: name) else {
            throw TemplateProblem(file: file, problem: "template not loaded")
        }
        switch RenderedTemplate.split(text) {
        case .success(let rendered): return rendered
        case .failure(let error): throw TemplateProblem(file: file, line: error.line, problem: error.problem)
        }
    }

    private static func scan(directory: String) -> (TemplateLibrary, [TemplateProblem]) {
        var library = MustacheLibrary()
        var files: [String: String] = [:]
        var problems: [TemplateProblem] = []
        let root = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            let problem = TemplateProblem(file: directory, problem: "template directory not found; pass --templates or create it")
            return (TemplateLibrary(directory: directory, library: library, files: files), [problem])
        }
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var paths: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".mustache") && !relative.hasSuffix(".html.mustache") { paths.append(relative) }
        }
        for relative in paths.sorted() {
            let file = root.appendingPathComponent(relative).path
            let name = String(relative.dropLast(".mustache".count))
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                problems.append(TemplateProblem(file: file, problem: "cannot read the file as UTF-8 text"))
                continue
            }
            do {
                // Text mail: values are inserted as they are, not HTML-escaped. The pragma stays on
                // line 1 so error line numbers match the file.
                let template = try MustacheTemplate(string: textPragma + text)
                library.register(template, named: name)
                files[name] = file
            } catch let error as MustacheTemplate.ParserError {
                let column = error.context.lineNumber == 1 ? error.context.columnNumber - textPragma.count : error.context.columnNumber
                problems.append(TemplateProblem(file: file, line: error.context.lineNumber, column: max(column, 1), problem: "template syntax: \(error.error)"))
            } catch {
                problems.append(TemplateProblem(file: file, problem: "template syntax: \(error)"))
            }
        }
        return (TemplateLibrary(directory: directory, library: library, files: files), problems)
    }

    private static let textPragma = "{{% CONTENT_TYPE: TEXT }}"

    private init(directory: String, library: MustacheLibrary, files: [String: String]) {
        self.directory = directory
        self.library = library
        self.files = files
    }
}
