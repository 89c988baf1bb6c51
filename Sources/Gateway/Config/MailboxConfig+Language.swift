import HelpdeskCore

extension MailboxConfig {
    /// `language: de` of a mailbox or an agent: a language tag, as template folders name them.
    static func language(_ fields: YAMLFields) throws(ConfigError) -> LanguageTag? {
        guard let text = try fields.optionalString("language") else { return nil }
        guard let tag = LanguageTag(text) else {
            throw fields.error("language", "'\(text)' is not a language tag; write e.g. en, de or pt-BR (the name of a folder in templates/)")
        }
        return tag
    }

    /// The language of notifications to `address`: the agent's own, else the mailbox's.
    func languages(forAgent address: String) -> [LanguageTag] {
        let own = agents.first { $0.email == address.lowercased() }?.language
        return [own, language].compactMap { $0 }
    }
}
