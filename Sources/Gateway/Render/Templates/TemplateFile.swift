import HelpdeskCore
import Mustache

/// One template file, read and parsed: `templates/sales/de/ticket_created.html.mustache`.
struct TemplateFile: Sendable {
    var scope: TemplateScope
    /// The name without folder and extensions: `ticket_created`, `footer`, `layout`.
    var name: String
    var isHTML: Bool
    /// The path, for messages.
    var path: String
    var syntax: TemplateSyntax
    var template: MustacheTemplate

    /// The name other templates include it by: `footer`, or `footer.html` for HTML.
    var key: String { isHTML ? "\(name).html" : name }

    var event: MailEvent? { MailEvent(rawValue: name) }

    /// `layout.html.mustache`: the document every HTML mail of its folder is put in.
    var isLayout: Bool { name == TemplateFile.layoutName }

    static let layoutName = "layout"
}
