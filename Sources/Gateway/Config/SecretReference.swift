import Foundation

/// Where a password comes from: an environment variable or a file, never the config itself.
public enum SecretReference: Sendable, Equatable {
    case environment(String)
    case file(String)

    /// Reads the secret now; the error names the variable or file and what to do.
    public func resolve(environment: [String: String], configFile: String, field: String) throws(ConfigError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigError(file: configFile, field: field, problem: "environment variable \(name) is not set; export it with the secret (e.g. export \(name)=…) before starting helpdesk")
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(file: configFile, field: field, problem: "cannot read password file \(path); create it (mode 600) or fix the path")
            }
            // A trailing newline from `echo secret > file` is not part of the password.
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            guard !value.isEmpty else {
                throw ConfigError(file: configFile, field: field, problem: "password file \(path) is empty")
            }
            return value
        }
    }
}
