/// Why a winmail.dat (a TNEF stream, [MS-OXTNEF]) could not be read; offsets count from the
/// start of the decoded winmail.dat, so the file can be checked with a hex viewer.
public enum TNEFDamage: Error, Sendable, Hashable, CustomStringConvertible {
    /// The data does not start with the TNEF signature 0x223E9F78.
    case notTNEF
    /// An attribute or property runs past the end of the data.
    case truncated(offset: Int)
    /// An attribute's checksum does not match its data (attribute id as written).
    case badChecksum(attribute: UInt32, offset: Int)
    /// A MAPI property list with an unknown property type or an impossible count.
    case unreadableProperties(offset: Int)
    /// More attachments than the reader takes out of one winmail.dat.
    case tooManyAttachments(limit: Int)

    public var description: String {
        switch self {
        case .notTNEF: "no TNEF signature"
        case .truncated(let offset): "cut short at byte \(offset)"
        case .badChecksum(let attribute, let offset):
            "checksum mismatch in attribute 0x\(String(attribute, radix: 16, uppercase: true)) at byte \(offset)"
        case .unreadableProperties(let offset): "unreadable MAPI properties at byte \(offset)"
        case .tooManyAttachments(let limit): "more than \(limit) attachments"
        }
    }
}
