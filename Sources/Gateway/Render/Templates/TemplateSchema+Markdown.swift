import Foundation
import HelpdeskCore

extension TemplateSchema {
    /// Each event's values as Markdown, for the README and `helpdesk templates schema`.
    public static var markdown: String {
        var text = ""
        for event in MailEvent.allCases {
            text += "#### `\(event.rawValue)`\n\n"
            text += rows(fields(for: event))
            text += "\n"
        }
        text += "#### `layout.html.mustache`\n\n" + rows(layoutFields)
        return text
    }

    private static func rows(_ fields: [TemplateField]) -> String {
        var text = "| value | holds |\n| --- | --- |\n"
        for (path, field) in TemplateField.paths(fields) {
            let use: String
            switch field.kind {
            case .group, .flag, .list: use = "`{{#\(path)}}…{{/\(path)}}`"
            case .text, .number: use = path == "content" ? "`{{{content}}}`" : "`{{\(path)}}`"
            }
            // Items' names are used inside the section, without the list's name.
            let items = field.isList ? "; each item has " + field.children.map { "`{{\($0.name)}}` (\($0.about))" }.joined(separator: ", ") : ""
            let about = field.about.replacingOccurrences(of: "|", with: "\\|")
            text += "| \(use) | \(about)\(items)\(field.optional ? " (may be absent)" : "") |\n"
        }
        return text
    }
}
