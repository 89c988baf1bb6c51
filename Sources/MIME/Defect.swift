/// Something the reader had to bend or skip; parsing never fails. Callers and tests match on the
/// case; `description` says it in words an operator can act on.
public enum Defect: Sendable, Hashable, CustomStringConvertible {
    // MARK: Header
    /// A byte order mark stood before the first field.
    case byteOrderMark
    /// An mbox "From " line stood before the header.
    case mboxFromLine
    /// The message starts with its body.
    case noHeader
    /// The header ran into the body without an empty line.
    case headerNotEnded
    /// The header was ended by a line of spaces.
    case headerEndedBySpaces
    /// A folded line with no field before it.
    case orphanContinuationLine
    /// A header line without a colon.
    case lineWithoutColon
    /// A field longer than the reader keeps.
    case fieldTooLong(name: String, limit: Int)
    /// More fields than the reader keeps.
    case tooManyFields(limit: Int)
    /// A Date field no known form reads.
    case unreadableDate(String)
    /// Unencoded 8-bit bytes inside an RFC 2047 encoded word, read as `readAs` (the word's charset,
    /// or UTF-8 when the bytes are UTF-8 and the word says otherwise).
    case rawBytesInEncodedWord(charset: String, readAs: String)

    // MARK: Addresses
    /// A ":" or ">" where no address syntax has one.
    case strayAddressPunctuation(Character)
    /// A piece of an address field that holds no address.
    case noAddress(String)
    /// More addresses in one field than the reader keeps.
    case tooManyAddresses(limit: Int)

    // MARK: Structure
    case unreadableContentType(String)
    case unknownTransferEncoding(String)
    /// Parts nested deeper than the reader follows.
    case nestedTooDeep(limit: Int)
    case multipartWithoutBoundary(mediaType: String)
    /// The boundary parameter names a line the body never has.
    case boundaryNotFound(mediaType: String, boundary: String)
    case missingClosingBoundary(mediaType: String)
    /// More parts than the reader keeps.
    case tooManyParts(limit: Int)
    /// The declared boundary (nil: none given) was not in the body; `used` was, and split it.
    case recoveredBoundary(mediaType: String, declared: String?, used: String)
    /// A part labelled `declared` (text/plain) that holds a whole message with parts: read as message/rfc822.
    case mislabelledMessage(declared: String)
    /// Empty lines before the header of an attached message.
    case blankLinesBeforeHeader

    // MARK: Content inside text and Outlook parts
    /// A uuencoded file (`begin 644 name` … `end`) inside text: taken out as an attachment.
    case uuencodedAttachment(filename: String?)
    /// A uuencoded file whose `end` line is missing: kept as far as it goes.
    case unterminatedUUEncoding(filename: String?)
    /// An Outlook winmail.dat (application/ms-tnef) that could not be read: kept as it is.
    case damagedTNEF(TNEFDamage)
    /// Something inside a winmail.dat that cannot be turned into a file (an embedded Outlook
    /// item, an OLE object): the files that could be were taken out, and winmail.dat is kept too.
    case incompleteTNEF(reason: String)

    // MARK: Text
    /// Bytes labelled UTF-8 that are not.
    case invalidUTF8(charset: String, readAs: TextReading)
    /// 8-bit bytes in text labelled US-ASCII (or unlabelled).
    case eightBitInASCII(charset: String, readAs: TextReading)
    /// A charset name nothing on this machine knows.
    case unknownCharset(String, readAs: TextReading)
    /// Byte sequences the charset has no character for, replaced.
    case invalidSequences(count: Int, charset: String)

    /// How text whose charset was wrong or unknown was read instead.
    public enum TextReading: Sendable, Hashable, CustomStringConvertible {
        case utf8, utf8WithReplacements, latin1

        public var description: String {
            switch self {
            case .utf8: "read as UTF-8"
            case .utf8WithReplacements: "read as UTF-8 with replacement characters"
            case .latin1: "read as ISO-8859-1"
            }
        }
    }

    public var description: String {
        switch self {
        case .byteOrderMark: "byte order mark before the header: skipped"
        case .mboxFromLine: "mbox \"From \" line before the header: skipped"
        case .noHeader: "message has no header"
        case .headerNotEnded: "header not ended by an empty line"
        case .headerEndedBySpaces: "header ended by a line of spaces instead of an empty line"
        case .orphanContinuationLine: "continuation line without a header field: skipped"
        case .lineWithoutColon: "header line without a colon: skipped"
        case .fieldTooLong(let name, let limit): "header field \(name) longer than \(limit) bytes: truncated"
        case .tooManyFields(let limit): "more than \(limit) header fields: the rest skipped"
        case .unreadableDate(let text): "unreadable Date \"\(text.prefix(80))\""
        case .rawBytesInEncodedWord(let charset, let reading):
            "unencoded 8-bit bytes inside an encoded word labelled \(charset.prefix(40)): read as \(reading)"
        case .strayAddressPunctuation(let character): "stray \"\(character)\" in address list"
        case .noAddress(let text): "no address in \"\(text.prefix(80))\""
        case .tooManyAddresses(let limit): "more than \(limit) addresses in one field: the rest skipped"
        case .unreadableContentType(let text): "unreadable Content-Type \"\(text.prefix(80))\": read as text/plain"
        case .unknownTransferEncoding(let name): "unknown Content-Transfer-Encoding \"\(name.prefix(40))\": body kept as is"
        case .nestedTooDeep(let limit): "parts nested deeper than \(limit): the rest kept unparsed"
        case .multipartWithoutBoundary(let type): "\(type) without a boundary: body kept as one part"
        case .boundaryNotFound(let type, let boundary): "\(type) with no parts: boundary \"\(boundary.prefix(70))\" not found"
        case .missingClosingBoundary(let type): "\(type) without its closing boundary"
        case .tooManyParts(let limit): "more than \(limit) parts: the rest kept unparsed"
        case .recoveredBoundary(let type, let declared?, let used):
            "\(type) boundary \"\(declared.prefix(70))\" not found: split at \"\(used.prefix(70))\", found in the body"
        case .recoveredBoundary(let type, nil, let used):
            "\(type) without a boundary: split at \"\(used.prefix(70))\", found in the body"
        case .mislabelledMessage(let declared): "attached message labelled \(declared.prefix(60)): read as message/rfc822"
        case .blankLinesBeforeHeader: "empty lines before the header of an attached message: skipped"
        case .uuencodedAttachment(let name): "uuencoded file \(Self.quotedName(name)) in the text: taken out as an attachment"
        case .unterminatedUUEncoding(let name):
            "uuencoded file \(Self.quotedName(name)) without its \"end\" line: kept as far as it goes"
        case .damagedTNEF(let damage): "unreadable winmail.dat (application/ms-tnef): \(damage); kept as it is"
        case .incompleteTNEF(let reason):
            "winmail.dat (application/ms-tnef) holds \(reason.prefix(120)), which cannot be taken out: winmail.dat kept"
        case .invalidUTF8(let charset, let reading): "invalid UTF-8 in text labelled \(charset): \(reading)"
        case .eightBitInASCII(let charset, let reading): "8-bit bytes in text labelled \(charset): \(reading)"
        case .unknownCharset(let name, let reading): "unknown charset \"\(name.prefix(60))\": \(reading)"
        case .invalidSequences(let count, let charset): "\(count) invalid byte sequence(s) in \(charset) text replaced"
        }
    }

    private static func quotedName(_ name: String?) -> String {
        name.map { "\"\($0.prefix(80))\"" } ?? "without a name"
    }
}
