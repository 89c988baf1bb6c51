import Foundation

/// All mailboxes of one installation: every `*.yaml` file in the config directory.
public struct ConfigDirectory: Sendable {
    public var path: String
    public var mailboxes: [MailboxConfig]

    /// Loads and checks every mailbox file; the first problem is thrown with its file and field.
    public static func load(path: String) throws(ConfigError) -> ConfigDirectory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(file: path, field: "", problem: "config directory not found; create it with one <name>.yaml per support address, or pass --config-dir")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !names.isEmpty else {
            throw ConfigError(file: path, field: "", problem: "no mailbox files (*.yaml) in the config directory")
        }
        var mailboxes: [MailboxConfig] = []
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigError(file: file, field: "", problem: "cannot read the file; check its permissions")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigError(file: file, field: "", problem: "the file is not UTF-8 text")
            }
            mailboxes.append(try MailboxConfig.parse(yaml: text, file: file))
        }
        try checkUnique(mailboxes, \.keyPrefix, field: "key", what: "ticket key prefix")
        try checkUnique(mailboxes, \.address, field: "address", what: "support address")
        return ConfigDirectory(path: path, mailboxes: mailboxes)
    }

    public func mailbox(named name: String) -> MailboxConfig? {
        mailboxes.first { $0.name == name }
    }

    private static func checkUnique(_ mailboxes: [MailboxConfig], _ value: KeyPath<MailboxConfig, String>, field: String, what: String) throws(ConfigError) {
        var seen: [String: String] = [:]
        for mailbox in mailboxes {
            if let other = seen[mailbox[keyPath: value]] {
                throw ConfigError(file: mailbox.file, field: field, problem: "\(what) '\(mailbox[keyPath: value])' is also used by \(other); each mailbox needs its own")
            }
            seen[mailbox[keyPath: value]] = mailbox.file
        }
    }
}
