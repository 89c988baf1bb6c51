import Foundation

/// A language as mail and templates name it (`de`, `pt-BR`, RFC 5646), in its usual spelling:
/// language lower-case, region upper-case, script capitalised.
public struct LanguageTag: Sendable, Hashable, CustomStringConvertible {
    public let description: String

    /// Nil unless `text` is a tag of a known ISO 639 language with at most a script and a region.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "-").split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }), parts.count <= 3 else { return nil }
        let language = first.lowercased()
        guard Locale.LanguageCode(language).isISOLanguage else { return nil }
        var spelled = [language]
        var sawRegion = false
        for part in parts.dropFirst() {
            guard part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), !sawRegion else { return nil }
            if part.count == 4, part.allSatisfy(\.isLetter), spelled.count == 1 {
                spelled.append(part.prefix(1).uppercased() + part.dropFirst().lowercased())
            } else if (part.count == 2 && part.allSatisfy(\.isLetter)) || (part.count == 3 && part.allSatisfy(\.isNumber)) {
                spelled.append(part.uppercased())
                sawRegion = true
            } else {
                return nil
            }
        }
        description = spelled.joined(separator: "-")
    }

    /// This tag, then each shorter one: `pt-BR` → `pt-BR`, `pt`.
    public var fallbacks: [LanguageTag] {
        var parts = description.split(separator: "-").map(String.init)
        var tags: [LanguageTag] = []
        while !parts.isEmpty {
            if let tag = LanguageTag(parts.joined(separator: "-")) { tags.append(tag) }
            parts.removeLast()
        }
        return tags
    }

    /// The language a sender writes in: the first of `Content-Language` (RFC 3282), else the
    /// preferred one of `Accept-Language` (highest q, first on a tie). Nil when neither names one.
    public static func of(contentLanguage: String?, acceptLanguage: String?) -> LanguageTag? {
        if let contentLanguage {
            for item in contentLanguage.split(separator: ",") {
                if let tag = LanguageTag(String(item.split(separator: ";").first ?? "")) { return tag }
            }
        }
        guard let acceptLanguage else { return nil }
        var best: (tag: LanguageTag, quality: Double)?
        for item in acceptLanguage.split(separator: ",") {
            let fields = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = fields.first.flatMap({ LanguageTag($0) }) else { continue }
            let quality = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0, quality > (best?.quality ?? 0) { best = (tag, quality) }
        }
        return best?.tag
    }
}
