import HelpdeskCore

/// Which folder of `templates/` a file sits in: the root, a mailbox's override folder, a
/// language folder, or a language folder inside a mailbox's.
struct TemplateScope: Hashable, Sendable {
    var mailbox: String?
    var language: LanguageTag?

    static let root = TemplateScope(mailbox: nil, language: nil)

    /// `sales/de/`, as under `templates/`; empty for the root.
    var folder: String {
        [mailbox, language?.description].compactMap { $0 }.map { "\($0)/" }.joined()
    }

    /// Where names are looked up for mail of `mailbox` in `language` (nil: the root's own):
    /// the most specific folder first, then the language's, then the mailbox's and the root.
    static func chain(mailbox: String?, language: LanguageTag?) -> [TemplateScope] {
        var scopes: [TemplateScope] = []
        if let language {
            if let mailbox { scopes.append(TemplateScope(mailbox: mailbox, language: language)) }
            scopes.append(TemplateScope(mailbox: nil, language: language))
        }
        if let mailbox { scopes.append(TemplateScope(mailbox: mailbox, language: nil)) }
        scopes.append(.root)
        return scopes
    }

    /// The chain a file in this folder is checked with.
    var chain: [TemplateScope] { TemplateScope.chain(mailbox: mailbox, language: language) }
}
