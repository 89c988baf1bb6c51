/// What one line of a reply is, as far as finding the new text goes.
enum ReplyLineKind: Equatable {
    /// Nothing but spaces and tabs.
    case blank
    /// Something the writer wrote (or that cannot be told apart from it).
    case text
    /// A ">" (or Supercite "AB>") quoted line.
    case quote
    /// A line introducing quoted history: "On … wrote:", "-----Original Message-----", "From: …".
    case header(QuoteHeader)
    /// A signature delimiter or a long rule: nothing after it is new text.
    case delimiter
    /// An app footer ("Sent from my iPhone"); dropped only where it ends the writer's text.
    case footer

    var isHeader: Bool { header != nil }

    /// What a header line introduces; nil for every other kind.
    var header: QuoteHeader? {
        if case .header(let header) = self { header } else { nil }
    }
}
