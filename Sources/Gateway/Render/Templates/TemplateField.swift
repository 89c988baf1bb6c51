/// One value a template may use (`ticket.key`), or a group of them (`ticket`), with where its
/// value comes from. The renderer builds what Mustache reads only through these, and the check
/// knows a name only through them, so the two cannot disagree.
public struct TemplateField: Sendable {
    /// What a name holds, which says how a template may use it.
    public enum Kind: Sendable {
        /// One line of text, or several for the bodies of messages.
        case text
        case number
        /// Used as a section: `{{#reopened}}…{{/reopened}}`.
        case flag
        /// A section that opens the names inside it: `{{#linked}}{{key}}{{/linked}}`.
        case group([TemplateField])
        /// A section repeated for each item, opening the item's names: `{{#attachments}}{{name}}{{/attachments}}`.
        case list([TemplateField])
    }

    public var name: String
    public var kind: Kind
    /// What it holds, for the README and for error messages.
    public var about: String
    /// Absent in some mails of the event (a ticket without a linked one): use it in a section.
    public var optional: Bool
    /// Made by the gateway or its admins, never by a sender, so HTML may take it raw (`{{{…}}}`).
    public var trusted = false
    let value: @Sendable (TemplateValues) -> Any?

    init(_ name: String, _ kind: Kind, _ about: String, optional: Bool = false, value: @escaping @Sendable (TemplateValues) -> Any?) {
        self.name = name
        self.kind = kind
        self.about = about
        self.optional = optional
        self.value = value
    }

    static func text(_ name: String, _ about: String, optional: Bool = false, _ value: @escaping @Sendable (TemplateValues) -> String?) -> TemplateField {
        TemplateField(name, .text, about, optional: optional, value: value)
    }

    static func number(_ name: String, _ about: String, _ value: @escaping @Sendable (TemplateValues) -> Int?) -> TemplateField {
        TemplateField(name, .number, about, value: value)
    }

    static func flag(_ name: String, _ about: String, _ value: @escaping @Sendable (TemplateValues) -> Bool?) -> TemplateField {
        TemplateField(name, .flag, about, value: value)
    }

    /// `items` gives the list's files; each item's `fields` read it as `TemplateValues.file`.
    static func list(
        _ name: String, _ about: String, items: @escaping @Sendable (TemplateValues) -> [TemplateValues.File]?, _ fields: [TemplateField]
    ) -> TemplateField {
        TemplateField(name, .list(fields), about, optional: true, value: { values in
            items(values).map { files in files.map { file in
                var row = values
                row.file = file
                return TemplateField.context(fields, row)
            } }
        })
    }

    static func group(
        _ name: String, _ about: String, optional: Bool = false, present: @escaping @Sendable (TemplateValues) -> Bool, _ fields: [TemplateField]
    ) -> TemplateField {
        TemplateField(name, .group(fields), about, optional: optional, value: { present($0) ? true : nil })
    }

    /// This field, which HTML templates may insert raw.
    var trustedRaw: TemplateField {
        var field = self
        field.trusted = true
        return field
    }

    /// The fields inside a group; empty for a single value.
    var children: [TemplateField] {
        switch kind {
        case .group(let fields), .list(let fields): fields
        case .text, .number, .flag: []
        }
    }

    /// Text or a number: a section on it pushes the value, which `{{.}}` then names.
    var kindIsValue: Bool {
        switch kind {
        case .text, .number: true
        case .flag, .group, .list: false
        }
    }

    var isGroup: Bool {
        if case .group = kind { return true }
        return false
    }

    var isList: Bool {
        if case .list = kind { return true }
        return false
    }

    /// What Mustache reads for this field, or nil when the mail has no such value.
    func mustacheValue(_ values: TemplateValues) -> Any? {
        guard let value = value(values) else { return nil }
        guard case .group(let fields) = kind else { return value }
        return TemplateField.context(fields, values)
    }

    /// The dictionary Mustache renders from: every declared field the values hold.
    static func context(_ fields: [TemplateField], _ values: TemplateValues) -> [String: Any] {
        var context: [String: Any] = [:]
        for field in fields {
            if let value = field.mustacheValue(values) { context[field.name] = value }
        }
        return context
    }

    /// Every dotted name below `fields` (`ticket.key`), with its field, groups included.
    static func paths(_ fields: [TemplateField], prefix: String = "") -> [(path: String, field: TemplateField)] {
        fields.flatMap { field -> [(path: String, field: TemplateField)] in
            let path = prefix + field.name
            // An item's names are reachable only inside the list's section.
            return [(path, field)] + (field.isList ? [] : paths(field.children, prefix: path + "."))
        }
    }
}
