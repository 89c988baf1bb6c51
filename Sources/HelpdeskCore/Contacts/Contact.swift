public import Foundation

/// Someone who wrote to the help desk: their address, what their mail said of them, and the
/// admin's exceptions to what their organisation would say.
public struct Contact: Sendable, Codable, Equatable {
    /// Lower-cased; the key.
    public var address: String
    /// The display name of their latest mail that had one.
    public var name: String?
    /// The language of their latest mail that named one (`de`, `pt-BR`).
    public var language: String?
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    /// The admin's choice of organisation: nil for "by mail domain", "" for none.
    public var organization: String?
    /// The admin's choice of manager (approver): nil for "the organisation's", "" for none.
    public var manager: String?

    public init(
        address: String, name: String? = nil, language: String? = nil, firstSeenAt: Date, lastSeenAt: Date,
        organization: String? = nil, manager: String? = nil
    ) {
        self.address = address
        self.name = name
        self.language = language
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.organization = organization
        self.manager = manager
    }
}

/// One of a contact's exceptions as the admin changes it.
public enum ContactSetting: Sendable, Equatable {
    /// Left as it is.
    case unchanged
    /// Back to what the configuration says (the mail domain's organisation, its managers).
    case byDefault
    /// Explicitly none, whatever the configuration says.
    case none
    /// This organisation's name, or this manager's address.
    case value(String)

    /// What the contact keeps for it: nil, "" or the value; `current` when unchanged.
    public func stored(replacing current: String?) -> String? {
        switch self {
        case .unchanged: current
        case .byDefault: nil
        case .none: ""
        case .value(let value): value
        }
    }
}
