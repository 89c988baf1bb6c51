extension Message {
    /// The new text of the chosen text body (see `ReplyExtractor`), or nil without a text body.
    public var reply: String? {
        textBody.map(ReplyExtractor.newText)
    }
}
