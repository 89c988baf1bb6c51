extension String {
    /// The text with every line break made a space: values that end up in header lines (a
    /// subject, a name, a reason quoting a sender's words) must not inject headers.
    public var oneLine: String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
