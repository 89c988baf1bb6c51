import HelpdeskCore
import Testing

@Suite("Language tags")
struct LanguageTagTests {
    static let spellings: [(String, String?)] = [
        ("de", "de"), ("DE", "de"), ("pt-br", "pt-BR"), ("pt_BR", "pt-BR"), ("zh-hant", "zh-Hant"), ("zh-Hant-TW", "zh-Hant-TW"),
        ("es-419", "es-419"), (" fr ", "fr"), ("xx", nil), ("salse", nil), ("de-", nil), ("", nil), ("en-US-x", nil), ("d3", nil),
        ("de-DE-AT", nil), ("en;q=0.5", nil),
    ]

    @Test(arguments: spellings)
    func spelledAsUsual(text: String, expected: String?) {
        #expect(LanguageTag(text)?.description == expected)
    }

    @Test func fallsBackToShorterTags() {
        #expect(LanguageTag("pt-BR")?.fallbacks.map(\.description) == ["pt-BR", "pt"])
        #expect(LanguageTag("zh-Hant-TW")?.fallbacks.map(\.description) == ["zh-Hant-TW", "zh-Hant", "zh"])
        #expect(LanguageTag("de")?.fallbacks.map(\.description) == ["de"])
    }

    static let headers: [(contentLanguage: String?, acceptLanguage: String?, expected: String?)] = [
        ("de-DE", nil, "de-DE"),
        ("de, en", "fr", "de"),
        ("bogus, fr", nil, "fr"),
        (nil, "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr-CH"),
        (nil, "en;q=0.3, de;q=0.9", "de"),
        (nil, "de;q=0, en;q=0.1", "en"),
        (nil, "*", nil),
        ("", "", nil),
        (nil, nil, nil),
        ("x-klingon", "pt-BR;q=0.8", "pt-BR"),
    ]

    @Test(arguments: headers)
    func readFromTheSendersHeaders(contentLanguage: String?, acceptLanguage: String?, expected: String?) {
        #expect(LanguageTag.of(contentLanguage: contentLanguage, acceptLanguage: acceptLanguage)?.description == expected)
    }

    /// Whatever a header holds, reading it gives a valid tag or none, and never traps.
    @Test func anyHeaderTextIsSafe() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_;=,. *\u{e9}\u{0}")
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            if let tag = LanguageTag.of(contentLanguage: text, acceptLanguage: text) {
                #expect(LanguageTag(tag.description) == tag, "\(text)")
            }
        }
    }
}
