import Foundation
import Yams

/// Reads one YAML mapping field by field, so every error names its field and line, and
/// misspelt fields are reported instead of silently ignored.
struct YAMLFields {
    let file: String
    let path: String
    let node: Node
    private let mapping: Node.Mapping

    init(file: String, path: String, node: Node) throws(ConfigError) {
        guard case .mapping(let mapping) = node else {
            throw ConfigError(file: file, field: path, line: node.mark?.line, problem: "expected a mapping of 'name: value' lines")
        }
        self.file = file
        self.path = path
        self.node = node
        self.mapping = mapping
    }

    /// The document of a config file, nil when it is empty; a parser error becomes one line.
    static func compose(yaml: String, file: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch {
            // The parser's first line says where and what; its context lines would break the one-line-per-problem listing.
            let summary = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigError(file: file, field: "", problem: "not valid YAML: \(summary)")
        }
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(file: file, field: fieldPath(key), line: mapping[key]?.mark?.line ?? node.mark?.line, problem: problem)
    }

    /// Refuses keys other than `known`, naming the closest intent.
    func rejectUnknown(_ known: [String]) throws(ConfigError) {
        if let first = unknownFields(known).first { throw first }
    }

    /// One problem per key other than `known`, in file order.
    func unknownFields(_ known: [String]) -> [ConfigError] {
        mapping.keys.compactMap { key in
            guard let name = key.string, !known.contains(name) else { return nil }
            return ConfigError(file: file, field: fieldPath(name), line: key.mark?.line,
                               problem: "unknown field; expected one of: \(known.joined(separator: ", "))")
        }
    }

    func has(_ key: String) -> Bool { mapping[key] != nil }

    /// The line `key`'s value is on, for problems found after reading (a clash with another file).
    func line(_ key: String) -> Int? { mapping[key]?.mark?.line }

    func optionalString(_ key: String) throws(ConfigError) -> String? {
        guard let value = mapping[key] else { return nil }
        guard case .scalar(let scalar) = value else { throw error(key, "expected a single value, not a list or mapping") }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    func string(_ key: String, hint: String) throws(ConfigError) -> String {
        guard let value = try optionalString(key) else { throw error(key, "missing; \(hint)") }
        return value
    }

    func optionalInt(_ key: String) throws(ConfigError) -> Int? {
        guard let text = try optionalString(key) else { return nil }
        guard let value = Int(text) else { throw error(key, "expected a whole number, got '\(text)'") }
        return value
    }

    func optionalFields(_ key: String) throws(ConfigError) -> YAMLFields? {
        guard let value = mapping[key] else { return nil }
        return try YAMLFields(file: file, path: fieldPath(key), node: value)
    }

    func fields(_ key: String, hint: String) throws(ConfigError) -> YAMLFields {
        guard let value = try optionalFields(key) else { throw error(key, "missing; \(hint)") }
        return value
    }

    /// `key: [a, b]` or a `- ` list of single values; a lone value counts as a list of one.
    func stringList(_ key: String) throws(ConfigError) -> [String] {
        guard let value = mapping[key] else { return [] }
        switch value {
        case .scalar(let scalar):
            let text = scalar.string.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? [] : [text]
        case .sequence(let items):
            var result: [String] = []
            for item in items {
                guard case .scalar(let scalar) = item else { throw error(key, "expected a list of single values") }
                result.append(scalar.string.trimmingCharacters(in: .whitespaces))
            }
            return result.filter { !$0.isEmpty }
        default:
            throw error(key, "expected a list of single values, e.g. [billing, refunds]")
        }
    }

    func list(_ key: String) throws(ConfigError) -> [YAMLFields] {
        guard let value = mapping[key] else { return [] }
        guard case .sequence(let items) = value else { throw error(key, "expected a list ('- ' items)") }
        var result: [YAMLFields] = []
        for (index, item) in items.enumerated() {
            result.append(try YAMLFields(file: file, path: "\(fieldPath(key))[\(index)]", node: item))
        }
        return result
    }
}
