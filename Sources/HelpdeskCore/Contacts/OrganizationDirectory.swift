/// An organisation requesters belong to, recognised by their mail domains.
public struct Organization: Sendable, Equatable {
    public var name: String
    /// Lower-cased; an address belongs when its domain is one of these or below one.
    public var domains: [String]
    /// Lower-cased addresses of those who approve its people's requests.
    public var managers: [String]
    /// The priority its people's new tickets start with; nil for the usual `normal`.
    public var defaultPriority: TicketPriority?

    public init(name: String, domains: [String], managers: [String] = [], defaultPriority: TicketPriority? = nil) {
        self.name = name
        self.domains = domains.map { $0.lowercased() }
        self.managers = managers.map { $0.lowercased() }
        self.defaultPriority = defaultPriority
    }
}

/// Which organisation, and which managers, a requester has: the contact's own exceptions first,
/// then their mail domain. Built from `organizations.yaml` at the edge.
public struct OrganizationDirectory: Sendable, Equatable {
    public var organizations: [Organization]

    public init(_ organizations: [Organization] = []) {
        self.organizations = organizations
    }

    public static let empty = OrganizationDirectory()

    /// The organisation called `name`, in any case.
    public func organization(named name: String) -> Organization? {
        let wanted = name.lowercased()
        return organizations.first { $0.name.lowercased() == wanted }
    }

    /// The organisation of `address`'s mail domain: `eu.acme.test` belongs to `acme.test`, and
    /// the most specific domain wins when two organisations nest.
    public func organization(forDomainOf address: String) -> Organization? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        var domain = address[address.index(after: at)...].lowercased()
        while !domain.isEmpty {
            if let found = organizations.first(where: { $0.domains.contains(domain) }) { return found }
            guard let dot = domain.firstIndex(of: ".") else { return nil }
            domain = String(domain[domain.index(after: dot)...])
        }
        return nil
    }

    /// What `address` belongs to: the contact's own choice (none, or a name, which counts even
    /// when no organisation of that name is configured), else its mail domain's.
    public func membership(of address: String, contact: Contact?) -> Membership {
        switch contact?.organization {
        case nil:
            let byDomain = organization(forDomainOf: address)
            return Membership(name: byDomain?.name, organization: byDomain)
        case ""?:
            return Membership(name: nil, organization: nil)
        case let name?:
            let configured = organization(named: name)
            return Membership(name: configured?.name ?? name, organization: configured)
        }
    }

    /// Who approves for `address`: the contact's own manager, else their organisation's managers.
    public func managers(of address: String, contact: Contact?) -> [String] {
        switch contact?.manager {
        case nil: return membership(of: address, contact: contact).organization?.managers ?? []
        case ""?: return []
        case let manager?: return [manager.lowercased()]
        }
    }

    /// An address's organisation as a ticket records it.
    public struct Membership: Sendable, Equatable {
        /// The name a ticket records; nil for none.
        public var name: String?
        /// Its configuration, when there is one.
        public var organization: Organization?
    }
}
