/// A parsed Content-Type (RFC 2045 section 5): media type and subtype, lower-cased, and parameters.
public struct ContentType: Sendable, Hashable {
    public var type: String
    public var subtype: String
    /// Parameters by lower-cased name (`charset`, `boundary`, `name`, …).
    public var parameters: [String: String]

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    /// Parses a Content-Type value; nil when it has no recognisable `type/subtype`.
    public init?(parsing raw: String) {
        let parsed = ParameterizedValue(parsing: raw)
        // QUIRK: some senders write "text/plain" with spaces or a trailing junk token.
        let media = parsed.value.split(separator: " ").first.map(String.init) ?? ""
        let pieces = media.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
            // A bare "text" is read as text/plain: the intent is clear.
            guard media == "text" else { return nil }
            self.init(type: "text", subtype: "plain", parameters: parsed.parameters)
            return
        }
        self.init(type: String(pieces[0]), subtype: String(pieces[1]), parameters: parsed.parameters)
    }

    /// "type/subtype".
    public var mediaType: String { "\(type)/\(subtype)" }
    public var charset: String? { parameters["charset"] }
    public var boundary: String? { parameters["boundary"] }
    public var isMultipart: Bool { type == "multipart" }
    public var isText: Bool { type == "text" }
    /// text/plain, compared without building the media type string.
    var isPlainText: Bool { type == "text" && subtype == "plain" }

    /// The RFC 2045 default: text/plain in US-ASCII.
    public static let textPlain = ContentType(type: "text", subtype: "plain", parameters: ["charset": "us-ascii"])
    /// The default inside multipart/digest (RFC 2046 section 5.1.5).
    public static let messageRFC822 = ContentType(type: "message", subtype: "rfc822")
}
