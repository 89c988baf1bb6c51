public import HelpdeskCore

/// What one actor changes on a ticket at once: from an agent's `#` commands or `tickets update`.
public struct TicketChange: Sendable, Equatable {
    /// A new assignee, or none.
    public enum Assignee: Sendable, Equatable {
        case agent(String)
        case nobody
    }

    public var status: TicketStatus?
    public var assignee: Assignee?
    public var priority: TicketPriority?
    public var addTags: [String] = []
    public var removeTags: [String] = []
    public var addParticipants: [String] = []
    public var removeParticipants: [String] = []

    public init(
        status: TicketStatus? = nil, assignee: Assignee? = nil, priority: TicketPriority? = nil, addTags: [String] = [],
        removeTags: [String] = [], addParticipants: [String] = [], removeParticipants: [String] = []
    ) {
        self.status = status
        self.assignee = assignee
        self.priority = priority
        self.addTags = addTags
        self.removeTags = removeTags
        self.addParticipants = addParticipants
        self.removeParticipants = removeParticipants
    }

    public var isEmpty: Bool { self == TicketChange() }
}

/// Who makes a change: an address (or `admin`, `gateway`) and the role the workflow judges.
public struct TicketActor: Sendable, Equatable {
    public var address: String
    public var role: ActorRole

    public init(address: String, role: ActorRole) {
        self.address = address
        self.role = role
    }

    public static let gateway = TicketActor(address: "gateway", role: .system)
}

/// A change the workflow does not allow; nothing of it was applied.
public struct ChangeRefused: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part of the change that was refused, as the actor wrote it (`#status pending`, `--assign zed`), if known.
    public var what: String
    public var reason: String

    public init(what: String, reason: String) {
        self.what = what
        self.reason = reason
    }

    public var description: String { what.isEmpty ? reason : "\(what): \(reason)" }
}
