/// A header value followed by `; name=value` parameters, as in Content-Type and
/// Content-Disposition (RFC 2045 section 5.1, RFC 2183, RFC 2231).
public struct ParameterizedValue: Sendable, Hashable {
    /// The value before the first ";", trimmed and lower-cased (e.g. "text/plain", "attachment").
    public var value: String
    /// Parameters by lower-cased name; RFC 2231 continuations joined and decoded.
    public var parameters: [String: String]

    public init(value: String, parameters: [String: String] = [:]) {
        self.value = value
        self.parameters = parameters
    }

    /// Parses leniently: unquoted values run to the next ";", unterminated quotes to the end,
    /// parameters without "=" are skipped.
    public init(parsing raw: String) {
        let bytes = Array(raw.utf8)
        var index = 0
        while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
        value = String(decoding: Bytes.trimmed(bytes[0..<index]), as: UTF8.self).lowercased()
        var plain: [String: String] = [:]
        var extended: [String: [RFC2231Section]] = [:]
        while index < bytes.count {
            index += 1   // past ";"
            while index < bytes.count, bytes[index].isWhitespace { index += 1 }
            let nameStart = index
            while index < bytes.count, bytes[index] != ASCII.equals, bytes[index] != ASCII.semicolon { index += 1 }
            let name = String(decoding: Bytes.trimmed(bytes[nameStart..<index]), as: UTF8.self).lowercased()
            guard index < bytes.count, bytes[index] == ASCII.equals else { continue }
            index += 1
            while index < bytes.count, bytes[index].isWSP { index += 1 }
            var parameterValue: String
            if index < bytes.count, bytes[index] == ASCII.quote {
                var unquoted: [UInt8] = []
                index += 1
                while index < bytes.count, bytes[index] != ASCII.quote {
                    if bytes[index] == ASCII.backslash, index + 1 < bytes.count { index += 1 }
                    unquoted.append(bytes[index])
                    index += 1
                }
                index += 1
                // Anything between the closing quote and the next ";" is junk.
                while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
                parameterValue = String(decoding: unquoted, as: UTF8.self)
            } else {
                let valueStart = index
                while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
                parameterValue = String(decoding: Bytes.trimmed(bytes[valueStart..<index]), as: UTF8.self)
            }
            guard !name.isEmpty else { continue }
            if let section = RFC2231Section(name: name, value: parameterValue) {
                extended[section.baseName, default: []].append(section)
            } else if plain[name] == nil {
                plain[name] = parameterValue
            }
        }
        for (name, sections) in extended {
            // An RFC 2231 value wins over a plain one of the same name: it is the precise form.
            plain[name] = RFC2231Section.join(sections)
        }
        parameters = plain
    }

    /// The parameter `name` (any case).
    public subscript(parameter name: String) -> String? {
        parameters[name.lowercased()]
    }
}

/// One piece of an RFC 2231 parameter: `name*N*=charset'lang'%XX…`.
struct RFC2231Section {
    /// More sections than this is abuse, not a long file name.
    static let maxSections = 100

    var baseName: String
    var number: Int
    var isEncoded: Bool
    var value: String

    init?(name: String, value: String) {
        guard let star = name.firstIndex(of: "*") else { return nil }
        baseName = String(name[..<star])
        var rest = name[name.index(after: star)...]
        isEncoded = rest.hasSuffix("*")
        if isEncoded { rest = rest.dropLast() }
        if rest.isEmpty {
            // "name*=…": one encoded value, no continuations.
            isEncoded = true
            number = 0
        } else {
            guard rest.count <= 3, rest.allSatisfy(\.isNumber), let parsed = Int(rest), parsed < Self.maxSections
            else { return nil }
            number = parsed
        }
        guard !baseName.isEmpty else { return nil }
        self.value = value
    }

    /// Joins sections in order; the charset named by the first encoded section applies to all
    /// percent-decoded bytes.
    static func join(_ sections: [RFC2231Section]) -> String {
        let ordered = sections.sorted { $0.number < $1.number }
        var charset: String?
        var bytes: [UInt8] = []
        for (position, section) in ordered.enumerated() {
            var text = Substring(section.value)
            if section.isEncoded {
                if position == 0 {
                    // charset'language'value; both may be empty.
                    let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if parts.count == 3 {
                        charset = parts[0].isEmpty ? nil : String(parts[0])
                        text = parts[2]
                    }
                }
                bytes += percentDecoded(text)
            } else {
                bytes += Array(text.utf8)
            }
        }
        return Charset.decode(bytes, charset: charset ?? "utf-8").text
    }

    private static func percentDecoded(_ text: Substring) -> [UInt8] {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == ASCII.percent, index + 2 < input.count,
               let high = input[index + 1].hexValue, let low = input[index + 2].hexValue {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(input[index])
                index += 1
            }
        }
        return out
    }
}
