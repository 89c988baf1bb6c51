import Foundation
public import HelpdeskCore

/// All mailboxes of one installation: every `*.yaml` file in the config directory, but
/// `organizations.yaml`, which holds the organisations.
public struct ConfigDirectory: Sendable {
    public var path: String
    public var mailboxes: [MailboxConfig]
    public var organizations = OrganizationDirectory.empty

    /// Loads and checks every mailbox file. Reads the directory and nothing else (a reload calls
    /// it too); every problem of every file is thrown together, each with its file and field.
    public static func load(path: String) throws(ConfigProblems) -> ConfigDirectory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigProblems([ConfigError(file: path, field: "", problem: "config directory not found; create it with one <name>.yaml per support address, or pass --config-dir")])
        }
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        let names = all.filter { !OrganizationsFile.fileNames.contains($0) }
        guard !names.isEmpty else {
            throw ConfigProblems([ConfigError(file: path, field: "", problem: "no mailbox files (*.yaml besides organizations.yaml) in the config directory")])
        }
        var files: [MailboxFile] = []
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            let mailboxName = (name as NSString).deletingPathExtension
            guard let data = FileManager.default.contents(atPath: file) else {
                files.append(MailboxFile(file: file, name: mailboxName, problems: [ConfigError(file: file, field: "", problem: "cannot read the file; check its permissions")]))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                files.append(MailboxFile(file: file, name: mailboxName, problems: [ConfigError(file: file, field: "", problem: "the file is not UTF-8 text")]))
                continue
            }
            files.append(MailboxConfig.read(yaml: text, file: file))
        }
        blameClashes(in: &files)
        var problems = files.flatMap(\.problems)
        var organizations = OrganizationDirectory.empty
        switch readOrganizations(in: path, present: all.filter(OrganizationsFile.fileNames.contains)) {
        case .success(let read): organizations = read
        case .failure(let found): problems += found.problems
        }
        guard problems.isEmpty else { throw ConfigProblems(problems) }
        return ConfigDirectory(path: path, mailboxes: files.compactMap(\.config), organizations: organizations)
    }

    /// The organisations of the config directory at `path`, without reading its mailbox files
    /// (an admin command must work while one of those is broken).
    public static func organizations(path: String) throws(ConfigProblems) -> OrganizationDirectory {
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter(OrganizationsFile.fileNames.contains).sorted()
        return try readOrganizations(in: path, present: present).get()
    }

    /// The organisations file, if there is one (and only one of its two spellings).
    private static func readOrganizations(in path: String, present: [String]) -> Result<OrganizationDirectory, ConfigProblems> {
        guard let name = present.first else { return .success(.empty) }
        let file = (path as NSString).appendingPathComponent(name)
        guard present.count == 1 else {
            return .failure(ConfigProblems([ConfigError(file: file, field: "", problem: "both organizations.yaml and organizations.yml exist; keep one")]))
        }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            return .failure(ConfigProblems([ConfigError(file: file, field: "", problem: "cannot read the file as UTF-8 text; check its permissions")]))
        }
        return OrganizationsFile.read(yaml: text, file: file)
    }

    public func mailbox(named name: String) -> MailboxConfig? {
        mailboxes.first { $0.name == name }
    }

    /// Two files with the same mailbox name, key prefix or address: the later file in name order
    /// gets the problem, naming the earlier one, so the file that was there first stays blameless.
    private static func blameClashes(in files: inout [MailboxFile]) {
        var names: [String: String] = [:]
        var prefixes: [String: String] = [:]
        var addresses: [String: String] = [:]
        for index in files.indices {
            let file = files[index]
            var clashes: [ConfigError] = []
            if let earlier = names[file.name] {
                clashes.append(ConfigError(file: file.file, field: "", problem: "mailbox name '\(file.name)' is also used by \(earlier); rename one of the files"))
            }
            if let prefix = file.identity.keyPrefix, let earlier = prefixes[prefix] {
                clashes.append(ConfigError(file: file.file, field: "key", line: file.identity.keyLine,
                                           problem: "ticket key prefix '\(prefix)' is also used by \(earlier), which comes first; each mailbox needs its own"))
            }
            if let address = file.identity.address, let earlier = addresses[address] {
                clashes.append(ConfigError(file: file.file, field: "address", line: file.identity.addressLine,
                                           problem: "support address '\(address)' is also used by \(earlier), which comes first; each mailbox needs its own"))
            }
            names[file.name] = names[file.name] ?? file.file
            if let prefix = file.identity.keyPrefix { prefixes[prefix] = prefixes[prefix] ?? file.file }
            if let address = file.identity.address { addresses[address] = addresses[address] ?? file.file }
            files[index].problems += clashes
            if !clashes.isEmpty { files[index].config = nil }
        }
    }
}
