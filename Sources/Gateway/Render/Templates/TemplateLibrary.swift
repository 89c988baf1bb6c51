import Foundation
import HelpdeskCore
import MIME
import Mustache

/// The reply templates of an installation: `templates/<event>.mustache` (text) and
/// `<event>.html.mustache` (HTML), overridden per language (`templates/de/`), per mailbox
/// (`templates/sales/`) and both (`templates/sales/de/`); any other file is a partial
/// (`{{> footer}}`, `{{> footer.html}}`), and `layout.html.mustache` holds every HTML mail.
public struct TemplateLibrary: Sendable {
    public let directory: String
    /// Files by folder, then by the name they are included by (`footer`, `footer.html`).
    let files: [TemplateScope: [String: TemplateFile]]
    /// Files that exist but could not be read (`de/footer.html`): reported once, by the reader.
    let unread: Set<String>

    /// The language of the root templates (the shipped ones are English).
    static let rootLanguage = "en"

    /// How many template files the library holds.
    public var fileCount: Int { files.values.reduce(0) { $0 + $1.count } }

    /// Reads and checks every template; nil with every problem when any is wrong, so a broken set
    /// never replaces a working one. `mailboxes`: the configured names, which override folders
    /// must use (nil when the config could not be read: folders are then not checked).
    public static func open(directory: String, mailboxes: [String]?) -> (library: TemplateLibrary?, problems: [TemplateProblem]) {
        let (library, unread) = TemplateFolderReader(directory: directory, mailboxes: mailboxes).read()
        // The files that were read are still checked, so one round shows every problem.
        let found = unread + TemplateCheck(library: library).problems()
        return found.isEmpty ? (library, []) : (nil, found)
    }

    /// Every problem in the directory (empty when it is fit to use).
    public static func check(directory: String, mailboxes: [String]?) -> [TemplateProblem] {
        open(directory: directory, mailboxes: mailboxes).problems
    }

    /// The checked library; the first problem is thrown when there is any.
    public static func load(directory: String, mailboxes: [String]?) throws(TemplateProblem) -> TemplateLibrary {
        let (library, problems) = open(directory: directory, mailboxes: mailboxes)
        guard let library else { throw problems.first ?? TemplateProblem(file: directory, problem: "cannot be read") }
        return library
    }

    /// Which templates a mail of `event` from `mailbox` gets, for readers of `languages` in order
    /// of preference: the first language (or its shorter tag: `pt-BR`, then `pt`) with a template
    /// for the event, the mailbox's folder before the general one; else the mailbox's folder,
    /// then the root. English is the root's language, so an English reader stops there. A
    /// folder's text and HTML template go together, so an override never mixes with the HTML of
    /// another folder.
    func choose(event: MailEvent, mailbox: String, languages: [LanguageTag]) -> TemplateChoice? {
        var levels: [LanguageTag?] = []
        for language in languages {
            for tag in language.fallbacks where !levels.contains(tag) {
                levels.append(tag)
                if tag.description == Self.rootLanguage { levels.append(nil) }
            }
        }
        if !levels.contains(nil) { levels.append(nil) }
        for level in levels {
            let chain = TemplateScope.chain(mailbox: mailbox, language: level)
            // A language level provides the event only from its own folders; the rest of the
            // chain is for partials and the layout.
            let own = level == nil ? chain : chain.filter { $0.language == level }
            for scope in own {
                let text = files[scope]?[event.rawValue]
                let html = files[scope]?["\(event.rawValue).html"]
                if text != nil || html != nil {
                    return TemplateChoice(event: event, chain: chain, text: text, html: html, language: level?.description ?? "en")
                }
            }
        }
        return nil
    }

    /// Renders a chosen pair: the text part, and the HTML part in its layout. Without a text
    /// template the text part is made from the HTML.
    func render(_ choice: TemplateChoice, values: TemplateValues) throws(TemplateProblem) -> RenderedTemplate {
        let view = library(for: choice.chain)
        var values = values
        values.language = choice.language
        let context = TemplateSchema.context(for: choice.event, values)
        var html: (head: RenderedTemplate?, document: String)?
        if let file = choice.html {
            let output = try Self.output(view, file, context)
            let (head, content) = try Self.splitHTML(output, file: file)
            values.layoutContent = content
            var document = content
            if let layout = self.file("\(TemplateFile.layoutName).html", along: choice.chain) {
                document = try Self.output(view, layout, TemplateSchema.layoutContext(values))
            }
            html = (head, document)
        }
        if let file = choice.text {
            switch RenderedTemplate.split(try Self.output(view, file, context)) {
            case .success(var rendered):
                rendered.html = html?.document
                return rendered
            case .failure(let error): throw TemplateProblem(file: file.path, line: error.line, problem: error.problem)
            }
        }
        guard let html, var rendered = html.head else {
            throw TemplateProblem(file: choice.html?.path ?? directory, problem: "no 'Subject:' line: an HTML template without a text template beside it starts with the header lines")
        }
        rendered.body = HTMLText.render(html.document)
        if !rendered.body.hasSuffix("\n") { rendered.body += "\n" }
        rendered.html = html.document
        return rendered
    }

    /// The names seen along `chain`, each from the first folder that has it.
    func library(for chain: [TemplateScope]) -> MustacheLibrary {
        var templates: [String: MustacheTemplate] = [:]
        for scope in chain.reversed() {
            for (key, file) in files[scope] ?? [:] { templates[key] = file.template }
        }
        return MustacheLibrary(templates: templates)
    }

    /// The file a name means along `chain`.
    func file(_ key: String, along chain: [TemplateScope]) -> TemplateFile? {
        chain.lazy.compactMap { self.files[$0]?[key] }.first
    }

    private static func output(_ view: MustacheLibrary, _ file: TemplateFile, _ context: [String: Any]) throws(TemplateProblem) -> String {
        guard let text = view.render(context, withTemplate: file.key) else { throw TemplateProblem(file: file.path, problem: "template not loaded") }
        return text
    }

    /// An HTML template may start with a text template's header lines, for mail without one.
    private static func splitHTML(_ output: String, file: TemplateFile) throws(TemplateProblem) -> (RenderedTemplate?, String) {
        let firstLine = output.prefix { $0 != "\n" && $0 != "\r" }.lowercased()
        guard RenderedTemplate.allowedHeaders.contains(where: { firstLine.hasPrefix("\($0):") }) else { return (nil, output) }
        switch RenderedTemplate.split(output) {
        case .success(var rendered):
            // The head was escaped as HTML; header fields are text.
            rendered.subject = MailHTMLContentType.unescape(rendered.subject)
            rendered.headers = rendered.headers.map { ($0.name, MailHTMLContentType.unescape($0.value)) }
            return (rendered, rendered.body)
        case .failure(let error): throw TemplateProblem(file: file.path, line: error.line, problem: error.problem)
        }
    }

    init(directory: String, files: [TemplateScope: [String: TemplateFile]], unread: Set<String> = []) {
        self.directory = directory
        self.files = files
        self.unread = unread
    }
}

/// The templates one mail is rendered from, and the language they are in.
struct TemplateChoice: Sendable {
    var event: MailEvent
    /// Where partials and the layout are looked up.
    var chain: [TemplateScope]
    var text: TemplateFile?
    var html: TemplateFile?
    /// `en` for the root's templates.
    var language: String
}
