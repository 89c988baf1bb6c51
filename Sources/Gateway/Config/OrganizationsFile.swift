import Foundation
import HelpdeskCore

/// `organizations.yaml` in the config directory: the organisations requesters belong to by
/// their mail domain, with their managers (who approve) and the priority their tickets start
/// with. Optional; a mailbox cannot be called `organizations`.
enum OrganizationsFile {
    static let fileNames: Set<String> = ["organizations.yaml", "organizations.yml"]

    /// The organisations in `yaml`, or every problem of the file.
    static func read(yaml: String, file: String) -> Result<OrganizationDirectory, ConfigProblems> {
        var problems = ConfigProblemList()
        let root = problems.attempt { () throws(ConfigError) -> YAMLFields? in
            // An empty file is no organisations, as no file is.
            return try YAMLFields.compose(yaml: yaml, file: file).map { node throws(ConfigError) in try YAMLFields(file: file, path: "", node: node) }
        }
        guard let fields = root else { return .failure(ConfigProblems(problems.problems)) }
        guard let fields else { return .success(.empty) }
        problems.note(fields.unknownFields(["organizations"]))
        var organizations: [Organization] = []
        var names: [String: String] = [:]
        var domains: [String: String] = [:]
        for entry in problems.attempt({ () throws(ConfigError) in try fields.list("organizations") }) ?? [] {
            problems.note(entry.unknownFields(["name", "domains", "managers", "priority"]))
            // The name first and on its own: a clash is reported even when another field is wrong.
            let name = problems.attempt { () throws(ConfigError) in try entry.string("name", hint: "give the organisation's name, e.g. name: Acme") }
            if let name {
                if let earlier = names[name.lowercased()] {
                    problems.note(entry.error("name", "'\(name)' is also the name of \(earlier); each organisation needs its own"))
                }
                names[name.lowercased()] = names[name.lowercased()] ?? "\(entry.path) (\(name))"
            }
            guard let name, let organization = problems.attempt({ () throws(ConfigError) in try self.organization(entry, name: name) }) else { continue }
            for domain in organization.domains {
                if let earlier = domains[domain] {
                    problems.note(entry.error("domains", "\(domain) is also a domain of \(earlier); a domain belongs to one organisation"))
                }
                domains[domain] = domains[domain] ?? organization.name
            }
            organizations.append(organization)
        }
        guard problems.isEmpty else { return .failure(ConfigProblems(problems.problems)) }
        return .success(OrganizationDirectory(organizations))
    }

    private static func organization(_ entry: YAMLFields, name: String) throws(ConfigError) -> Organization {
        let domains = try entry.stringList("domains").map { $0.lowercased() }
        guard !domains.isEmpty else { throw entry.error("domains", "missing; list the mail domains of its people, e.g. domains: [acme.com]") }
        for domain in domains where domain.contains("@") || !domain.contains(".") || domain.hasPrefix(".") || domain.hasSuffix(".") {
            throw entry.error("domains", "'\(domain)' is not a mail domain; write it as in an address after the @, e.g. acme.com")
        }
        let managers = try entry.stringList("managers")
        for manager in managers where !MailboxConfig.isPlausibleAddress(manager) {
            throw entry.error("managers", "'\(manager)' is not an email address")
        }
        var priority: TicketPriority?
        if let text = try entry.optionalString("priority") {
            guard let value = TicketPriority(rawValue: text.lowercased()) else {
                throw entry.error("priority", "'\(text)' is not one of \(TicketPriority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            priority = value
        }
        return Organization(name: name, domains: domains, managers: managers, defaultPriority: priority)
    }
}
