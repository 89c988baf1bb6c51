/// Builds the MIME tree of a message (RFC 2045, 2046): reads each part's header, splits
/// multiparts, opens embedded messages; caps depth and part count, and collects defects.
struct PartParser {
    /// Deeper nesting than this is an attack, not a message.
    static let maxDepth = 20
    static let maxParts = 1000

    var defects: [Defect] = []
    private var partCount = 1
    private var reportedPartLimit = false

    mutating func parse(_ bytes: ArraySlice<UInt8>, depth: Int = 0, defaultType: ContentType = .textPlain) -> MessagePart {
        let headerResult = HeaderParser.parse(bytes)
        defects += headerResult.defects
        let header = headerResult.header
        var part = MessagePart(header: header, rawBody: bytes[headerResult.bodyStart...])

        if let raw = header["Content-Type"] {
            if let parsed = ContentType(parsing: raw) {
                part.contentType = parsed
            } else {
                // RFC 2045 section 5.2: an unreadable Content-Type means text/plain in US-ASCII.
                part.contentType = .textPlain
                defects.append(.unreadableContentType(String(raw.prefix(80))))
            }
        } else {
            part.contentType = defaultType
        }
        if let encoding = header["Content-Transfer-Encoding"] {
            part.transferEncoding = encoding.trimmingWhitespace.lowercased()
            let known = ["7bit", "8bit", "binary", "base64", "quoted-printable"]
            if !known.contains(part.transferEncoding) {
                defects.append(.unknownTransferEncoding(String(encoding.prefix(40))))
            }
        }
        if let disposition = header["Content-Disposition"] {
            part.disposition = ParameterizedValue(parsing: disposition)
        }

        if part.contentType.isMultipart {
            part.children = parseMultipart(part, depth: depth)
        } else if part.contentType.type == "message", ["rfc822", "global"].contains(part.contentType.subtype) {
            // QUIRK: RFC 2046 section 5.2.1 forbids encoding message/rfc822, but it happens.
            let inner = ["base64", "quoted-printable"].contains(part.transferEncoding)
                ? part.decodedBody()[...] : part.rawBody
            part.children = parseEmbeddedMessage(skippingBlankLines(inner), depth: depth)
        } else if depth > 0, let inner = mislabelledMessage(part) {
            defects.append(.mislabelledMessage(declared: part.contentType.mediaType))
            part.contentType = .messageRFC822
            part.children = parseEmbeddedMessage(inner, depth: depth)
        } else if part.isTNEF {
            part.children = tnefParts(of: part)
        } else if part.contentType.isPlainText, !part.isAttachment, UUDecoder.mayContainBlock(part.rawBody) {
            part.children = uuencodedParts(of: part)
        }
        return part
    }

    private mutating func parseEmbeddedMessage(_ bytes: ArraySlice<UInt8>, depth: Int) -> [MessagePart] {
        guard depth + 1 <= Self.maxDepth else {
            defects.append(.nestedTooDeep(limit: Self.maxDepth))
            return []
        }
        guard claimPart() else { return [] }
        return [parse(bytes, depth: depth + 1)]
    }

    private mutating func parseMultipart(_ part: MessagePart, depth: Int) -> [MessagePart] {
        guard depth + 1 <= Self.maxDepth else {
            defects.append(.nestedTooDeep(limit: Self.maxDepth))
            return []
        }
        let mediaType = part.contentType.mediaType
        let declared = part.contentType.boundary.flatMap { $0.isEmpty ? nil : $0 }
        var split = declared.map { MultipartSplitter.split(part.rawBody, boundary: Array($0.utf8), maxParts: Self.maxParts) }
        if split?.parts.isEmpty ?? true {
            guard let recovered = BoundaryRecovery.recover(in: part.rawBody, declared: declared, maxParts: Self.maxParts) else {
                if let declared {
                    defects.append(.boundaryNotFound(mediaType: mediaType, boundary: String(declared.prefix(70))))
                } else {
                    defects.append(.multipartWithoutBoundary(mediaType: mediaType))
                }
                return []
            }
            defects.append(.recoveredBoundary(mediaType: mediaType, declared: declared, used: recovered.boundary))
            split = recovered.split
        }
        guard let split else { return [] }
        if !split.isClosed, !split.isTruncated {
            defects.append(.missingClosingBoundary(mediaType: part.contentType.mediaType))
        }
        let childDefault: ContentType = part.contentType.subtype == "digest" ? .messageRFC822 : .textPlain
        var children: [MessagePart] = []
        for bytes in split.parts {
            guard claimPart() else { break }
            children.append(parse(bytes, depth: depth + 1, defaultType: childDefault))
        }
        return children
    }

    /// Counts one more part; false (with a defect, once) past the limit.
    mutating func claimPart() -> Bool {
        guard partCount < Self.maxParts else {
            if !reportedPartLimit {
                defects.append(.tooManyParts(limit: Self.maxParts))
                reportedPartLimit = true
            }
            return false
        }
        partCount += 1
        return true
    }
}
