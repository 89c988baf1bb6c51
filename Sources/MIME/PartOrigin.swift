/// Where a `MessagePart` came from: the MIME structure, or content the reader found inside
/// another part and turned into a part of its own.
public enum PartOrigin: Sendable, Hashable {
    /// Read from the message's MIME structure.
    case mime
    /// A file uuencoded inside the text of its parent part.
    case uuencoded
    /// A file inside the parent's winmail.dat (application/ms-tnef).
    case tnefAttachment
    /// The body text (or HTML) of the parent's winmail.dat: the text only when the message has no other.
    case tnefBody
}
