/// An addr-spec as it goes on the wire, in the SMTP envelope and in header fields.
///
/// With an ASCII local part the domain is written as its A-label (`ann@xn--bcher-kva.example`),
/// which every server takes. A non-ASCII local part (`jörg@…`) can only travel with SMTPUTF8
/// (RFC 6531); its header form is then UTF-8 (RFC 6532) with the domain's U-label
/// (`jörg@bücher.example`). ASCII domains and domain literals stay as written.
public struct WireAddress: Sendable, Hashable {
    /// For `MAIL FROM`/`RCPT TO`: the local part as written, the domain as its A-label.
    public var envelope: String
    /// For From/To/Cc: the A-label form, or UTF-8 with the U-label when `needsSMTPUTF8`.
    public var header: String
    /// The local part has non-ASCII characters: only a server offering SMTPUTF8 takes it.
    public var needsSMTPUTF8: Bool

    /// The wire forms of `addrSpec` (`local@domain`), or nil when its domain is one IDNA
    /// refuses (an empty label, spaces, symbols …): such an address cannot be sent anywhere.
    public init?(_ addrSpec: String) {
        needsSMTPUTF8 = false
        // The domain cannot hold "@"; a quoted local part can.
        guard let at = addrSpec.lastIndex(of: "@") else {
            needsSMTPUTF8 = !addrSpec.utf8.allSatisfy { $0 < 0x80 }
            (envelope, header) = (addrSpec, addrSpec)
            return
        }
        let local = addrSpec[..<at]
        let domain = String(addrSpec[addrSpec.index(after: at)...])
        needsSMTPUTF8 = !local.utf8.allSatisfy { $0 < 0x80 }
        let asciiDomain: String
        if domain.hasPrefix("[") || domain.utf8.allSatisfy({ $0 < 0x80 }) {
            // A domain literal, or a name already in ASCII: nothing to convert, and the server
            // is the judge of it, as before international addresses.
            asciiDomain = domain
        } else {
            guard let converted = IDNA.asciiDomain(domain) else { return nil }
            asciiDomain = converted
        }
        envelope = "\(local)@\(asciiDomain)"
        guard needsSMTPUTF8, !domain.hasPrefix("[") else {
            header = envelope
            return
        }
        guard let unicodeDomain = IDNA.unicodeDomain(asciiDomain) else { return nil }
        header = "\(local)@\(unicodeDomain)"
    }
}

extension Address {
    /// The envelope and header forms of `address`; nil when its domain cannot be expressed.
    public var wire: WireAddress? { WireAddress(address) }
}
