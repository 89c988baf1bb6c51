import Foundation

/// Internationalized domain names (IDNA2008, RFC 5890/5891): a domain as people write it
/// (`bücher.example`) in the ASCII form DNS and SMTP without SMTPUTF8 take
/// (`xn--bcher-kva.example`), and back.
public enum IDNA {
    /// RFC 1034 section 3.1 and RFC 5890 section 2.3.2.1, in octets of the ASCII form.
    static let maxLabelLength = 63
    static let maxDomainLength = 253
    static let acePrefix = "xn--"

    /// Full stops IDNA treats as label separators (RFC 3490 section 3.1): ideographic, full-width
    /// and half-width ones, which input methods produce.
    private static let dots: Set<Character> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]

    /// The domain with every non-ASCII label as its A-label (NFC, lower-cased, `xn--` +
    /// Punycode) and ASCII labels lower-cased; nil when it is not a valid domain name: an empty
    /// label, a label over 63 or a name over 253 octets, characters IDNA never allows (controls,
    /// spaces, `@` and other symbols or punctuation), or an `xn--` label that is not Punycode.
    public static func asciiDomain(_ domain: String) -> String? {
        // Its ASCII form is never shorter in code points: refuse a long name before any work.
        guard domain.unicodeScalars.count <= maxDomainLength else { return nil }
        var labels: [String] = []
        for label in domain.split(omittingEmptySubsequences: false, whereSeparator: { dots.contains($0) }) {
            guard let ascii = asciiLabel(String(label)) else { return nil }
            labels.append(ascii)
        }
        let name = labels.joined(separator: ".")
        return name.utf8.count <= maxDomainLength ? name : nil
    }

    /// The domain with its A-labels decoded (the U-label form, NFC, lower-cased): how a header
    /// field that may carry UTF-8 (RFC 6532) writes it; nil when `asciiDomain` refuses it.
    public static func unicodeDomain(_ domain: String) -> String? {
        guard let ascii = asciiDomain(domain) else { return nil }
        let labels = ascii.split(separator: ".").map { label in
            label.hasPrefix(acePrefix) ? Punycode.decode(String(label.dropFirst(acePrefix.count))) ?? String(label) : String(label)
        }
        return labels.joined(separator: ".")
    }

    /// One label's ASCII form, or nil.
    static func asciiLabel(_ label: String) -> String? {
        guard !label.isEmpty else { return nil }
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            let lower = label.lowercased()
            guard lower.utf8.allSatisfy(isHostNameByte), lower.utf8.count <= maxLabelLength else { return nil }
            // An A-label as written must be one this code would have made (RFC 5891 section 5.4).
            if lower.hasPrefix(acePrefix) {
                guard let decoded = Punycode.decode(String(lower.dropFirst(acePrefix.count))),
                      !decoded.utf8.allSatisfy({ $0 < 0x80 }), asciiLabel(decoded) == lower
                else { return nil }
            }
            return lower
        }
        let unicode = label.lowercased().precomposedStringWithCanonicalMapping
        // An A-label holds "xn--" and at least one character per code point: a longer label can
        // never fit, and encoding it first would cost time quadratic in its length.
        guard unicode.unicodeScalars.count <= maxLabelLength - acePrefix.count,
              isValidULabel(unicode), let encoded = Punycode.encode(unicode) else { return nil }
        let aLabel = acePrefix + encoded
        return aLabel.utf8.count <= maxLabelLength ? aLabel : nil
    }

    /// RFC 5891 section 4.2.3 and RFC 5892's categories, approximated by Unicode general
    /// categories: letters, marks and decimal digits, never symbols, punctuation, spaces or
    /// controls; nothing NFKC would change (full-width forms, ligatures: RFC 5892 section 2.2);
    /// no hyphen at either end or in positions 3 and 4; no combining mark first.
    private static func isValidULabel(_ label: String) -> Bool {
        let scalars = Array(label.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { return false }
        guard first != "-", last != "-", !(scalars.count >= 4 && scalars[2] == "-" && scalars[3] == "-") else { return false }
        guard !isMark(first) else { return false }
        guard label.precomposedStringWithCompatibilityMapping == label else { return false }
        return scalars.allSatisfy(isAllowed)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isHostNameByte(UInt8(scalar.value)) && scalar != "_" }
        switch scalar.value {
        // CONTEXTJ and CONTEXTO (RFC 5892 appendix A): joiners, the Catalan middle dot, Greek
        // keraia, Hebrew geresh and gershayim, the katakana middle dot. Allowed without checking
        // their context: refusing them would refuse real names.
        case 0x200C, 0x200D, 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB:
            return true
        default:
            break
        }
        switch scalar.properties.generalCategory {
        case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber:
            return true
        default:
            return false
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Letters, digits and hyphen (the LDH rule), and underscore, which real host names carry.
    private static func isHostNameByte(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || byte.isASCIIDigit || byte == ASCII.hyphen || byte == ASCII.underscore
    }
}
