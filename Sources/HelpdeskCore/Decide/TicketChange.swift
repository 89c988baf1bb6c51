/// What one actor changes on a ticket at once: from an agent's `#` commands or `tickets update`.
public struct TicketChange: Sendable, Equatable {
    /// A new assignee, or none.
    public enum Assignee: Sendable, Equatable {
        case agent(String)
        case nobody
    }

    /// One part of a change, so a refusal names the part (and an agent's line) it is about.
    public enum Field: String, Sendable, Equatable, Hashable {
        case status, assignee, priority, tags, participants
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

    /// Whether anything besides a status is asked for: fields only agents and admins may set.
    var touchesMoreThanStatus: Bool {
        assignee != nil || priority != nil || !addTags.isEmpty || !removeTags.isEmpty || !addParticipants.isEmpty
            || !removeParticipants.isEmpty
    }
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
    /// Which part of the change was refused, when one part is to blame.
    public var field: TicketChange.Field?

    public init(what: String, reason: String, field: TicketChange.Field? = nil) {
        self.what = what
        self.reason = reason
        self.field = field
    }

    public var description: String { what.isEmpty ? reason : "\(what): \(reason)" }
}
