/// What a reload put in place.
public struct ReloadSummary: Sendable, Equatable, CustomStringConvertible {
    public var mailboxes: [String]
    public var added: [String]
    public var removed: [String]
    /// Template files in the new set.
    public var templates: Int

    public var description: String {
        var text = "reloaded: \(mailboxes.count) mailboxes (\(mailboxes.joined(separator: ", "))), \(templates) templates"
        if !added.isEmpty { text += "; added \(added.joined(separator: ", "))" }
        if !removed.isEmpty { text += "; removed \(removed.joined(separator: ", "))" }
        return text
    }
}
