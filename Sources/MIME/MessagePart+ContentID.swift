extension MessagePart {
    /// The Content-ID (RFC 2392) without angle brackets, as `cid:` URLs name it; nil when absent.
    public var contentID: String? {
        header["Content-ID"].flatMap(MessageIDList.single)
    }

    /// Whether the sender marked it `Content-Disposition: inline`.
    public var isInline: Bool { disposition?.value == "inline" }
}
