public import MIME

/// What in a message may tie it to an existing ticket, in the order to try: the Message-IDs it
/// answers (In-Reply-To first, then References newest first), then subject tokens.
public struct FollowUpCandidates: Sendable, Equatable {
    public var referencedMessageIDs: [String]
    public var subjectKeys: [TicketKey]

    public init(referencedMessageIDs: [String], subjectKeys: [TicketKey]) {
        self.referencedMessageIDs = referencedMessageIDs
        self.subjectKeys = subjectKeys
    }

    public init(message: Message, prefixes: Set<String>) {
        var ids: [String] = []
        for id in message.inReplyTo + message.references.reversed() where !ids.contains(id) { ids.append(id) }
        self.init(referencedMessageIDs: ids, subjectKeys: SubjectToken.keys(in: message.subject ?? "", prefixes: prefixes))
    }
}
