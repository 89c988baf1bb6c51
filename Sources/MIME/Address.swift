/// A mailbox address, e.g. `"Ann Example" <ann@example.test>`.
public struct Address: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The display name, decoded; nil when there is none.
    public var name: String?
    /// The addr-spec as written (`local@domain`), trimmed; the domain's case is kept.
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    /// For people and logs: `Ann Example <ann@example.test>`, the name quoted when it has
    /// specials, never encoded (the header form is what `OutgoingMessage` writes).
    public var description: String {
        guard let name, !name.isEmpty else { return address }
        let plain = name.utf8.allSatisfy { HeaderText.isAtext($0) || $0 == ASCII.space || $0 >= 0x80 }
        return "\(plain ? name : HeaderText.quoted(name)) <\(address)>"
    }

    /// Parses an address list (`To:`-style value) leniently; never fails.
    public static func parseList(_ value: String) -> [Address] {
        AddressParser.parse(value)
    }

    /// The header form: a bare address without a name, else the name (as atoms, a quoted string
    /// or RFC 2047 encoded words) and the address in angle brackets. CR, LF and other controls
    /// are removed so no input can start a new header line. The address is in its wire form
    /// (`WireAddress.header`): an IDN domain as its A-label, or UTF-8 for a non-ASCII local part;
    /// a domain IDNA refuses stays as written (sending it fails with a clear error).
    var rendered: String {
        let written = HeaderSanitizer.address(address)
        let spec = WireAddress(written)?.header ?? written
        let clean = HeaderSanitizer.value(name ?? "").trimmingWhitespace
        guard !clean.isEmpty else { return spec }
        return "\(HeaderText.phrase(clean)) <\(spec)>"
    }
}
