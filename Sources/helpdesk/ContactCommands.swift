import ArgumentParser
import Foundation
import Gateway
import HelpdeskCore
import HelpdeskStore

/// `helpdesk contacts …`: who wrote to the help desk, and the exceptions to their organisation.
struct Contacts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "List and show contacts, and set their organisation and manager.",
        discussion: """
            Everyone whose mail was recorded is a contact. Their organisation comes from their mail \
            domain (organizations.yaml in the config directory) unless it was set here; their managers \
            approve their requests. A change applies to tickets opened from then on.
            """,
        subcommands: [List.self, Show.self, Change.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List contacts by address.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only contacts of this organisation (any case), or 'none' for those of none.")
        var organization: String?
        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() throws {
            let organizations = try loadOrganizations(options)
            var contacts = try options.openDatabase().contacts().map { ContactJSON($0, organizations: organizations) }
            if let organization {
                let wanted = organization.lowercased()
                contacts = contacts.filter { wanted == "none" ? $0.organization == nil : $0.organization?.lowercased() == wanted }
            }
            if json {
                try printJSON(contacts)
                return
            }
            guard !contacts.isEmpty else {
                print(organization == nil ? "no contacts yet: every sender of recorded mail becomes one" : "no contacts of \(organization ?? "")")
                return
            }
            let format = ISO8601DateFormatter()
            print(TextTable.render(header: ["ADDRESS", "NAME", "ORGANIZATION", "MANAGERS", "LANGUAGE", "LAST SEEN"], rows: contacts.map {
                [$0.address, $0.name ?? "-", ($0.organization ?? "-") + ($0.organizationSource == .contact ? " (set)" : ""),
                 ($0.managers.isEmpty ? "-" : $0.managers.joined(separator: ", ")) + ($0.managerSource == .contact ? " (set)" : ""),
                 $0.language ?? "-", format.string(from: $0.lastSeenAt)]
            }))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one contact, where their organisation and managers come from, and their tickets.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The contact's address (any case).")
        var address: String
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let organizations = try loadOrganizations(options)
            let database = try options.openDatabase()
            guard let contact = try database.contact(address: address) else {
                throw CommandFailure("no contact \(address.lowercased()): nobody with this address has written; `helpdesk contacts list` shows who has")
            }
            var shown = ContactJSON(contact, organizations: organizations)
            let tickets = try database.tickets(matching: TicketFilter(requester: contact.address))
            shown.tickets = tickets.map { ContactJSON.TicketLine(key: $0.key, status: $0.status.rawValue, subject: $0.subject) }
            if json {
                try printJSON(shown)
                return
            }
            print(shown.name.map { "\($0) <\(shown.address)>" } ?? shown.address)
            print("organization: \(shown.organization ?? "none")  (\(shown.organizationSource.explanation))")
            print("managers: \(shown.managers.isEmpty ? "none" : shown.managers.joined(separator: ", "))  (\(shown.managerSource.explanation))")
            print("language: \(shown.language ?? "-")")
            let format = ISO8601DateFormatter()
            print("first seen: \(format.string(from: shown.firstSeenAt))   last seen: \(format.string(from: shown.lastSeenAt))")
            print("tickets: \(tickets.isEmpty ? "none" : "")")
            for ticket in tickets { print("  \(ticket.key)  \(ticket.status.rawValue)  \(ticket.subject)") }
        }
    }

    /// `contacts set` (not called `Set`, which would hide Swift's own inside this type).
    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set a contact's organisation or manager, against what their mail domain says.",
            discussion: """
                --organization NAME puts them in an organisation of organizations.yaml, 'none' in none, \
                'default' back to their mail domain's. --manager ADDRESS makes someone their only \
                approver, 'none' leaves them without, 'default' back to their organisation's managers. \
                Tickets opened from then on follow the change; earlier ones keep theirs.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The contact's address (any case); someone who has not written yet is created.")
        var address: String
        @Option(help: "An organisation's name, 'none' or 'default'.")
        var organization: String?
        @Option(help: "An address, 'none' or 'default'.")
        var manager: String?

        func validate() throws {
            guard organization != nil || manager != nil else {
                throw ValidationError("give --organization, --manager or both")
            }
            guard MailboxConfig.isPlausibleAddress(address) else { throw ValidationError("'\(address)' is not an email address") }
            if let manager, !["none", "default"].contains(manager.lowercased()), !MailboxConfig.isPlausibleAddress(manager) {
                throw ValidationError("--manager '\(manager)' is not an email address (or 'none', 'default')")
            }
        }

        func run() throws {
            let organizations = try loadOrganizations(options)
            let organizationSetting = try organization.map { text -> ContactSetting in
                switch text.lowercased() {
                case "none": return .none
                case "default": return .byDefault
                default:
                    guard let found = organizations.organization(named: text) else {
                        let names = organizations.organizations.map(\.name)
                        let hint = ClosestName.to(text, among: names).map { "did you mean '\($0)'? " } ?? ""
                        throw CommandFailure("no organisation '\(text)' in \(options.configDirectory)/organizations.yaml; \(hint)"
                            + (names.isEmpty ? "it defines none yet" : "known: \(names.joined(separator: ", "))"))
                    }
                    return .value(found.name)
                }
            } ?? .unchanged
            let managerSetting: ContactSetting = manager.map { text in
                switch text.lowercased() {
                case "none": .none
                case "default": .byDefault
                default: .value(text.lowercased())
                }
            } ?? .unchanged
            let contact = try options.openOrCreateDatabase().setContact(
                address: address, organization: organizationSetting, manager: managerSetting, at: Date())
            let shown = ContactJSON(contact, organizations: organizations)
            print("\(shown.address): organization \(shown.organization ?? "none") (\(shown.organizationSource.explanation)), "
                + "managers \(shown.managers.isEmpty ? "none" : shown.managers.joined(separator: ", ")) (\(shown.managerSource.explanation))")
            print("tickets opened from now on follow this; earlier tickets keep their organisation")
        }
    }
}

/// The organisations of the config directory, or a clear failure naming the file's problems.
private func loadOrganizations(_ options: GlobalOptions) throws -> OrganizationDirectory {
    do {
        return try ConfigDirectory.organizations(path: options.configDirectory)
    } catch {
        throw CommandFailure("organizations.yaml cannot be used:\n\(error)")
    }
}

/// A contact as `contacts list|show` print it: stored facts, and their organisation and
/// managers as new tickets would see them, with where each comes from.
struct ContactJSON: Encodable {
    /// Where an organisation or managers come from.
    enum Source: String, Encodable {
        /// The mail domain (organisation), or the organisation (managers).
        case configuration
        /// The admin's `contacts set`.
        case contact

        var explanation: String {
            switch self {
            case .configuration: "from organizations.yaml"
            case .contact: "set with helpdesk contacts set"
            }
        }
    }

    /// One of the contact's tickets, for `show`.
    struct TicketLine: Encodable {
        var key: String
        var status: String
        var subject: String
    }

    var address: String
    var name: String?
    var language: String?
    var firstSeenAt: Date
    var lastSeenAt: Date
    var organization: String?
    var organizationSource: Source
    var managers: [String]
    var managerSource: Source
    var tickets: [TicketLine]?

    init(_ contact: Contact, organizations: OrganizationDirectory) {
        address = contact.address
        name = contact.name
        language = contact.language
        firstSeenAt = contact.firstSeenAt
        lastSeenAt = contact.lastSeenAt
        organization = organizations.membership(of: contact.address, contact: contact).name
        organizationSource = contact.organization == nil ? .configuration : .contact
        managers = organizations.managers(of: contact.address, contact: contact)
        managerSource = contact.manager == nil ? .configuration : .contact
    }
}
