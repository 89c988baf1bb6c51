/// The words mail clients put above quoted history, per language, folded for comparison.
///
/// Lists, not regular expressions: each is checked at a line's start or end only, so adding a
/// language costs one entry and can never make matching slow. The lists are split by kind:
/// attributions (`+Attribution`), separator lines (`+Separator`) and header blocks (`+FieldBlock`).
/// The wording comes from the clients' own localisations (Gmail, Outlook, Apple Mail,
/// Thunderbird, Yahoo, Zoho, GMX/web.de, Mail.ru, Yandex, QQ/Foxmail, Naver, Seznam).
enum QuoteHeaderPatterns {
    static func folded(_ patterns: [String]) -> [FoldedText] {
        patterns.map(FoldedText.init)
    }

    static func keySet(_ keys: [String]) -> Set<[UInt8]> {
        Set(keys.map { FoldedText($0).bytes })
    }
}
